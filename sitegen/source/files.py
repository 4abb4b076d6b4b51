"""Walks `seeds/` and reads every page as text: the only module that reads source files.

Hidden, editor temp and non-Markdown files are skipped; a symlink that leaves the site folder,
or bytes that are not UTF-8, are errors naming the file (reliability.md §3.4).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import SitegenError, SourceError
from sitegen.textio import decode_text

EDITIONS_DIR = "editions"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One page source: where it is and its text (BOM removed, newlines `\\n`)."""

    src_path: Path
    rel_path: str
    """Relative to the site folder, with `/`: `seeds/2026/02/x.md`."""
    text: str


def is_ignored_name(name: str) -> bool:
    """Hidden files, editor temp files (`x~`, `.x.swp`, `#x#`, `4913`) and non-pages."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


def read_sources(site_dir: Path, seeds_dir: Path) -> tuple[list[SourceFile], list[SitegenError]]:
    """Every `*.md` under `seeds_dir`, sorted by path, and the problems met reading them."""
    root = site_dir.resolve()
    files: list[SourceFile] = []
    problems: list[SitegenError] = []
    if not seeds_dir.is_dir():
        return files, problems
    for dirpath, dirnames, filenames in os.walk(seeds_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored_name(d))
        here = Path(dirpath)
        for d in list(dirnames):
            if (here / d).is_symlink():
                problems.append(_outside_or_link(here / d, site_dir, root))
                dirnames.remove(d)
        for name in sorted(filenames):
            if is_ignored_name(name) or not name.endswith(".md"):
                continue
            path = here / name
            rel = _rel(path, site_dir)
            if path.is_symlink():
                resolved = path.resolve()
                if not resolved.is_relative_to(root) or not resolved.is_file():
                    problems.append(_outside_or_link(path, site_dir, root))
                    continue
            try:
                raw = path.read_bytes()
            except FileNotFoundError:  # vanished between the walk and the read: not a page any more
                continue
            except OSError as exc:
                problems.append(SourceError(f"cannot read: {exc.strerror}", path=rel))
                continue
            text, problem = decode_text(raw, rel)
            if problem:
                problems.append(problem)
            else:
                files.append(SourceFile(src_path=path, rel_path=rel, text=text))
    files.sort(key=lambda f: f.rel_path)
    return files, problems


def _rel(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return path.as_posix()


def _outside_or_link(path: Path, site_dir: Path, root: Path) -> SitegenError:
    target = os.readlink(path)
    return SourceError(
        f"symbolic link to {target} is not followed: sources must be inside the site folder",
        path=_rel(path, site_dir),
        hint="copy the file into seeds/ instead of linking it",
    )
