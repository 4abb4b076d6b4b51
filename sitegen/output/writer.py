"""The only writer: all outputs into a sibling temp folder, then one swap into place.

A failed or interrupted build leaves the previous output byte for byte as it was and no temp
folder inside it (reliability.md §2: build into `.site.tmp-<pid>`, exchange it with the old tree
in one step, remove the old one; a cached build uses the spare instead, `spare.py`). A second
write to one path is refused, naming both sources (Pelican).
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import signal
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sitegen.config import SiteConfig
from sitegen.errors import OutputError, raise_all
from sitegen.output.folders import refusal
from sitegen.output.paths import resolve_out_path
from sitegen.processes import process_alive
from sitegen.render.output import Output

log = logging.getLogger(__name__)

MARKER = ".sitegen-build"
SPARE_SUFFIX = ".sitegen-spare"
MARKER_TEXT = "This folder is written by `sitegen build`; it is replaced as a whole on every build.\n"


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What a build wrote."""

    out_dir: Path
    files: int
    bytes: int


def check_out_dir(out_dir: Path, config: SiteConfig) -> None:
    """Refuse an output folder that could destroy what the user wrote (`folders.refusal`)."""
    reason = refusal(out_dir, config, marker=MARKER, verb="build", inside_site=True)
    if reason:
        raise OutputError(
            f"refused to build into {out_dir}: {reason}",
            hint="choose an empty or new folder, or one an earlier `sitegen build` made",
        )


def find_duplicates(outputs: Sequence[Output]) -> list[OutputError]:
    """One error per path that two or more outputs would write, naming every source."""
    sources: dict[str, list[str]] = defaultdict(list)
    for output in outputs:
        sources[output.out_path.casefold()].append(output.source)
    return [
        OutputError(
            f"{len(srcs)} sources would write {path}: " + ", ".join(srcs),
            hint="rename or move the file in static/"
            if any(s.startswith("static/") for s in srcs)
            else "give each page its own URL",
        )
        for path, srcs in sorted(sources.items())
        if len(srcs) > 1
    ]


