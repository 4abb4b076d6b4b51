"""Whether a process still runs: temp files are named after their process, and only a dead one's are leftovers."""

from __future__ import annotations

import errno
import os


def process_alive(pid: int) -> bool:
    """True while a process with this id runs (ours included): its temp files are not leftovers.

    A reused id reads as alive, which only keeps a leftover a little longer.
    """
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True
