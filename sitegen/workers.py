"""Worker processes: how many a machine offers, and how a forked worker treats signals.

Used by every step that fans out over processes (article rendering, image processing).
"""

from __future__ import annotations

import os
import signal


def init_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them; SIGTERM (from `Pool.terminate`) just ends them.

    A forked worker inherits the CLI's SIGTERM handler, which would turn the pool's own shutdown
    into an exception inside the worker and hang the pool.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def available_cores(limit: int = 8) -> int:
    """Cores this process may run on (its CPU affinity), at most `limit`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, limit))
