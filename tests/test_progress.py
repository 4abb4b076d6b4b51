"""The terminal progress bar: nothing for a quick build, then phase, count, rate and time left on one line."""

from __future__ import annotations

import io

from sitegen.progress import ProgressBar


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_quiet_during_the_first_second_then_a_bar_with_rate_and_eta() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(stream, delay=1.0, clock=clock)
    bar.phase("loading")
    clock.now += 0.5
    bar.phase("rendering")
    bar(10, 1000)
    assert stream.getvalue() == ""  # under a second: no bar at all
    clock.now += 1.5  # 2 s since the start, 1.5 s into rendering
    bar(300, 1000)
    assert stream.getvalue() == "\rrendering [#######.................] 300/1,000  30% 200/s ETA 4 s\x1b[K"
    clock.now += 0.01
    bar(310, 1000)  # too soon to redraw
    assert stream.getvalue().count("\r") == 1
    clock.now += 0.5
    bar(1000, 1000)  # the last count is always drawn, with the time it took
    assert stream.getvalue().endswith("\rrendering [########################] 1,000/1,000 100% 498/s 2 s\x1b[K")
    bar.phase("writing")
    assert stream.getvalue().endswith("\rwriting…\x1b[K")
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_long_eta_in_minutes_and_quick_build_clears_nothing() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(stream, delay=0.0, clock=clock)
    bar.phase("rendering")
    clock.now += 10
    bar(100, 100_000)
    assert "10/s ETA 166 min 30 s" in stream.getvalue()
    quiet = io.StringIO()
    ProgressBar(quiet, delay=1.0, clock=Clock()).clear()
    assert quiet.getvalue() == ""
