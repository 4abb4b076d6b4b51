"""Walks `seeds/` and reads every page as text: the only module that reads source files.

Hidden, editor temp and non-Markdown files are skipped; a symlink that leaves the site folder,
or bytes that are not UTF-8, are errors naming the file (reliability.md §3.4).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.errors import SitegenError, SourceError, site_relative
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


RACY_NS = 100_000_000
"""A file modified this close to the moment it was cached may change again within one mtime tick."""


@dataclass(slots=True)
class SourceCache:
    """Source files kept between builds of one process (`serve`), so unchanged files are not read again.

    An entry is reused only while the file's (mtime, size, inode) stay the same and the file was
    already older than `RACY_NS` when it was read ("racy git": two writes inside one timestamp
    tick look alike, so a file read right after a write is read again next time).
    """

    entries: dict[str, tuple[tuple[int, int, int], int, SourceFile]] = field(default_factory=dict)
    """By the file's path as `os.walk` spells it: (lstat stamp, when it was read, the file)."""

    def forget(self, paths: set[Path]) -> None:
        """Drop entries the watcher saw change (belt and braces on top of the stat check)."""
        for path in paths:
            self.entries.pop(str(path), None)


def read_sources(
    site_dir: Path, seeds_dir: Path, cache: SourceCache | None = None
) -> tuple[list[SourceFile], list[SitegenError]]:
    """Every `*.md` under `seeds_dir`, sorted by path, and the problems met reading them."""
    root = site_dir.resolve()
    files: list[SourceFile] = []
    problems: list[SitegenError] = []
    seen: dict[str, tuple[tuple[int, int, int], int, SourceFile]] = {}
    if not seeds_dir.is_dir():
        return files, problems
    for dirpath, dirnames, filenames in os.walk(seeds_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored_name(d))
        here = Path(dirpath)
        rel_dir = site_relative(here, site_dir)  # once per folder: resolving paths is most of a cached load
        for d in list(dirnames):
            if (here / d).is_symlink():
                problems.append(_outside_or_link(here / d, site_dir, root))
                dirnames.remove(d)
        for name in sorted(filenames):
            if is_ignored_name(name) or not name.endswith(".md"):
                continue
            key, stamp, read_at = os.path.join(dirpath, name), (0, 0, 0), 0
            if cache is not None:
                try:
                    st = os.lstat(key)  # lstat: a file replaced by a symlink is read and checked again
                except FileNotFoundError:
                    continue
                stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
                hit = cache.entries.get(key)
                if hit is not None and hit[0] == stamp and stamp[0] + RACY_NS < hit[1]:
                    seen[key] = hit
                    files.append(hit[2])
                    continue
                read_at = time.time_ns()
            path = here / name
            is_link = path.is_symlink()
            rel = site_relative(path, site_dir) if is_link or rel_dir == "." else f"{rel_dir}/{name}"
            if is_link:
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
                if cache is not None:
                    seen[key] = (stamp, read_at, files[-1])
    files.sort(key=lambda f: f.rel_path)
    if cache is not None:
        cache.entries = seen
    return files, problems


def _outside_or_link(path: Path, site_dir: Path, root: Path) -> SitegenError:
    target = os.readlink(path)
    return SourceError(
        f"symbolic link to {target} is not followed: sources must be inside the site folder",
        path=site_relative(path, site_dir),
        hint="copy the file into seeds/ instead of linking it",
    )
