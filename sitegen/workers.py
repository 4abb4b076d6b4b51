"""Worker processes: how many a machine offers, and forked workers that are safe to interrupt at any moment.

Used by every step that fans out over processes (article rendering, image processing).

`multiprocessing.Pool` did this before, and Ctrl-C could leave `sitegen build` waiting forever
(issue 17, fault 9). A terminal sends SIGINT to the whole process group. A Ctrl-C that reached
the parent inside `fork()` was swallowed by the fork hooks ("Exception ignored in ...") and the
build went on (reproduced: tests/test_cli.py). A worker that died of it before its initializer
set SIGINT aside was forked again by a pool helper thread (a child forked from a thread inherits
the locks the other threads hold at that instant), and `Pool.terminate()` joins its workers with
no time limit, behind queues whose locks all the processes share. So here:

- stop signals are blocked while forking: a worker first ignores SIGINT (the parent decides)
  and takes SIGTERM's default action, then unblocks; the parent gets a Ctrl-C that came during
  the fork right after it, as a plain `KeyboardInterrupt`;
- a worker's share of the items is fixed at fork (it inherits them, nothing is sent to it), and
  it hands results back on a pipe of its own, read by a thread of the parent started after the
  last fork: no lock is shared between processes;
- a worker is never forked again; one that dies is an error;
- whatever ends the run, the parent kills what still runs and waits a bounded time for it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
M = TypeVar("M")

STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
JOIN_TIMEOUT = 5.0
"""Seconds to wait for a worker to exit after its last result, or after it was killed."""
_DONE = -1


class WorkerError(RuntimeError):
    """A worker process died or failed with an error that is not the user's (a bug)."""


def available_cores(limit: int = 8) -> int:
    """Cores this process may run on (its CPU affinity), at most `limit`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, limit))


def can_fork() -> bool:
    """Whether this system starts processes by `fork`, which every worker here needs (they share the parent's
    loaded state copy-on-write)."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_pays(count: int, minimum: int) -> bool:
    """Whether work on `count` items is worth splitting with forked workers: from `minimum` items (below it a fork
    costs more than it saves), on two cores or more, where processes can fork."""
    return count >= minimum and available_cores() >= 2 and can_fork()


@contextmanager
def signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (in this thread) until the block ends; they are delivered then."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def run_in_workers(
    task: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    meanwhile: Callable[[], M],
    received: Callable[[R], R] | None = None,
) -> tuple[list[R], M]:
    """`[task(item) for item in items]`, computed by `workers` forked processes while this one runs `meanwhile()`.

    Results keep the order of `items`. An exception raised by `task` in a worker is raised here. `received`, if
    given, is applied to each result as it comes in (on the thread that reads them), and its value is kept.
    """
    return run_in_workers_reading(task, items, workers, lambda _: meanwhile(), received)


def run_in_workers_reading(
    task: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    meanwhile: Callable[[Callable[[int], list[R]]], M],
    received: Callable[[R], R] | None = None,
) -> tuple[list[R], M]:
    """`run_in_workers`, where `meanwhile` is given `first`: `first(n)` waits for the results of the first `n` items
    (each worker takes its items in order) and returns them, or raises what stopped a worker."""
    context = multiprocessing.get_context("fork")  # workers share the loaded site copy-on-write
    processes: list[BaseProcess] = []
    readers: list[Connection] = []
    collector: _Collector[R] | None = None
    try:
        with signals_blocked():
            for first in range(workers):
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(
                    target=_work, args=(task, items, first, workers, writer), name=f"sitegen-render-{first}"
                )
                process.daemon = True  # never outlives the build, even if this process is ended abruptly
                readers.append(reader)
                processes.append(process)
                process.start()
                writer.close()  # ours: the worker's end must close when the worker dies, so we see EOF
        # Results are read on a thread (started after the last fork) while this one works: a
        # result is larger than a pipe holds, and a worker waiting to hand one over renders nothing.
        collector = _Collector(readers, processes, len(items), received)
        collector.start()
        done_meanwhile = meanwhile(collector.first)
        collector.join()
        results = collector.outcome()
        for worker in processes:  # each sent its last result: it is exiting by itself
            worker.join(JOIN_TIMEOUT)
        return results, done_meanwhile
    finally:
        with signals_blocked():  # a second Ctrl-C must not leave workers behind
            for worker in processes:
                if worker.exitcode is None:
                    worker.kill()
            for worker in processes:
                worker.join(JOIN_TIMEOUT)
            if collector is not None:
                collector.join(JOIN_TIMEOUT)  # its workers are gone: it has read their end of file
            for reader in readers:
                reader.close()


