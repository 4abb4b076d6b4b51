"""What a publish would change: files added, changed and removed, and the guards against a bad one.

Files are compared by their git blob id (sha1 of `blob <size>\\0<bytes>`), so a folder target and a
git branch are compared the same way, and a git tree can be diffed without checking it out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import PublishError

Digest = Mapping[str, str]
"""`/`-separated relative path -> git blob id."""

ARTICLE_PAGE = re.compile(r"^(\d{4}/\d{2}/[^/]+/)index\.html$")
"""Where an article page (or an alias's redirect page) lives in a built site."""
DEFAULT_MAX_DELETES = 256
"""As Hugo's `deploy --maxDeletes`; -1 disables the cap."""
SHRINK_RATIO = 0.5
"""A build with fewer files than this share of the published ones is refused (a lost `seeds/`?)."""
SHRINK_MIN_FILES = 20
"""Below this many published files the shrink guard does not apply (a young site changes shape)."""


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def digest_files(root: Path, paths: list[str]) -> dict[str, str]:
    """Blob ids of the given files under `root`."""
    return {rel: blob_id((root / rel).read_bytes()) for rel in paths}


@dataclass(frozen=True, slots=True)
class Diff:
    """Sorted paths that a publish adds, changes and removes."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"

    def removed_articles(self) -> tuple[str, ...]:
        """Site paths (`2026/02/old-name/`) of the article pages (or redirect pages) among the removals.

        They are told apart by their place, `<yyyy>/<mm>/<slug>/index.html` (a month's list pages are
        deeper, `page/<n>/`): readers and search engines link to articles, so each one removed is a link
        that breaks.
        """
        return tuple(m.group(1) for path in self.removed if (m := ARTICLE_PAGE.match(path)))

    def lines(self) -> list[str]:
        """`+ path`, `~ path`, `- path`, one per file, in path order."""
        marks = [("+", p) for p in self.added] + [("~", p) for p in self.changed] + [("-", p) for p in self.removed]
        return [f"{mark} {path}" for mark, path in sorted(marks, key=lambda mp: (mp[1], mp[0]))]


def diff_trees(published: Digest, new: Digest) -> Diff:
    """What turning `published` into `new` adds, changes and removes."""
    return Diff(
        added=tuple(sorted(p for p in new if p not in published)),
        changed=tuple(sorted(p for p in new if p in published and published[p] != new[p])),
        removed=tuple(sorted(p for p in published if p not in new)),
    )


def check_guards(diff: Diff, published: Digest, new: Digest, articles: int, max_deletes: int) -> None:
    """Refuse an empty build, too many removals, or a build much smaller than what is published."""
    how = "run again with --force if this is what you want"
    if articles == 0:
        raise PublishError("refused to publish: the build has no articles", hint=f"check seeds/; {how}")
    if 0 <= max_deletes < len(diff.removed):
        raise PublishError(
            f"refused to publish: it would remove {len(diff.removed)} published files, more than "
            f"--max-deletes {max_deletes}",
            hint=f"look at the list with --dry-run; raise --max-deletes or {how}",
        )
    if len(published) >= SHRINK_MIN_FILES and len(new) < SHRINK_RATIO * len(published):
        raise PublishError(
            f"refused to publish: the build has {len(new)} files, less than half of the {len(published)} published",
            hint=f"check that every page is still in seeds/; {how}",
        )
