"""The spare: the site's previous tree, kept beside the output folder so a cached build costs what changed.

A build swaps a complete new tree in for `site/` (the old one stays whole until then). Making that
tree from scratch costs a `mkdir` per folder and a hard link per unchanged file, and removing the
old tree after the swap as much again: seconds at 5,000 articles, whatever the edit. So after a
cached build the old tree is not removed: it is kept as `.site.sitegen-spare` (a sibling, so a
rename moves it), with a record of what it holds. The next cached build turns the spare into the
new tree by doing only the differences (`Staging` with a base), then exchanges it with `site/` in
one atomic step (`renameat2(RENAME_EXCHANGE)`; two renames where the system has none), and the old
tree lands at the spare's name.

The record (`.sitegen-spare` inside the spare) names every file and folder of both trees, the live
one and the spare, as the builds left them: (digest, size, mtime, inode) for a file, (mtime, inode)
for a folder. A tree is trusted only if all of it `lstat`s as recorded and its root holds nothing
else; a folder's mtime changes with any file added, removed or renamed in it, so a file left there
by hand is seen too. The record is deleted before the first change to the spare, and written again
only after the swap: a spare of a failed, interrupted or killed build has none and is never
trusted (it is removed, and the build starts from an empty spare). `--no-cache` builds use a fresh
temp folder (`writer.replace_dir`) and leave the spare alone; `sitegen clean` removes it.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.atomic import write_atomic
from sitegen.output.staging import Folders, KeptFile, Staging
from sitegen.output.writer import MARKER, exchange, move_in, replace_dir, spare_path
from sitegen.render.memory import release_freed

log = logging.getLogger(__name__)

RECORD = ".sitegen-spare"
"""The record, inside the spare folder."""
_MAGIC = b"sitegen spare 2\n"
_SEP = "\0"
"""Between the paths (and the digests) of a record's column: no path or digest holds it."""
_LENGTH = 8


@dataclass(frozen=True, slots=True)
class TreeRecord:
    """Every file and folder of one built tree, as its build left them."""

    files: Mapping[str, KeptFile] = field(default_factory=dict)
    folders: Folders = field(default_factory=dict)

    def top(self) -> set[str]:
        """The names in the tree's root, besides the marker (and a spare's record)."""
        return {path.partition("/")[0] for path in (*self.files, *self.folders)}


@dataclass(frozen=True, slots=True)
class Spare:
    """The spare beside an output folder, as `read_spare` found it."""

    path: Path
    base: TreeRecord | None
    """What the spare holds, verified; `None`: there is no trusted spare (`ready` starts an empty one)."""
    live: TreeRecord | None
    """What the output folder holds, verified; `None` if unknown (its tree cannot become the spare)."""


def read_spare(out_dir: Path) -> Spare:
    """The spare of `out_dir` and what the record says of both trees, each verified; nothing is changed."""
    path = spare_path(out_dir)
    records = _read_record(path / RECORD)
    if records is None:
        return Spare(path, None, None)
    live, base = records
    # The live site's files only (as `staging.verified`): its folders are checked when it is the spare.
    live_ok = _matches(out_dir, TreeRecord(live.files), skip=None, listing=False)
    shared = live if live_ok else None  # a spare file that is the live one's inode was checked with it
    return Spare(path, base if _matches(path, base, skip=shared) else None, live if live_ok else None)


def _matches(root: Path, record: TreeRecord, skip: TreeRecord | None, *, listing: bool = True) -> bool:
    """Whether `root` holds exactly `record`'s files and folders, as recorded (with `listing`, nothing else).

    A file with the inode of `skip`'s file at the same path is not checked again (`skip` was).
    """
    try:
        names = set(os.listdir(root))
    except OSError:
        return False
    if listing and names - {MARKER, RECORD} != record.top():
        return False
    for folder, (mtime_ns, inode) in record.folders.items():
        try:
            st = os.lstat(f"{root}/{folder}")
        except OSError:
            return False
        if not stat.S_ISDIR(st.st_mode) or (st.st_mtime_ns, st.st_ino) != (mtime_ns, inode):
            return False
    skipped = skip.files if skip is not None else {}
    for out_path, kept in record.files.items():
        other = skipped.get(out_path)
        if other is not None and other.inode == kept.inode:
            continue
        try:
            st = os.lstat(f"{root}/{out_path}")
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns, st.st_ino) != (kept.size, kept.mtime_ns, kept.inode):
            return False
    return True


def replace_site(
    out_dir: Path, kept: Mapping[str, KeptFile], spare: Spare | None, fill: Callable[[Staging], None]
) -> dict[str, KeptFile]:
    """Let `fill` build the new tree (`Staging.finish` included), swap it in for `out_dir`; return its files.

    With a `spare` (a cached build), the tree is made from the spare and the old tree becomes the
    spare; without (`--no-cache`), in a fresh temp folder (`writer.replace_dir`), and the old tree
    is removed. Either way the old tree stays whole until the new one is complete. Raises `OSError`.
    """
    if spare is None:
        made: list[Staging] = []

        def fill_temp(tmp: Path) -> None:
            made.append(Staging(tmp, out_dir, kept))
            fill(made[0])

        replace_dir(out_dir, fill_temp)
        return made[0].files
    base = _ready(spare)
    (spare.path / RECORD).unlink(missing_ok=True)  # from here on, the spare is not trusted
    staging = Staging(spare.path, out_dir, kept, base.files, base.folders)
    try:
        fill(staging)
    except BaseException:
        if spare.base is None:  # made by this build: a failed build leaves nothing of its own behind
            shutil.rmtree(spare.path, ignore_errors=True)
        raise  # (a spare of earlier builds stays, without its record: the next build removes it)
    new = TreeRecord(staging.files, staging.folders)
    if not os.path.lexists(out_dir):
        move_in(spare.path, out_dir)
        _keep(spare.path, new, None)
    else:
        exchange(spare.path, out_dir)
        _keep(spare.path, new, spare.live)
    return staging.files


