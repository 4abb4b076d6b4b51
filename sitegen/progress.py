"""The progress bar `sitegen build` draws on a terminal: phase, count, rate and time left, on one line.

Only `cli.py` makes one, and only when stderr is a terminal (elsewhere the build prints its one
summary line and nothing else). Nothing is drawn until the build has run `delay` seconds: a
quick build shows no bar at all. The line is redrawn at most every `interval` seconds, and
cleared before the summary is printed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

BAR_WIDTH = 24
INTERVAL = 0.1
"""Seconds between two redraws (the last count of a phase is always drawn)."""


class ProgressBar:
    """`bar.phase("rendering")`, then `bar(done, total)` as work gets done; `bar.clear()` at the end."""

    def __init__(self, stream: TextIO, *, delay: float = 1.0, clock: Callable[[], float] = time.perf_counter) -> None:
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.name = ""
        self.phase_started = self.started
        self.drawn_at: float | None = None
        self.shown = False

    def phase(self, name: str) -> None:
        """A new step of the build begins (`loading`, `rendering`, `writing`); its count starts at 0."""
        self.name = name
        self.phase_started = self.clock()
        self.drawn_at = None
        if self.phase_started - self.started >= self.delay:
            self._draw(f"{name}…")

    def __call__(self, done: int, total: int) -> None:
        """`done` of `total` items of the current phase are finished."""
        now = self.clock()
        if now - self.started < self.delay:
            return
        if done < total and self.drawn_at is not None and now - self.drawn_at < INTERVAL:
            return
        self.drawn_at = now
        self._draw(self.line(done, total, now - self.phase_started))

    def line(self, done: int, total: int, elapsed: float) -> str:
        """`rendering [#########...............] 1,234/5,000  25%  812/s  ETA 5 s`."""
        share = done / total if total else 1.0
        filled = round(share * BAR_WIDTH)
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = f"ETA {_duration((total - done) / rate)}" if rate > 0 and done < total else f"{_duration(elapsed)}"
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return f"{self.name or 'working'} [{bar}] {done:,}/{total:,} {share:4.0%} {rate:,.0f}/s {eta}"

    def clear(self) -> None:
        """Remove the bar's line (before the summary is printed)."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False

    def _draw(self, text: str) -> None:
        self.shown = True
        self.stream.write(f"\r{text}\033[K")
        self.stream.flush()


def _duration(seconds: float) -> str:
    """`7 s`, `2 min 05 s`."""
    whole = int(round(seconds))
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"
