"""`sitegen build`, interrupted by a real signal at a fixed point of one phase (tests/test_cli.py, test_build_cache.py).

    python -m tests.interrupt_build PHASE SIGNAL TARGET SITEGEN-ARGS...

- PHASE `loading`: as the content model is built; `rendering`: once render worker 0 has written its
  third page into the staging folder (the workers and this process render at that moment); `writing`:
  at the tenth file of the staging folder's last pass (`Staging.finish`); `forking`: in the parent and
  in each child of every `fork()` (the worst moment for Ctrl-C, issue 17 fault 9); `swapped`: just
  after a cached build exchanged the spare with the output folder, before it wrote the spare's record.
- SIGNAL `INT`, `TERM` or `KILL` (`kill -9`: nothing of the build runs after it).
- TARGET `self`: this process only, as `kill PID` does; `group`: the whole process group, render
  workers included, as Ctrl-C in a terminal does (the caller must start this in a session of its own).

Tests once raced a 600-page build from outside: they sent the signal when stderr named the phase,
which cost seconds of CPU per case and could miss a short phase. Here the signal goes out at the same
point every time, from inside the build, so a site of a few dozen pages is enough. The render
workers start at 8 articles here instead of `PARALLEL_MIN_PAGES`, so such a site forks them too.

Before the signal, one line `signal sent while PHASE` goes to stdout: the test knows the point was reached.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import sitegen.engine
import sitegen.output.spare
import sitegen.render.parallel
from sitegen.cli import main
from sitegen.output.staging import Staging

PHASES = ("loading", "rendering", "writing", "forking", "swapped")
WORKERS_FROM = 8
"""Articles from which the build forks render workers here (`PARALLEL_MIN_PAGES` is 300)."""


def _patch(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    """Replace `owner.name` by `make(original)`; an attribute that is gone fails here, not silently."""
    original = getattr(owner, name)  # AttributeError if the product renamed it: update this driver
    setattr(owner, name, make(original))


def _sender(sig: signal.Signals, target: str, phase: str) -> Callable[[], None]:
    """What sends `sig`: to this (the main) process or its group, from whichever process runs it."""
    main_pid = os.getpid()

    def send() -> None:
        print(f"signal sent while {phase}", flush=True)
        if target == "group":
            os.killpg(main_pid, sig)
        else:
            os.kill(main_pid, sig)

    return send


def _arm(phase: str, send: Callable[[], None], send_at_fork: tuple[signal.Signals, str]) -> None:
    """Make `send` run once at the point `phase` names (module docstring)."""
    if phase == "loading":

        def loading(original: Callable[..., Any]) -> Callable[..., Any]:
            def build_site(*args: Any, **kwargs: Any) -> Any:
                send()
                return original(*args, **kwargs)

            return build_site

        _patch(sitegen.engine, "build_site", loading)
    elif phase == "rendering":
        streamed = [0]

        def rendering(original: Callable[..., Any]) -> Callable[..., Any]:
            def stream(self: Staging, output: Any) -> Any:
                result = original(self, output)
                if multiprocessing.current_process().name == "sitegen-render-0":
                    streamed[0] += 1
                    if streamed[0] == 3:
                        send()
                return result

            return stream

        _patch(Staging, "stream", rendering)
    elif phase == "writing":
        placed = [-1]  # -1: not finishing yet

        def finishing(original: Callable[..., Any]) -> Callable[..., Any]:
            def finish(self: Staging, outputs: Any) -> Any:
                placed[0] = 0
                return original(self, outputs)

            return finish

        def targeting(original: Callable[..., Any]) -> Callable[..., Any]:
            def target(self: Staging, output: Any) -> Any:
                if placed[0] >= 0:
                    placed[0] += 1
                    if placed[0] == 10:
                        send()
                return original(self, output)

            return target

        _patch(Staging, "finish", finishing)
        _patch(Staging, "_target", targeting)
    elif phase == "swapped":

        def swapped(original: Callable[..., Any]) -> Callable[..., Any]:
            def exchange(*args: Any) -> None:
                original(*args)
                send()

            return exchange

        _patch(sitegen.output.spare, "exchange", swapped)
    else:  # forking: in the parent and in the child alike, as a Ctrl-C during `fork()` reaches both
        sig, target = send_at_fork

        def at_fork() -> None:
            os.killpg(0, sig) if target == "group" else os.kill(os.getpid(), sig)

        os.register_at_fork(after_in_child=at_fork, after_in_parent=at_fork)


def run(argv: list[str]) -> int:
    phase, sig_name, target, *args = argv
    if phase not in PHASES or sig_name not in ("INT", "TERM", "KILL") or target not in ("self", "group"):
        raise SystemExit(f"usage: python -m tests.interrupt_build {'|'.join(PHASES)} INT|TERM|KILL self|group ARGS...")
    if target == "group" and os.getpgid(0) != os.getpid():
        raise SystemExit("`group` needs a process group of its own (start_new_session=True): it would hit the caller")
    _patch(sitegen.render.parallel, "PARALLEL_MIN_PAGES", lambda _: WORKERS_FROM)
    sig = signal.Signals[f"SIG{sig_name}"]
    if phase == "forking":  # (the hook runs in every child: say it once, here)
        print("signal sent while forking", flush=True)
    _arm(phase, _sender(sig, target, phase), (sig, target))
    return main(args)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