def _keep(path: Path, live: TreeRecord, old: TreeRecord | None) -> None:
    """Make the old tree at `path` (`None`: there is none) the spare, with the record of both trees.

    The new site is in place by now: a failure here is no failure of the build, only a spare the
    next build will not trust.
    """
    try:
        if old is None and os.path.lexists(path):  # not known well enough to be built on: an empty spare instead
            log.info("removing the previous site (it was not recorded, so it cannot be the spare)")
            shutil.rmtree(path)
        if old is None:
            path.mkdir()
        _write_record(path / RECORD, live, old or TreeRecord())
        release_freed()  # (the record's bytes: the build cache is written next)
    except OSError as exc:
        log.warning("could not keep the previous site as %s (%s); the next build makes it anew", path.name, exc)


def _ready(spare: Spare) -> TreeRecord:
    """The spare folder, ready to build on: as recorded, or (removed if untrusted, then) empty."""
    if spare.base is not None:
        log.info("building on %s (%d files of the build before last)", spare.path.name, len(spare.base.files))
        return spare.base
    if os.path.lexists(spare.path):
        log.info("removing %s: it is not as its record says (an interrupted build, or edited)", spare.path.name)
        remove_spare_at(spare.path)
    spare.path.parent.mkdir(parents=True, exist_ok=True)
    spare.path.mkdir()
    return TreeRecord()


def remove_spare_at(path: Path) -> None:
    """Remove a spare folder (a link or a file there is unlinked, never followed)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path)


def _write_record(path: Path, live: TreeRecord, spare: TreeRecord) -> None:
    """Write the record of both trees (`write_atomic`: it is whole or absent; not synced, its CRC is checked).

    Column by column, each a length and its bytes (`_columns`): the paths, the digests and the numbers of 250,000
    files are made into one bytes object at a time, with no object per file (a dict of tuples and marshal's table
    of them were 40 MiB at 20,000 articles, the build's peak)."""
    data = bytearray(_MAGIC)
    data += bytes(4)  # the CRC of what follows, filled in last
    for record in (live, spare):
        for column in _columns(record):
            data += len(column).to_bytes(_LENGTH, "big")
            data += column
            del column
    data[len(_MAGIC) : len(_MAGIC) + 4] = zlib.crc32(memoryview(data)[len(_MAGIC) + 4 :]).to_bytes(4, "big")
    write_atomic(path, memoryview(data), durable=False)


_COLUMNS = 8
"""Per record: paths, digests, sizes, mtimes and inodes of its files; paths, mtimes and inodes of its folders.
Numbers are 64-bit, in this machine's byte order (the record never moves): mtimes signed, sizes and inodes not."""
_SIZES, _MTIMES, _INODES = "Q", "q", "Q"


def _columns(record: TreeRecord) -> Iterator[bytes]:
    """The record's columns, one at a time (`_COLUMNS` of them)."""
    files = record.files
    yield _SEP.join(files).encode("utf-8", "surrogateescape")
    yield _SEP.join(k.digest for k in files.values()).encode("utf-8", "surrogateescape")
    yield array(_SIZES, [k.size for k in files.values()]).tobytes()
    yield array(_MTIMES, [k.mtime_ns for k in files.values()]).tobytes()
    yield array(_INODES, [k.inode for k in files.values()]).tobytes()
    folders = record.folders
    yield _SEP.join(folders).encode("utf-8", "surrogateescape")
    for n, code in ((0, _MTIMES), (1, _INODES)):
        yield array(code, [pair[n] for pair in folders.values()]).tobytes()


def _strings(column: memoryview) -> list[str]:
    return str(column, "utf-8", "surrogateescape").split(_SEP) if column else []


def _numbers(column: memoryview, code: str) -> array[int]:
    numbers = array(code)
    if len(column) % numbers.itemsize:
        raise ValueError("a column of numbers cut short")
    numbers.frombytes(column)
    return numbers


def _read_record(path: Path) -> tuple[TreeRecord, TreeRecord] | None:
    """(live, spare) as the record says, or `None` if there is none or it is not whole."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = len(_MAGIC)
    if not data.startswith(_MAGIC) or zlib.crc32(data[head + 4 :]) != int.from_bytes(data[head : head + 4], "big"):
        return None
    view = memoryview(data)
    at = head + 4
    columns: list[memoryview] = []
    try:
        for _ in range(2 * _COLUMNS):
            length = int.from_bytes(view[at : at + _LENGTH], "big")
            at += _LENGTH
            if at + length > len(view):
                return None
            columns.append(view[at : at + length])
            at += length
        records = []
        for first in (0, _COLUMNS):
            paths, digests, sizes, mtimes, inodes, folders, f_mtimes, f_inodes = columns[first : first + _COLUMNS]
            kept = zip(
                _strings(digests),
                _numbers(sizes, _SIZES),
                _numbers(mtimes, _MTIMES),
                _numbers(inodes, _INODES),
                strict=True,
            )
            files = dict(zip(_strings(paths), map(KeptFile._make, kept), strict=True))
            stamps = zip(_numbers(f_mtimes, _MTIMES), _numbers(f_inodes, _INODES), strict=True)
            records.append(TreeRecord(files, dict(zip(_strings(folders), stamps, strict=True))))
    except (ValueError, UnicodeDecodeError):
        return None
    if at != len(view):
        return None
    live, spare = records
    return live, spare
