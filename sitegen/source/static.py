"""The site's `static/` folder: files copied into the built site as they are (favicons, `CNAME`, PDFs).

Every file is published at its path under `static/` (`static/files/report.pdf` -> `/files/report.pdf`),
dot-files included (`.well-known/`, `.nojekyll`); only editor temp files, `.git/` and desktop litter
(`.DS_Store`, `Thumbs.db`) stay behind. A symbolic link that leads out of the site folder is an error.
A file that would land where sitegen writes a page is refused by the writer, naming both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import STATIC_DIR
from sitegen.errors import SitegenError, SourceError

_LEFT_OUT = frozenset({".git", ".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True, slots=True)
class StaticFile:
    """One file to publish as it is."""

    src_path: Path
    out_path: str
    """Relative to the output folder, `/`-separated: `files/report.pdf`."""


def is_left_out(name: str) -> bool:
    return name in _LEFT_OUT or name.endswith(("~", ".swp", ".swx")) or name.startswith("#") or name == "4913"


def read_static(site_dir: Path) -> tuple[list[StaticFile], list[SitegenError]]:
    """Every file under `static/`, sorted by path, and the problems met."""
    root = site_dir.resolve()
    folder = site_dir / STATIC_DIR
    files: list[StaticFile] = []
    problems: list[SitegenError] = []
    if not folder.is_dir():
        return files, problems
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not is_left_out(d))
        for name in sorted(filenames) + [d for d in dirnames if (here / d).is_symlink()]:
            if is_left_out(name):
                continue
            path = here / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    problems.append(
                        SourceError(
                            f"symbolic link to {os.readlink(path)} is not published: it leads out of the site folder"
                            if not target.is_relative_to(root)
                            else f"symbolic link to {os.readlink(path)} is not a file",
                            path=f"{STATIC_DIR}/{rel}",
                            hint="copy the file into static/ instead of linking it",
                        )
                    )
                    continue
            files.append(StaticFile(src_path=path, out_path=rel))
        dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
    files.sort(key=lambda f: f.out_path)
    return files, problems
