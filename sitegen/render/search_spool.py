"""`Spool`: an unnamed temp file that the search entries of rendered articles wait in until the index is made.

Each article's search entry (its fragment, result row, terms and counts: 3.8 KB at the bench corpus) is made in
a render worker and read in the main process twice, when the index is scored and when its files are cut, at
the build's end. Held in memory, they were a fifth of a 100,000-article build's peak; so the main process writes
each one here as it arrives from a worker (`search.SpooledEntry` keeps where) and reads it back when it is
needed. The file has no name (`tempfile.TemporaryFile`): the system drops it when the last entry in it is gone,
or the process ends, however it ends.
"""

from __future__ import annotations

import os
import tempfile
import threading

SPOOL_BYTES = 256 << 20
"""A spool takes entries up to this size; then a new one is started (`serve` renders again and again: a spool is
dropped when no entry in it is held any more)."""


class Spool:
    """One temp file, written at its end, read anywhere."""

    __slots__ = ("__weakref__", "_file", "_lock", "_pending", "size")

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="sitegen-search-")  # noqa: SIM115 - held for the spool's life
        self._lock = threading.Lock()
        self._pending = False
        self.size = 0

    def add(self, *parts: bytes) -> int:
        """Write `parts` one after the other; where the first begins."""
        with self._lock:
            at = self.size
            for part in parts:
                self._file.write(part)
                self.size += len(part)
            self._pending = True
            return at

    def read(self, at: int, length: int) -> bytes:
        """`length` bytes from `at`."""
        if self._pending:
            with self._lock:
                self._file.flush()
                self._pending = False
        data = os.pread(self._file.fileno(), length, at)
        while len(data) < length:  # (a regular file reads whole; this is for the odd system that does not)
            more = os.pread(self._file.fileno(), length - len(data), at + len(data))
            if not more:
                raise OSError(f"the search spool ends at {at + len(data)}, before {at + length}")
            data += more
        return data

    def __del__(self) -> None:
        self._file.close()


_current: Spool | None = None
_lock = threading.Lock()


def spool() -> Spool:
    """The spool entries go to now (a new one once it holds `SPOOL_BYTES`)."""
    global _current
    with _lock:
        if _current is None or _current.size >= SPOOL_BYTES:
            _current = Spool()
        return _current
