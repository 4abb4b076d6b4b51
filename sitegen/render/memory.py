"""`release_freed()`: give the memory a build step has freed back to the system before the next step grows.

CPython frees a large object (a page's bytes, a worker's pickled chunk of results, a term's postings) to the C
library's heap, which keeps it for the process: a later step then grows the heap again beside freed gaps, and the
resident size climbs step by step to more than the build ever holds at once. glibc's `malloc_trim(0)` hands the
free pages back (20,000 articles: 15–35 MiB at each late step, benchmarks/RESULTS.md). Elsewhere (no glibc) it
does nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

_trim: Callable[[int], int] | None = None
_looked = False


def release_freed() -> bool:
    """Return the heap's free pages to the system; whether the C library could (glibc's `malloc_trim`)."""
    global _trim, _looked
    if not _looked:
        _looked = True
        try:
            _trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            _trim = None
    if _trim is None:
        return False
    _trim(0)
    return True