class _Collector(threading.Thread, Generic[R]):
    """Reads every worker's results into place; what went wrong is raised by `outcome` in the caller's thread."""

    def __init__(
        self,
        readers: list[Connection],
        processes: list[BaseProcess],
        count: int,
        received: Callable[[R], R] | None = None,
    ) -> None:
        super().__init__(name="sitegen-render-results", daemon=True)
        self.readers = readers
        self.processes = processes
        self.count = count
        self.received = received
        self.results: dict[int, R] = {}
        self.error: BaseException | None = None
        self._arrived = threading.Condition()

    def run(self) -> None:
        try:
            self._read()
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc
        finally:
            with self._arrived:
                self._arrived.notify_all()

    def first(self, count: int) -> list[R]:
        """The results of items 0 … count − 1, once they are all in; what stopped the reading is raised here."""
        with self._arrived:
            while self.error is None and self.is_alive() and any(i not in self.results for i in range(count)):
                self._arrived.wait(0.5)  # (woken at every result; the timeout only bounds a missed wake-up)
        missing = [i for i in range(count) if i not in self.results]
        if not missing:  # (even if a later item failed: that is raised by `outcome`)
            return [self.results[i] for i in range(count)]
        if self.error is not None:
            raise self.error
        raise WorkerError(f"the workers finished without the result of item {missing[0]}")

    def _read(self) -> None:
        owner = {id(reader): process for reader, process in zip(self.readers, self.processes, strict=True)}
        open_readers = list(self.readers)
        while open_readers:
            for reader in wait(open_readers):
                assert isinstance(reader, Connection)
                try:
                    index, value = reader.recv()
                except EOFError:
                    process = owner[id(reader)]
                    process.join(JOIN_TIMEOUT)
                    raise WorkerError(f"render worker {process.name} died (exit code {process.exitcode})") from None
                if index == _DONE:
                    open_readers.remove(reader)
                elif isinstance(value, _Failure):
                    raise value.error
                else:
                    value = value if self.received is None else self.received(value)
                    with self._arrived:
                        self.results[index] = value
                        self._arrived.notify_all()

    def outcome(self) -> list[R]:
        """The results in the order of the items, or the error that stopped the reading."""
        if self.error is not None:
            raise self.error
        assert len(self.results) == self.count, "a worker finished without every result"
        return [self.results[i] for i in range(self.count)]


class _Failure:
    """An exception a worker's task raised, sent back to be raised in the parent."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _work(task: Callable[[T], R], items: Sequence[T], first: int, step: int, writer: Connection) -> None:
    """The worker: items `first`, `first + step`, … in order, each result sent as soon as it is made."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's handler, inherited at fork
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    try:
        for index in range(first, len(items), step):
            try:
                value: object = task(items[index])
            except Exception as exc:
                _send(writer, (index, _Failure(exc)))
                return
            writer.send((index, value))
        writer.send((_DONE, None))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent is gone (killed): there is no one to tell
    finally:
        writer.close()


def _send(writer: Connection, message: tuple[int, _Failure]) -> None:
    try:
        writer.send(message)
    except Exception:  # the exception does not pickle: send what it said
        text = f"{type(message[1].error).__name__}: {message[1].error}"
        writer.send((message[0], _Failure(WorkerError(text))))


class Forked(Generic[R]):
    """One task computed by a forked process while this one goes on; `result()` waits for it.

    The same rules as `run_in_workers`: forked with stop signals held back, the child ignores Ctrl-C,
    and `close()` (the end of a `with` block, whatever ends it) kills a child that still runs.

    With `workers`, the task may itself fan out with `run_in_workers` (a daemon child may not fork): the child
    is then not a daemon but the leader of a process group of its own, and `close()` kills the whole group, so
    no worker of the child's outlives it.
    """

    def __init__(self, task: Callable[[], R], name: str, *, workers: bool = False) -> None:
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._group = workers
        target = _call_in_own_group if workers else _call
        self._process: BaseProcess = context.Process(
            target=_work, args=(target, [task], 0, 1, writer), name=name, daemon=not workers
        )
        try:
            with signals_blocked():
                self._process.start()
                if workers:  # (the child does it too: whichever comes first, the group exists before `close`)
                    _own_group(self._process.pid)
        finally:
            writer.close()  # ours: the child's end must close when the child dies, so we see EOF

    def result(self) -> R:
        """The task's result (or its exception, raised here); a child that died is a `WorkerError`."""
        try:
            _, value = self._reader.recv()
            if not isinstance(value, _Failure):
                self._reader.recv()  # the end mark, sent right after it
        except EOFError:
            self._process.join(JOIN_TIMEOUT)
            raise WorkerError(f"worker {self._process.name} died (exit code {self._process.exitcode})") from None
        if isinstance(value, _Failure):
            raise value.error
        self._process.join(JOIN_TIMEOUT)
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        with signals_blocked():
            if self._group and self._process.pid is not None:
                try:
                    os.killpg(self._process.pid, signal.SIGKILL)  # the child and any worker it forked
                except (ProcessLookupError, PermissionError):
                    pass  # all gone (and reaped)
            if self._process.exitcode is None:
                self._process.kill()
            self._process.join(JOIN_TIMEOUT)
            self._reader.close()

    def __enter__(self) -> Forked[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _call(task: Callable[[], R]) -> R:
    return task()


def _call_in_own_group(task: Callable[[], R]) -> R:
    _own_group(0)
    return task()


def _own_group(pid: int | None) -> None:
    """Make process `pid` (0: this one) the leader of a process group of its own."""
    try:
        os.setpgid(pid or 0, pid or 0)
    except (ProcessLookupError, PermissionError):
        pass  # (the parent's call after the child exec'd or exited; the child's own call is the one that counts)
