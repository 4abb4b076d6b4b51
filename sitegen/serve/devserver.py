"""`serve()`: build in memory, serve over HTTP, watch, rebuild, reload every open tab.

Threads: the main thread runs the HTTP server; watchdog's threads only feed the `ChangeQueue`;
one build thread takes debounced batches and calls `Builder.build` (so changes that arrive
during a build make exactly one more build). A failed build keeps the last good site served and
shows the error in every tab until a good build clears it (reliability.md §4). Nothing is written
to disk: the production `site/` folder stays as it was.
"""

from __future__ import annotations

import errno
import gc
import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.build import Builder, BuildOptions, MemoryBuild, interface_strings
from sitegen.errors import ServeError, SitegenError
from sitegen.serve.overlay import error_payload
from sitegen.serve.reload import ReloadState
from sitegen.serve.server import DevHTTPServer
from sitegen.serve.watcher import Change, ChangeQueue, Watcher, is_css_only

log = logging.getLogger(__name__)

SHOWN_CHANGES = 3
IDLE_FINISH = 0.5
"""Seconds without changes after a build before its deferred part (the search index) is made."""
IDLE_GC = 1.0
"""Seconds without changes after a build before garbage is collected (off the reload's path)."""


def _collect_garbage() -> None:
    """One full collection, then freeze the survivors so later automatic collections skip them."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.enable()


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How `sitegen serve` runs."""

    host: str = "127.0.0.1"
    port: int = 8000
    poll: float | None = None
    """Seconds between scans when polling for changes; `None`: native events (falls back to polling)."""
    drafts: bool = False
    debounce: float | None = None
    """Seconds without events before a rebuild (default `watcher.DEBOUNCE`)."""


class DevServer:
    """One serving session: the HTTP server, the watcher and the build thread around one `Builder`."""

    def __init__(self, site_dir: Path, options: ServeOptions, say: Callable[[str], None]) -> None:
        self.site_dir = site_dir.resolve()
        self.options = options
        self.say = say
        self.state = ReloadState(server_id=secrets.token_hex(8))
        try:
            self.httpd = DevHTTPServer(options.host, options.port, self.state)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"port {options.port} on {options.host} is in use",
                    hint="stop the other server or choose another port with --port",
                ) from None
            raise ServeError(f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}") from None
        host = f"[{options.host}]" if ":" in options.host else options.host
        self.url = f"http://{host}:{self.httpd.port}/"
        self.builder = Builder(self.site_dir, BuildOptions(drafts=options.drafts, base_url=self.url))
        self.queue = ChangeQueue() if options.debounce is None else ChangeQueue(options.debounce)
        self.watcher = Watcher(self.site_dir, self.queue, poll=options.poll, say=say)
        self._thread = threading.Thread(target=self._build_loop, name="sitegen-build", daemon=True)

    def run(self) -> None:
        """Serve until Ctrl-C (which the caller turns into exit 0)."""
        try:
            self.watcher.start()
            self.say(
                f"serving {self.site_dir} at {self.url}" + (" (polling for changes)" if self.watcher.polling else "")
            )
            if self.options.host not in ("127.0.0.1", "localhost", "::1"):
                self.say(f"warning: listening on {self.options.host}: other machines can read the preview")
            self.rebuild([])
            self._thread.start()
            self.httpd.serve_forever(poll_interval=0.25)
        finally:
            self.close()

    def close(self) -> None:
        """Stop watching, wake every waiting request and close the socket."""
        self.queue.close()
        self.state.stop()
        self.watcher.stop()
        self.httpd.server_close()

    def _build_loop(self) -> None:
        """Build each batch; when idle, finish what the last build deferred, then collect garbage."""
        unfinished: bool | None = None  # css_only of a build whose deferred part is still to make
        while True:
            idle = IDLE_FINISH if unfinished is not None else IDLE_GC if not gc.isenabled() else None
            batch = self.queue.take(timeout=idle)
            if batch is None:
                return
            if batch:
                unfinished = self.rebuild(batch)
            elif unfinished is not None:
                self._finish(unfinished)
                unfinished = None
            else:
                _collect_garbage()

    def rebuild(self, changes: Sequence[Change]) -> bool | None:
        """Build once; publish the result or the error; say one line about it.

        Returns `None`, or, when the build deferred its slow part (the search index), whether
        the change was CSS only: `_finish` makes that part once nothing happened for `IDLE_FINISH`
        seconds, so it competes neither with the next rebuild nor with the tabs reloading.

        The cyclic garbage collector is off from here until the build thread is idle for
        `IDLE_GC` seconds: the caches hold millions of objects, and a full collection during a
        rebuild, or while the reloading tabs fetch the new pages, costs more than the rebuild.
        """
        what = _describe(changes)
        started, cpu = time.perf_counter(), time.thread_time()
        if changes:  # (the first build runs with the collector on: nothing is cached to rescan yet)
            gc.disable()
        try:
            built = self.builder.build([c.src_path for c in changes], defer=True)
        except SitegenError as exc:
            self._failed(exc, what, started)
            return None
        except Exception as exc:  # a bug: keep serving, show it, keep the traceback in the terminal
            log.exception("internal error while building")
            self._failed(exc, what, started)
            return None
        css_only = is_css_only(changes)
        self.state.publish(built.outputs, changed=built.changed, css_only=css_only, settled=not built.deferred)
        self.say(_built_line(what, built, time.perf_counter() - started, time.thread_time() - cpu))
        return css_only if built.deferred else None

    def _finish(self, css_only: bool) -> None:
        """Make what the build deferred (the search index) now that the tabs are reloading; publish it."""
        started = time.perf_counter()
        try:
            built = self.builder.build()
        except Exception as exc:  # the same sources built a moment ago: only a bug gets here
            log.exception("internal error while building")
            self._failed(exc, "finishing the build", started)
            return
        self.state.publish(built.outputs, changed=built.changed, css_only=css_only, count=False)
        self.say(f"  search index updated in {(time.perf_counter() - started) * 1000:.0f} ms")

    def _failed(self, exc: BaseException, what: str, started: float) -> None:
        payload = error_payload(exc, self.site_dir, interface_strings(self.site_dir))
        self.state.fail(payload)
        ms = (time.perf_counter() - started) * 1000
        self.say(f"{what}: build failed in {ms:.0f} ms; still serving the last good build\n{payload['text']}")


def _describe(changes: Sequence[Change]) -> str:
    if not changes:
        return "first build"
    names = [c.rel_path for c in changes[:SHOWN_CHANGES]]
    more = f" and {len(changes) - SHOWN_CHANGES} more" if len(changes) > SHOWN_CHANGES else ""
    return "changed " + ", ".join(names) + more


def _built_line(what: str, built: MemoryBuild, seconds: float, cpu: float) -> str:
    files = len(built.changed)
    scope = "full rebuild" if built.full else "incremental"
    # CPU time beside wall time: on a busy machine the two differ, and only the first is ours.
    return (
        f"{what}: {built.articles} articles, {files} file{'s' if files != 1 else ''} updated "
        f"({scope}) in {seconds * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)"
    )


def serve(site_dir: Path, options: ServeOptions, say: Callable[[str], None]) -> None:
    """Run `sitegen serve` until Ctrl-C; `say` prints one line to the terminal."""
    DevServer(site_dir, options, say).run()
