"""`python -m sitegen`: the command line."""

import multiprocessing
import os
import sys
import threading

from sitegen.cli import main

status = main()
# A build leaves a large heap behind (compiled templates, the text pipeline's caches, …): Python freed it object by
# object at exit, 0.1-0.5 s after the work was done (issue 18). With nothing else running and the standard streams
# flushed, the process ends at once; otherwise (a thread or child process still running, a stream that cannot be
# flushed) it exits as usual.
if threading.active_count() == 1 and not multiprocessing.active_children():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    else:
        os._exit(status)
sys.exit(status)
