"""`sitegen publish`: ship a fresh, checked build to a folder or a git branch — never a broken one.

1. The target is vetted before anything is built (a foreign folder, a checked-out branch).
2. A fresh production build goes into a temporary folder (never the current `site/`,
   zola#3267) and `check` runs over it: any problem publishes nothing.
3. The build is diffed against what is published now; `--dry-run` stops there. An empty
   build, more removals than `--max-deletes`, or a much smaller build is refused unless `--force`.
4. The target gets the build (atomic folder swap, or one fast-forward commit), then it is
   read back and compared with the build file by file.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sitegen import __version__
from sitegen.build import BuildOptions, BuildResult, build
from sitegen.check import CheckReport, check_build
from sitegen.check.built import list_files
from sitegen.errors import ErrorList, PublishError
from sitegen.publish.diff import DEFAULT_MAX_DELETES, Diff, Digest, check_guards, diff_trees, digest_files
from sitegen.publish.git import source_commit
from sitegen.publish.tempdirs import sweep_stale_temp_dirs, temp_dir

log = logging.getLogger(__name__)


class PublishTarget(Protocol):
    """Where a site is published: a folder or a git branch."""

    def describe(self) -> str: ...
    def prepare(self) -> None: ...
    def published(self) -> Digest: ...
    def write(self, tree: Path, files: list[str], message: str) -> bool: ...
    def reread(self) -> tuple[str | None, Digest]: ...
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class PublishOptions:
    """How to publish."""

    dry_run: bool = False
    max_deletes: int = DEFAULT_MAX_DELETES
    message: str | None = None
    """First line of the commit message (git); the build's details follow it."""
    force: bool = False
    """Publish even an empty build, more removals than `max_deletes`, or a much smaller build."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The instant that decides which scheduled pages are published."""


@dataclass
class PublishReport:
    """What a publish did (or, with `--dry-run`, would do)."""

    target: str
    diff: Diff
    build: BuildResult
    check: CheckReport
    dry_run: bool
    changed: bool = False
    """Something was written (a dry run writes nothing)."""
    commit: str | None = None
    refusal: PublishError | None = None
    """With `--dry-run`: the guard a real run would stop at."""
    seconds: float = 0.0

    def removed_articles_warning(self) -> list[str]:
        """Lines naming the article pages this publish takes off the target, and how to keep their readers."""
        removed = self.diff.removed_articles()
        if not removed:
            return []
        base = self.build.site.config.base_path if self.build.site is not None else "/"
        verb = "would remove" if self.dry_run else "removes"
        count = f"{len(removed)} article page{'s' if len(removed) > 1 else ''}"
        return [
            f"this publish {verb} {count} from {self.target}: links to {'them' if len(removed) > 1 else 'it'} "
            "will get 404",
            *(f"  - {base}{path}" for path in removed),
            "  to keep their readers, list each old URL in `aliases:` of the page that replaces it, "
            f"e.g. aliases: [/{removed[0]}]",
        ]


def commit_message(site_dir: Path, result: BuildResult, title: str, message: str | None) -> str:
    """Subject, then what was built: pages, sitegen version, the source commit when there is one."""
    source = source_commit(site_dir)
    return (
        f"{message or f'Publish {title}: {result.articles} articles'}\n\n"
        f"Built by sitegen {__version__}: {result.articles} articles, {result.tags} tags, {result.files - 1} files.\n"
        f"Source: {f'commit {source}' if source else 'not a git work tree'}.\n"
    )


def _refuse_problems(report: CheckReport) -> None:
    count = len(report.problems)
    raise ErrorList(
        [
            *report.problems,
            PublishError(
                f"refused to publish: check found {count} problem{'s' if count > 1 else ''} in the build",
                hint="fix them (`sitegen check` lists them again), then publish again; nothing was published",
            ),
        ]
    )


def publish(site_dir: Path, target: PublishTarget, options: PublishOptions | None = None) -> PublishReport:
    """Build, check, diff and publish `site_dir` to `target`; raise `SitegenError` on every refusal."""
    options = options or PublishOptions()
    started = time.perf_counter()
    try:
        sweep_stale_temp_dirs()
        target.prepare()
        with temp_dir("build") as tmp:
            result = build(site_dir, BuildOptions(out_dir=tmp / "site", now=options.now))
            checked = check_build(site_dir, result, options.now)
            if checked.problems:
                _refuse_problems(checked)
            files = sorted(list_files(result.out_dir))
            new = digest_files(result.out_dir, files)
            published = target.published()
            diff = diff_trees(published, new)
            report = PublishReport(target.describe(), diff, result, checked, options.dry_run)
            refusal = None
            if not options.force:
                try:
                    check_guards(diff, published, new, result.articles, options.max_deletes)
                except PublishError as exc:
                    refusal = exc
            if options.dry_run:
                report.refusal = refusal
                report.seconds = time.perf_counter() - started
                return report
            if refusal is not None:
                raise refusal
            assert result.site is not None
            message = commit_message(site_dir, result, result.site.config.title, options.message)
            report.changed = target.write(result.out_dir, files, message)
            _verify(target, new, report)
    finally:
        target.close()
    report.seconds = time.perf_counter() - started
    return report


def _verify(target: PublishTarget, new: Digest, report: PublishReport) -> None:
    """Read the target back: it must hold exactly the build."""
    head, now = target.reread()
    report.commit = head
    commit = getattr(target, "commit", None)
    if report.changed and commit and head != commit:
        raise PublishError(
            f"published, but {target.describe()} now points to {head}, not the new commit {commit}",
            hint="someone published at the same time; run sitegen publish again",
        )
    if now != new:
        differ = sorted(p for p in set(now) | set(new) if now.get(p) != new.get(p))
        raise PublishError(
            f"published, but {target.describe()} does not match the build: {len(differ)} "
            f"{'file differs' if len(differ) == 1 else 'files differ'} "
            f"({', '.join(differ[:3])})",
            hint="run sitegen publish again; if it persists, look at the target",
        )
    log.info("verified %s: %d files match the build", target.describe(), len(now))