def write_site(outputs: Sequence[Output], out_dir: Path) -> WriteReport:
    """Write every output into a fresh sibling temp folder, then swap it in for `out_dir`."""
    duplicates = find_duplicates(outputs)
    raise_all(duplicates)
    out_dir = out_dir.resolve()
    total = 0

    def fill(tmp: Path) -> None:
        nonlocal total
        made: set[Path] = {tmp}
        for output in outputs:
            target = resolve_out_path(tmp, output.out_path, output.source)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            with open(target, "xb") as fh:  # "x": a second write to one path can never win silently
                if output.file is None:
                    fh.write(output.data)
                    total += len(output.data)
                else:  # a picture or a file of static/: copied by the kernel, never held in memory
                    with open(output.file, "rb") as src:
                        total += copy_file(src, fh)
        (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")

    try:
        replace_dir(out_dir, fill)
    except OSError as exc:
        raise OutputError(
            f"cannot write the site to {out_dir}: {write_failure(exc, out_dir)}",
            hint=f"the previous site was left as it was; {what_to_do(exc, 'build')}",
        ) from exc
    return WriteReport(out_dir=out_dir, files=len(outputs) + 1, bytes=total)


def write_failure(exc: OSError, out_dir: Path) -> str:
    """`No space left on device (writing 2026/02/x/index.html)`: what failed, never naming the temp folder.

    The temp folder is gone by the time the user reads this (issue 17, fault 8).
    """
    text = exc.strerror or str(exc)
    if exc.filename:
        for folder in (temp_path(out_dir), spare_path(out_dir)):
            try:
                rel = Path(exc.filename).relative_to(folder)
            except ValueError:
                continue
            return f"{text} (writing {rel.as_posix()})" if rel.parts else text
        return f"{text}: {exc.filename}"
    return text


def what_to_do(exc: OSError, verb: str) -> str:
    """The fix for a failed write, by its cause."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free some space, then {verb} again"
    if exc.errno == errno.EROFS:
        return f"the disk is read-only: {verb} to another one"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"check the permissions of the folder, then {verb} again"
    return f"{verb} again once that is fixed"


def spare_path(out_dir: Path) -> Path:
    """Where the spare of `out_dir` is kept (`spare.py`): `.site.sitegen-spare` beside `site/`."""
    return out_dir.parent / f".{out_dir.name}{SPARE_SUFFIX}"


def temp_path(out_dir: Path) -> Path:
    """The sibling temp folder this process fills before swapping it in for `out_dir`."""
    return out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"


def copy_file(src: BinaryIO, dst: BinaryIO) -> int:
    """Copy an open file into another (by the kernel where it can); return the bytes copied."""
    size = os.fstat(src.fileno()).st_size
    done = 0
    try:
        while done < size:
            sent = os.copy_file_range(src.fileno(), dst.fileno(), size - done)
            if sent == 0:
                break
            done += sent
    except (AttributeError, OSError):  # no copy_file_range here (or across these file systems)
        src.seek(done)
        dst.seek(done)
        shutil.copyfileobj(src, dst)
        return size
    return done


def replace_dir(out_dir: Path, fill: Callable[[Path], None]) -> None:
    """Let `fill` write a fresh sibling temp folder, then swap it in for `out_dir` (publish, `--no-cache`).

    A publish keeps no spare (`spare.py`) beside its target: it is not on the edit loop, and a hidden
    copy of the site beside a folder the user deploys from would surprise them.

    The old tree stays whole until the new one is complete; on any error or signal the temp
    folder is removed and `out_dir` is as it was. Raises `OSError` as it comes.
    """
    parent = out_dir.parent
    sweep_leftovers(out_dir)
    tmp = temp_path(out_dir)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        fill(tmp)
        _swap(tmp, out_dir)
    finally:
        # Reached on success (tmp then holds the old tree), on errors and on Ctrl-C alike.
        shutil.rmtree(tmp, ignore_errors=True)


def _swap(tmp: Path, out_dir: Path) -> None:
    """Put `tmp` where `out_dir` is, in one step: the old tree lands at `tmp`'s name (the caller removes it)."""
    if os.path.lexists(out_dir):
        exchange(tmp, out_dir)
    else:
        move_in(tmp, out_dir)


_PUBLISHED: list[Path] = []
"""Output folders this process has put a new tree in (`exchange`, `move_in`): what the CLI says after Ctrl-C."""
_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def published() -> list[Path]:
    """The output folders this process has put a new tree in since `forget_published`."""
    return list(_PUBLISHED)


def forget_published() -> None:
    """Start counting `published` again (each command of the CLI)."""
    _PUBLISHED.clear()


def move_in(new: Path, out_dir: Path) -> None:
    """Rename `new` to `out_dir` (which is not there), noted in `published` in the same step (Ctrl-C waits)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        os.rename(new, out_dir)
        _PUBLISHED.append(out_dir)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step; two renames where the system cannot (never losing `b`).

    `b` is then noted in `published`, in the same step: Ctrl-C and SIGTERM wait for both.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        _exchange(a, b)
        _PUBLISHED.append(b)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _exchange(a: Path, b: Path) -> None:
    try:
        # The C library this interpreter runs on (`dlopen(NULL)`); `find_library` ran `ldconfig -p` in a child
        # process on every build to find it.
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        renameat2 = None
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(err, os.strerror(err), str(b))
    aside = b.parent / f".{b.name}.old-{os.getpid()}"  # (`sweep_leftovers` puts it back if killed here)
    os.rename(b, aside)
    try:
        os.rename(a, b)
    except BaseException:
        os.rename(aside, b)
        raise
    os.rename(aside, a)


def sweep_leftovers(out_dir: Path) -> None:
    """Remove the temp folders beside `out_dir` of earlier runs that were killed (SIGKILL leaves them).

    A run killed between its two renames (`exchange` without `renameat2`) left no `out_dir` and its
    previous tree as `.NAME.old-PID`: that tree is put back. Folders of a process still running are
    left alone, and so is the spare (`.NAME.sitegen-spare`, `spare.py`): it is no leftover, and a
    killed build's spare, which has no record, is removed by the next cached build that would use it.
    """
    parent, name = out_dir.parent, out_dir.name
    if not name or not parent.is_dir():
        return
    for path in parent.glob(f".{name}.*-*"):
        kind, _, pid = path.name.rpartition("-")
        if not kind.endswith((".tmp", ".old")) or not pid.isdigit() or process_alive(int(pid)):
            continue
        if kind.endswith(".old") and not (parent / name).exists():
            log.warning("restoring %s: a build was killed while swapping it", name)
            os.rename(path, parent / name)
            continue
        log.info("removing leftover %s of an interrupted build", path.name)
        shutil.rmtree(path, ignore_errors=True)
