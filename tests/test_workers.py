"""Worker processes (sitegen/workers.py): results in order, errors raised, an interrupt at any moment stops them."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from sitegen.workers import Forked, WorkerError, run_in_workers

pytestmark = pytest.mark.timeout(60)  # forked workers: a hang fails in a minute


def _square(n: int) -> int:
    return n * n


def _big(n: int) -> bytes:
    return bytes([n % 256]) * 2_000_000  # far more than a pipe holds: the worker blocks handing it back


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_results_keep_the_order_of_the_items() -> None:
    results, meanwhile = run_in_workers(_square, list(range(50)), 3, lambda: "lists")
    assert results == [n * n for n in range(50)] and meanwhile == "lists"
    assert multiprocessing.active_children() == []


def test_workers_error_of_a_task_is_raised_here() -> None:
    def task(n: int) -> int:
        if n == 7:
            raise ValueError("bad item 7")
        return n

    with pytest.raises(ValueError, match="bad item 7"):
        run_in_workers(task, list(range(20)), 2, lambda: None)
    assert multiprocessing.active_children() == []


def test_workers_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def task(n: int) -> int:
        if n == 3:
            os._exit(9)  # killed (out of memory, kill -9)
        return n

    with pytest.raises(WorkerError, match=r"died \(exit code 9\)"):
        run_in_workers(task, list(range(10)), 2, lambda: None)
    assert multiprocessing.active_children() == []


@pytest.mark.timeout(60)
def test_workers_interrupt_while_they_hand_results_back_stops_them_all() -> None:
    """Fault 9: Ctrl-C in the parent while every worker is blocked writing a large result."""
    pids: list[int] = []

    def meanwhile() -> None:
        pids.extend(p.pid for p in multiprocessing.active_children() if p.pid is not None)
        time.sleep(0.5)  # the workers fill their pipes and block: no one reads while the list pages render
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_in_workers(_big, list(range(40)), 2, meanwhile)
    assert len(pids) == 2
    assert multiprocessing.active_children() == []
    assert not any(_alive(pid) for pid in pids)  # killed and reaped, not left to finish


def test_workers_ignore_ctrl_c() -> None:
    """Ctrl-C reaches every process of the group; a worker leaves it to the parent, which stops it."""

    def task(n: int) -> int:
        os.kill(os.getpid(), signal.SIGINT)
        return n

    results, _ = run_in_workers(task, list(range(6)), 2, lambda: None)
    assert results == list(range(6))


def test_forked_task_result_error_and_death() -> None:
    with Forked(lambda: _big(7), "test-forked") as forked:
        assert forked.result() == _big(7)  # larger than a pipe holds
    with Forked(lambda: _square(int("x")), "test-forked") as failing, pytest.raises(ValueError, match="'x'"):
        failing.result()
    with Forked(lambda: os._exit(9), "test-forked") as dying, pytest.raises(WorkerError, match=r"died \(exit code 9\)"):
        dying.result()
    assert multiprocessing.active_children() == []


def test_forked_task_left_running_is_ended_by_close() -> None:
    with Forked(lambda: time.sleep(600), "test-forked") as forked:
        pid = forked._process.pid
        assert pid is not None and _alive(pid)
    assert multiprocessing.active_children() == []


def _pids_of_workers(n: int) -> list[int]:
    """(A task that forks workers of its own:) the pids of `n` workers, each left sleeping."""

    def sleeper(_: int) -> int:
        time.sleep(60)  # (not forever: if a fault left it running, it ends by itself)
        return os.getpid()

    children: list[int] = []

    def meanwhile() -> None:
        children.extend(p.pid for p in multiprocessing.active_children() if p.pid is not None)
        os.write(_PIPE[1], b" ".join(str(pid).encode() for pid in children) + b"\n")
        time.sleep(60)

    run_in_workers(sleeper, list(range(n)), n, meanwhile)
    return children


_PIPE = (0, 0)


def test_forked_with_workers_may_fork_and_close_ends_them_all() -> None:
    """A `Forked(workers=True)` child fans out (a daemon child may not); `close` kills its workers with it."""
    with Forked(lambda: run_in_workers(_square, list(range(30)), 2, lambda: "mine"), "test-fan", workers=True) as fan:
        assert fan.result() == ([n * n for n in range(30)], "mine")
    global _PIPE
    _PIPE = os.pipe()
    try:
        with Forked(lambda: _pids_of_workers(2), "test-fan", workers=True):
            with os.fdopen(os.dup(_PIPE[0])) as reader:
                grandchildren = [int(pid) for pid in reader.readline().split()]
            assert len(grandchildren) == 2 and all(_alive(pid) for pid in grandchildren)
    finally:
        os.close(_PIPE[0])
        os.close(_PIPE[1])
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in grandchildren) and time.monotonic() < deadline:
        time.sleep(0.05)  # (killed at once; reaped by init, which may take a moment)
    assert not any(_alive(pid) for pid in grandchildren)
    assert multiprocessing.active_children() == []
