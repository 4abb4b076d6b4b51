"""Walks `seeds/` and reads every page as text: the only module that reads source files.

Hidden, editor temp and non-Markdown files are skipped; a symlink that leaves the site folder,
or bytes that are not UTF-8, are errors naming the file (reliability.md §3.4).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
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
    digest: str = field(default="", compare=False)
    """Set when the text was not read (`text` is empty): the file's stat is the one a previous build read it
    with, and this is the digest of the text it read then (`SourceStream`'s `known`)."""
    seen: Seen | None = field(default=None, compare=False)
    """The file's stat when it was read, and when (`SourceStream` records it for the next build's `known`)."""


Stamp = tuple[int, int, int, int]
"""A file's (mtime_ns, ctime_ns, size, inode): any write, rename over it or `touch` changes it."""
Seen = tuple[Stamp, int]
"""A file's stamp and the time (ns) it was read: it is trusted only for a file older than that by `STAT_RACY_NS`."""
STAT_RACY_NS = 2_000_000_000
"""How much older than its reading a file must be for its stamp to vouch for its text in a later build ("racily
clean" in git): two writes inside one timestamp tick (2 s on FAT, 1 s on ext3) leave the same stamp."""


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
    files: list[SourceFile] = []
    problems: list[SitegenError] = []
    seen: dict[str, tuple[tuple[int, int, int], int, SourceFile]] = {}
    for key, path, rel in _walk(site_dir, seeds_dir, problems):
        stamp, read_at = (0, 0, 0), 0
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
        source = _read(path, rel, problems)
        if source is not None:
            files.append(source)
            if cache is not None:
                seen[key] = (stamp, read_at, source)
    files.sort(key=lambda f: f.rel_path)
    if cache is not None:
        cache.entries = seen
    return files, problems


class SourceStream:
    """`read_sources` one file at a time, sorted by path: the caller keeps what it needs of each text, not all of them.

    The folder is walked at once (`len()` is the number of page files found); each file is read as the iteration
    reaches it, and the problems met reading are appended to `problems` then (all of them once it ends).

    With `known` (by site-relative path: the stamp a previous build read the file with, and its text's digest), a
    regular file whose stamp is unchanged, and was already `STAT_RACY_NS` old when it was read, is not read: it
    is yielded without text, with `digest` set. Every file read gets `seen`, for the next build's `known`.
    """

    def __init__(
        self,
        site_dir: Path,
        seeds_dir: Path,
        problems: list[SitegenError],
        known: Mapping[str, tuple[Seen, str]] | None = None,
    ) -> None:
        self._found = sorted(_walk(site_dir, seeds_dir, problems), key=lambda item: item[2])
        self._problems = problems
        self._known = known

    def __len__(self) -> int:
        return len(self._found)

    def __iter__(self) -> Iterator[SourceFile]:
        for index in range(len(self._found)):
            source = self.read_at(index, self._problems)
            if source is not None:
                yield source

    def read_at(self, index: int, problems: list[SitegenError]) -> SourceFile | None:
        """The `index`-th file as the iteration yields it (`None`: it vanished, or a problem was added to
        `problems`). Iterating reads each in turn; a forked worker may read a share of them instead (`noted`)."""
        key, path, rel = self._found[index]
        seen = None
        if self._known is not None:
            try:
                st = os.lstat(key)  # lstat: a symlink's stat says nothing of its target's text
            except FileNotFoundError:  # vanished since the walk: not a page any more
                return None
            except OSError:
                st = None
            if st is not None and stat.S_ISREG(st.st_mode):
                stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
                before = self._known.get(rel)
                if before is not None and before[0][0] == stamp and max(stamp[:2]) + STAT_RACY_NS < before[0][1]:
                    return SourceFile(src_path=path, rel_path=rel, text="", digest=before[1], seen=before[0])
                seen = (stamp, time.time_ns())
        source = _read(path, rel, problems)
        return source if source is None or seen is None else replace(source, seen=seen)

    def noted(self, problems: Iterable[SitegenError]) -> None:
        """Problems met reading files by `read_at` elsewhere, added where iterating would have added them."""
        self._problems.extend(problems)

    @property
    def known(self) -> bool:
        """Whether some files may be yielded unread (a previous build's stamps were given)."""
        return bool(self._known)


def _walk(site_dir: Path, seeds_dir: Path, problems: list[SitegenError]) -> Iterator[tuple[str, Path, str]]:
    """(the path as `os.walk` spells it, the path, the site-relative path) of every page file, in walk order.

    `os.scandir`, which tells a link and a folder by the directory entry: `os.walk` and pathlib made a `Path`
    and an `lstat` for every file again (a third of a cached build's load at 5,000 pages)."""
    if not seeds_dir.is_dir():
        return
    root = site_dir.resolve()
    yield from _walk_folder(str(seeds_dir), site_dir, root, problems)


def _walk_folder(
    dirpath: str, site_dir: Path, root: Path, problems: list[SitegenError]
) -> Iterator[tuple[str, Path, str]]:
    """`_walk` of one folder: its pages by name, then its folders by name (an unreadable folder is skipped,
    as `os.walk` skips it)."""
    try:
        with os.scandir(dirpath) as found:
            entries = sorted(found, key=lambda entry: entry.name)
    except OSError:
        return
    here = Path(dirpath)
    rel_dir = site_relative(here, site_dir)  # once per folder: resolving paths is most of a cached load
    folders = []
    is_dir = {entry.name: _is_dir(entry) for entry in entries}
    for entry in entries:  # folders first, as `os.walk` reports a link to one before the files
        if is_dir[entry.name] and not is_ignored_name(entry.name):
            if entry.is_symlink():
                problems.append(_outside_or_link(child_path(here, entry.name), site_dir, root))
            else:
                folders.append(entry.path)
    for entry in entries:
        name = entry.name
        if is_ignored_name(name) or not name.endswith(".md") or is_dir[name]:
            continue
        path = child_path(here, name)
        if entry.is_symlink():
            resolved = path.resolve()
            if not resolved.is_relative_to(root) or not resolved.is_file():
                problems.append(_outside_or_link(path, site_dir, root))
                continue
            yield entry.path, path, site_relative(path, site_dir)
        else:
            yield entry.path, path, site_relative(path, site_dir) if rel_dir == "." else f"{rel_dir}/{name}"
    for folder in folders:
        yield from _walk_folder(folder, site_dir, root, problems)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a folder or a link to one (`os.walk`'s test: `False` when that cannot be told)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


_CHILD_PATH = getattr(Path, "_make_child_relpath", None)


def child_path(folder: Path, name: str) -> Path:
    """`folder / name` for one plain name (not `.`, `..` or empty, no `/`), made without pathlib's parsing where
    pathlib has a way (its private `_make_child_relpath`: Python 3.11 and 3.12), else `folder / name`."""
    return _CHILD_PATH(folder, name) if _CHILD_PATH is not None else folder / name


def read_source(path: Path, rel: str, problems: list[SitegenError]) -> SourceFile | None:
    """One page file decoded, or `None` (a problem added to `problems`, or the file is gone)."""
    return _read(path, rel, problems)


def _read(path: Path, rel: str, problems: list[SitegenError]) -> SourceFile | None:
    """One page file decoded, or `None` (a problem noted, or the file vanished since the walk)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:  # vanished between the walk and the read: not a page any more
        return None
    except OSError as exc:
        problems.append(SourceError(f"cannot read: {exc.strerror}", path=rel))
        return None
    text, problem = decode_text(raw, rel)
    if problem:
        problems.append(problem)
        return None
    return SourceFile(src_path=path, rel_path=rel, text=text)


def _outside_or_link(path: Path, site_dir: Path, root: Path) -> SitegenError:
    target = os.readlink(path)
    return SourceError(
        f"symbolic link to {target} is not followed: sources must be inside the site folder",
        path=site_relative(path, site_dir),
        hint="copy the file into seeds/ instead of linking it",
    )
