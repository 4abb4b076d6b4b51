"""`cli.run`, the console script's entry: it ends the process without freeing every object, and loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SCRIPT = """
import atexit, sys, threading
from sitegen import cli
atexit.register(lambda: print("exit handler ran"))
class Held:
    def __del__(self):
        print("freed one by one")
held = Held()  # a module global: a normal exit frees it at shutdown, `os._exit` does not
sys.stdout.write("buffered, not flushed")  # a pipe: block-buffered until the exit flushes it
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (__import__("time").sleep(0.3), print("thread finished"))).start()
cli.main = lambda: 3
cli.run()
"""


@pytest.mark.timeout(20)
@pytest.mark.parametrize("other", ["none", "thread"])
def test_cli_run_keeps_exit_status_output_and_exit_handlers(other: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, other], env=env, capture_output=True, text=True, timeout=15, check=False
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.startswith("buffered, not flushed") and "exit handler ran" in proc.stdout
    # with another thread running, the process exits as Python does: the thread finishes first
    assert ("thread finished" in proc.stdout) == (other == "thread")
    assert ("freed one by one" in proc.stdout) == (other == "thread")  # alone, it ends without freeing objects


@pytest.mark.timeout(20)
def test_cli_run_under_a_profiler_lets_it_write_its_results(tmp_path: Path) -> None:
    script, profile = tmp_path / "script.py", tmp_path / "run.prof"
    script.write_text(SCRIPT, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), str(script), "none"],
        env=env,
        capture_output=True,
        text=True,
        timeout=15,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr  # (cProfile catches the SystemExit and ends as it would)
    assert proc.stdout.startswith("buffered, not flushed") and "exit handler ran" in proc.stdout
    assert profile.is_file(), "cProfile wrote no results: the process ended before it could"
