"""One atomic file write: a file the user sees is either as it was or whole, never half written.

Used for every file sitegen writes outside a build's own staging folder: `sitegen new`, `init`,
`import`, and the caches of `check`. The text goes to a temp file in the same folder (same file
system), is flushed to disk (`fsync`), and is renamed over the target (Lektor's `AtomicFile`).
Ctrl-C and SIGTERM wait the few milliseconds a write takes: a `KeyboardInterrupt` between the
temp file's creation and its rename would leave a stray temp file.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

from sitegen.processes import process_alive

TEMP_SUFFIX = ".tmp"
"""Temp files are `.<name>.<pid>.<random>.tmp`: the pid tells a later run whether they are leftovers."""
TEMP_NAME = re.compile(r"^\.(.+)\.(\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")
_DEFERRED = frozenset({signal.SIGINT, signal.SIGTERM})
_MODE = 0o644


def write_atomic(path: Path, data: str | bytes | memoryview, *, exclusive: bool = False, durable: bool = True) -> None:
    """Write `data` (text as UTF-8 with `\\n` newlines) to `path` all at once.

    With `exclusive`, an existing `path` is an error (`FileExistsError`) and stays as it was; the
    new file appears whole or not at all. Otherwise it replaces `path`, keeping its permissions.
    `durable=False` skips the `fsync`s: for caches, whose files are checked when read (a power cut
    may leave one empty or torn, never a user's file).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    if exclusive and path.exists():  # (checked again, atomically, by the link below)
        raise FileExistsError(f"{path} exists")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        tmp = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{TEMP_SUFFIX}"
        mode = _mode_of(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _MODE if mode is None else mode)
        try:
            try:
                if mode is not None:  # the umask applies to new files only
                    os.fchmod(fd, mode)
                _write_all(fd, raw)
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
            if exclusive:
                os.link(tmp, path)  # fails if `path` appeared meanwhile; never replaces it
                os.unlink(tmp)
            else:
                os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if durable:
            _sync_folder(path.parent)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def temp_file_of(name: str) -> tuple[str, bool] | None:
    """For the name of a `write_atomic` temp file: the name of the file it was for, and whether the process
    writing it still runs (if not, it is a leftover of a `kill -9`, which cannot be deferred); else `None`."""
    match = TEMP_NAME.match(name)
    return None if match is None else (match[1], process_alive(int(match[2])))


def remove_dead_temps(folder: Path, for_name: str | None = None) -> None:
    """Remove the `write_atomic` temp files in `folder` (for the file `for_name` only, if given) whose process has
    ended: what a `kill -9` left. Never raises: a leftover only costs space until the next try."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        temp = temp_file_of(entry.name)
        if temp is not None and not temp[1] and for_name in (None, temp[0]):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def _write_all(fd: int, raw: bytes | memoryview) -> None:
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view) :]


def _mode_of(path: Path) -> int | None:
    """The permissions of the file being replaced, if there is one."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a file system that cannot sync folders is left as it is."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder: the rename still happened
    finally:
        os.close(fd)
