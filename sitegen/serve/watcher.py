"""Watching `seeds/` (pages, their pictures), `themes/`, `media/`, `static/`, `sitegen.yaml`: classify, debounce.

watchdog callbacks only add a classified path to a `ChangeQueue`; the one build thread takes a
batch once no event arrived for `DEBOUNCE` seconds (MkDocs' `build_delay`), so an editor's
atomic save or a `git checkout` of 200 files is one rebuild, and events that arrive while a
build runs make exactly one more (reliability.md §4). Open and close-without-write events are
ignored: the build reads the sources itself and must not wake the watcher.

Native watching (inotify) can hit the system's watch or instance limit (ENOSPC, EMFILE); the
watcher then says so once and falls back to polling, as `--poll` does on purpose for network
mounts where no events arrive.
"""

from __future__ import annotations

import enum
import errno
import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from sitegen.config import CONFIG_NAME, SEEDS_DIR, STATIC_DIR, TEMPLATES_DIR, THEMES_DIR
from sitegen.images.refs import MEDIA_DIR
from sitegen.source.files import is_ignored_name
from sitegen.source.static import is_left_out

log = logging.getLogger(__name__)

DEBOUNCE = 0.05
"""Seconds without a new event before a batch of changes is built."""
POLL_INTERVAL = 1.0
"""Seconds between scans with `--poll` (or after falling back to polling)."""
LIMIT_ERRNOS = (errno.ENOSPC, errno.EMFILE, errno.ENFILE)
BENIGN_WATCHDOG_WARNING = r"Callback with id '\d+' already exists for watch"
"""watchdog (inotify) says this when a folder is made while a recursive watch over it is being set
up (`cp -a backup seeds`); it then keeps one watch, as it should: nothing for the terminal."""
WATCHED_DIRS = (SEEDS_DIR, THEMES_DIR, TEMPLATES_DIR, MEDIA_DIR, STATIC_DIR)
"""Folders of the site watched recursively (besides `sitegen.yaml`); each is watched again when it reappears."""
PAGE_FILES = frozenset({".md", ".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".svg"})
"""Under `seeds/`: pages, and the pictures that sit beside them."""
_COUNTED_EVENTS = {"created", "modified", "deleted", "moved"}


class Kind(enum.Enum):
    """What a changed file is to the build."""

    CONTENT = "content"
    THEME = "theme"
    STATIC = "static"
    CONFIG = "config"


@dataclass(frozen=True, slots=True)
class Change:
    """One changed path: absolute, relative to the site (`seeds/2026/02/x.md`) and its kind."""

    src_path: Path
    rel_path: str
    kind: Kind


def classify(path: Path, site_dir: Path, *, is_dir: bool = False, out_dir: Path | None = None) -> Change | None:
    """The change a path stands for, or `None` when the build does not read it.

    Ignored: anything outside the site folder or inside the output folder, hidden files and
    folders (`.git/`), editor temp files (`x~`, `.x.swp`, `#x#`, `4913`), and under `seeds/`
    anything but Markdown files and folders.
    """
    try:
        rel = path.relative_to(site_dir)
    except ValueError:
        return None
    if out_dir is not None and path.is_relative_to(out_dir):
        return None
    parts = rel.parts
    if len(parts) > 1 and parts[0] == STATIC_DIR and not any(is_left_out(part) for part in parts):
        return Change(path, rel.as_posix(), Kind.CONTENT)  # published as it is, dot-files too (`.well-known/`)
    if not parts or any(is_ignored_name(part) for part in parts):
        return None
    if parts == (CONFIG_NAME,):
        return Change(path, CONFIG_NAME, Kind.CONFIG)
    if parts[0] == SEEDS_DIR and (is_dir or path.suffix.lower() in PAGE_FILES or len(parts) == 1):
        return Change(path, rel.as_posix(), Kind.CONTENT)
    if parts[0] == MEDIA_DIR:  # pictures the pages name
        return Change(path, rel.as_posix(), Kind.CONTENT)
    if parts[0] == THEMES_DIR:
        kind = Kind.STATIC if len(parts) > 2 and parts[2] == "static" and not is_dir else Kind.THEME
        return Change(path, rel.as_posix(), kind)
    if parts[0] == TEMPLATES_DIR:  # the site's own templates, over the theme's
        return Change(path, rel.as_posix(), Kind.THEME)
    return None


def is_css_only(changes: Iterable[Change]) -> bool:
    """True when every change is a theme stylesheet: open tabs can swap stylesheets, not reload."""
    found = list(changes)
    return bool(found) and all(c.kind is Kind.STATIC and c.rel_path.endswith(".css") for c in found)


class ChangeQueue:
    """Changed paths gathered from watcher threads, handed to the build thread in debounced batches."""

    def __init__(self, delay: float = DEBOUNCE) -> None:
        self.delay = delay
        self._pending: dict[str, Change] = {}
        self._last = 0.0
        self._closed = False
        self._cond = threading.Condition()

    def add(self, change: Change) -> None:
        """Record a change (called from watchdog's thread; cheap)."""
        with self._cond:
            self._pending[change.rel_path] = change
            self._last = time.monotonic()
            self._cond.notify_all()

    def close(self) -> None:
        """Wake `take` for good: the server is stopping."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def take(self, timeout: float | None = None) -> list[Change] | None:
        """Wait for changes, then until none came for `delay` seconds; the batch, or `None` once closed.

        With a `timeout`, an empty batch when no change came in that time.
        """
        with self._cond:
            if not self._cond.wait_for(lambda: self._pending or self._closed, timeout=timeout):
                return []
            while not self._closed:
                quiet = self._last + self.delay - time.monotonic()
                if quiet <= 0:
                    break
                self._cond.wait(quiet)
            if self._closed:
                return None
            batch = sorted(self._pending.values(), key=lambda c: c.rel_path)
            self._pending.clear()
            return batch


class _Handler(FileSystemEventHandler):
    """Turns watchdog events into classified changes; schedules `seeds/` or `themes/` once they appear."""

    def __init__(self, site_dir: Path, queue: ChangeQueue, on_new_root: Callable[[Path], None]) -> None:
        self.site_dir = site_dir
        self.queue = queue
        self.on_new_root = on_new_root

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _COUNTED_EVENTS:
            return  # opened / closed: our own build reading the sources
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime changes with every file event inside it
        paths = [event.src_path, *([event.dest_path] if event.event_type == "moved" else [])]
        for raw in paths:
            path = Path(raw if isinstance(raw, str) else raw.decode())
            change = classify(path, self.site_dir, is_dir=event.is_directory)
            if change is None:
                continue
            if event.is_directory and event.event_type in ("created", "moved") and path.parent == self.site_dir:
                self.on_new_root(path)
            self.queue.add(change)


class Watcher:
    """The watchdog observer over `seeds/`, `themes/` and `sitegen.yaml`, native or polling."""

    def __init__(
        self,
        site_dir: Path,
        queue: ChangeQueue,
        *,
        poll: float | None = None,
        say: Callable[[str], None] = log.warning,
        native: Callable[[], BaseObserver] = Observer,
    ) -> None:
        self.site_dir = site_dir.resolve()
        self.queue = queue
        self.poll = poll
        self.say = say
        self._native = native
        self._handler = _Handler(self.site_dir, queue, self._schedule_root)
        self._lock = threading.Lock()
        self._roots: dict[str, ObservedWatch] = {}
        """The recursive watch of `seeds/` and of `themes/`, by name."""
        self.observer: BaseObserver | None = None
        self.polling = poll is not None

    def start(self) -> None:
        """Start watching; fall back to polling (saying why) when the system's watch limit is reached."""
        warnings.filterwarnings("ignore", BENIGN_WATCHDOG_WARNING, RuntimeWarning)
        if self.poll is not None:
            self.observer = self._start(PollingObserver(timeout=self.poll))
            return
        try:
            self.observer = self._start(self._native())
        except OSError as exc:
            if exc.errno not in LIMIT_ERRNOS:
                raise
            self.say(
                f"note: the system's file-watch limit is reached ({exc.strerror or exc}); "
                f"checking for changes every {POLL_INTERVAL:g} s instead. Is {self.site_dir} the folder you "
                "meant to serve? (Linux: raise fs.inotify.max_user_watches, or use --poll.)"
            )
            self.polling = True
            self.observer = self._start(PollingObserver(timeout=POLL_INTERVAL))

    def _start(self, observer: BaseObserver) -> BaseObserver:
        try:
            # `sitegen.yaml` is watched through its folder, so a config deleted and written again is seen.
            observer.schedule(self._handler, str(self.site_dir), recursive=False)
            self._roots = {}
            for name in WATCHED_DIRS:
                if (self.site_dir / name).is_dir():
                    self._roots[name] = observer.schedule(self._handler, str(self.site_dir / name), recursive=True)
            observer.start()
        except BaseException:
            _stop(observer)
            raise
        return observer

    def _schedule_root(self, path: Path) -> None:
        """A watched folder (`seeds/`, `themes/`, `media/`, `static/`) appeared, or was deleted and made anew.

        A watch belongs to the folder it was made on: when that folder is deleted its watch ends,
        and watchdog keeps it registered, so scheduling the same path again would do nothing.
        The old watch is dropped first (issue 17, fault 1: after `rm -rf seeds && cp -a backup
        seeds` serve saw one rebuild and then no edit at all).
        """
        if path.name not in WATCHED_DIRS or self.observer is None:
            return
        with self._lock:
            old = self._roots.pop(path.name, None)
            if old is not None:
                try:
                    self.observer.unschedule(old)
                except KeyError:
                    pass  # already gone
            try:
                self._roots[path.name] = self.observer.schedule(self._handler, str(path), recursive=True)
            except OSError as exc:
                log.warning("cannot watch %s: %s", path, exc)

    def stop(self) -> None:
        """Stop the observer thread."""
        if self.observer is not None:
            _stop(self.observer)


def _stop(observer: BaseObserver) -> None:
    if observer.is_alive():
        observer.stop()
        observer.join(timeout=5)
