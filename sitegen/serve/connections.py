"""Connections of the dev server: a fixed set of worker threads, and silent connections kept off them.

`ThreadingHTTPServer` starts one thread per connection and never closes an idle one, and its
listen backlog is 5: under 200 concurrent clients the kernel dropped connections (clients retried
after 1, 3, 7 s; 77 of 200 timed out), and 1,000 idle sockets held 1,007 threads (issue 17,
fault 4). Here a new connection waits in one selector thread until its first bytes arrive (or is
closed after `IDLE_TIMEOUT` seconds of silence), then a worker of a fixed pool serves it; a
keep-alive connection idle for `IDLE_TIMEOUT` seconds is closed by its worker's socket timeout.
"""

from __future__ import annotations

import logging
import queue
import selectors
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

WORKERS = 64
"""Requests served at once (each open tab's long-poll holds one for up to 25 s)."""
IDLE_TIMEOUT = 10.0
"""Seconds a connection may stay silent before it is closed (browsers open a new one when needed)."""
LISTEN_BACKLOG = 1024
"""Connections the kernel queues before the server accepts them (the system caps it at somaxconn)."""

Address = tuple[str, int]
Serve = Callable[[socket.socket, Address], None]


class ConnectionGate:
    """Holds accepted connections until they have something to read, then hands them to `WORKERS` threads."""

    def __init__(self, serve: Serve, *, workers: int = WORKERS, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.idle_timeout = idle_timeout
        self._serve = serve
        self._ready: queue.SimpleQueue[tuple[socket.socket, Address] | None] = queue.SimpleQueue()
        self._new: list[tuple[socket.socket, Address]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wake_reader, selectors.EVENT_READ)
        self._threads = [threading.Thread(target=self._wait_for_data, name="sitegen-serve-gate", daemon=True)]
        self._threads += [
            threading.Thread(target=self._work, name=f"sitegen-serve-{i}", daemon=True) for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def add(self, connection: socket.socket, address: Address) -> None:
        """Take a newly accepted connection (never blocks the accepting thread)."""
        with self._lock:
            if self._closed:
                connection.close()
                return
            self._new.append((connection, address))
        self._wake()

    def close(self) -> None:
        """Stop the threads (a request being served finishes first) and close the waiting connections."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake()
        for _ in self._threads[1:]:
            self._ready.put(None)

    def _wake(self) -> None:
        try:
            self._wake_writer.send(b"\0")
        except OSError:
            pass  # closed, or the wake-up buffer is full: the selector wakes anyway

    def _wait_for_data(self) -> None:
        """The selector thread: a connection that sends something goes to the workers; a silent one is closed."""
        waiting: dict[socket.socket, tuple[Address, float]] = {}
        try:
            while True:
                with self._lock:
                    closed, new, self._new = self._closed, self._new, []
                if closed:
                    for connection in [*waiting, *(c for c, _ in new)]:
                        connection.close()
                    return
                now = time.monotonic()
                for connection, address in new:
                    waiting[connection] = (address, now + self.idle_timeout)
                    self._selector.register(connection, selectors.EVENT_READ)
                for connection, (_, deadline) in list(waiting.items()):
                    if deadline <= now:  # connected and said nothing
                        self._selector.unregister(connection)
                        del waiting[connection]
                        connection.close()
                timeout = min((deadline for _, deadline in waiting.values()), default=now + 60) - now
                for key, _ in self._selector.select(max(timeout, 0)):
                    if key.fileobj is self._wake_reader:
                        self._wake_reader.recv(4096)
                        continue
                    readable = key.fileobj
                    assert isinstance(readable, socket.socket)
                    self._selector.unregister(readable)
                    address, _ = waiting.pop(readable)
                    self._ready.put((readable, address))
        finally:
            self._selector.close()
            self._wake_reader.close()
            self._wake_writer.close()

    def _work(self) -> None:
        while (item := self._ready.get()) is not None:
            self._serve(*item)
