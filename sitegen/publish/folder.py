"""Publishing to a folder: a marker says sitegen owns it, and the new tree is swapped in whole.

The folder is refused before anything is built when it could hold someone else's files (not
empty and no marker), when it is inside the site folder or its sources, or when it holds them
(reliability.md §2 and §5: `site_dir: ../`, rsync `--delete` into the wrong folder).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.check.built import list_files
from sitegen.config import SiteConfig
from sitegen.errors import PublishError
from sitegen.output.folders import refusal
from sitegen.output.writer import replace_dir, sweep_leftovers, what_to_do, write_failure
from sitegen.publish.diff import Digest, digest_files

MARKER = ".sitegen-publish"
MARKER_TEXT = "This folder is published by `sitegen publish`; it is replaced as a whole on every publish.\n"
PRESERVED = ("CNAME", ".nojekyll")
"""Files a host needs that the build does not make: kept as they are (mkdocs#311)."""


class FolderTarget:
    """A local folder that holds the published site."""

    def __init__(self, path: Path, config: SiteConfig) -> None:
        self.path = path.expanduser().resolve()
        self.config = config

    def describe(self) -> str:
        return str(self.path)

    def prepare(self) -> None:
        """Refuse a folder sitegen must not replace; nothing is written."""
        how = "choose an empty or new folder outside the site folder, or one sitegen published before"
        reason = refusal(self.path, self.config, marker=MARKER, verb="publish", inside_site=False)
        if reason:
            raise PublishError(f"refused to publish to {self.describe()}: {reason}", hint=how)

    def published(self) -> Digest:
        """Blob ids of what the folder holds now (marker and preserved host files left out)."""
        if not self.path.is_dir():
            return {}
        paths = [p for p in list_files(self.path) if p != MARKER and p not in PRESERVED]
        return digest_files(self.path, sorted(paths))

    def write(self, tree: Path, files: list[str], message: str) -> bool:
        """Swap in a copy of `tree` (plus the kept host files and the marker); False when nothing differs."""
        sweep_leftovers(self.path)  # what a killed publish left beside the folder, even when nothing is to do
        if (self.path / MARKER).is_file() and self.published() == digest_files(tree, files):
            return False
        keep = [name for name in PRESERVED if (self.path / name).is_file() and name not in files]

        def fill(tmp: Path) -> None:
            for rel in files:
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tree / rel, dest)
            for name in keep:
                shutil.copy2(self.path / name, tmp / name)
            (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")

        try:
            replace_dir(self.path, fill)
        except OSError as exc:
            raise PublishError(
                f"cannot publish to {self.describe()}: {write_failure(exc, self.path)}",
                hint=f"the folder was left as it was; {what_to_do(exc, 'publish')}",
            ) from exc
        return True

    def reread(self) -> tuple[str | None, Digest]:
        """What the folder holds now (no commit to name)."""
        return None, self.published()

    def close(self) -> None:
        """Nothing to clean up for a folder."""
