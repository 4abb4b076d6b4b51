"""Publish's temporary folders in the system temp folder, named after the process that made them.

A publish killed with SIGKILL cannot remove its temporary build and git repository; eight killed
publishes left 836 MB (issue 17, fault 5). Each folder is `sitegen-publish-<kind>-<pid>-<random>`,
so a later publish removes those of processes that no longer run, and never one still in use.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.processes import process_alive

log = logging.getLogger(__name__)

PREFIX = "sitegen-publish-"
_NAME = re.compile(rf"^{PREFIX}[a-z]+-(\d+)-")


def make_temp_dir(kind: str) -> Path:
    """A new private folder `sitegen-publish-<kind>-<pid>-…` in the system temp folder."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


@contextmanager
def temp_dir(kind: str) -> Iterator[Path]:
    """`make_temp_dir`, removed with everything in it when the block ends (error and Ctrl-C included)."""
    path = make_temp_dir(kind)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sweep_stale_temp_dirs() -> None:
    """Remove the temporary folders of publishes that were killed (their process no longer runs)."""
    root = Path(tempfile.gettempdir())
    for path in root.glob(PREFIX + "*"):
        match = _NAME.match(path.name)
        if match is None or process_alive(int(match[1])) or not path.is_dir() or path.is_symlink():
            continue
        log.info("removing %s, left by a publish that was killed", path)
        shutil.rmtree(path, ignore_errors=True)
