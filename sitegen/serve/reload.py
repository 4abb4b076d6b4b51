"""`ReloadState`: what the live-reload clients wait on (MkDocs' epoch protocol, Zola's error overlay).

Every change of state bumps `epoch` and wakes the waiting long-polls. A successful build that
changed the site also bumps `site_epoch` and records which output files it changed; a page
knows the `site_epoch` it was served at and its own output path, so a client learns whether it
must reload (its own HTML, or a script, image or other asset, changed since), only swap
stylesheets (every build since changed CSS only), or do nothing but show or clear the error
overlay (a failed build serves the last good site unchanged; a rebuild that changed only other
pages leaves this one as it is).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["none", "css", "reload"]
_PAGE_TYPES = (".html", ".xml", ".json", ".txt")
"""Outputs no other page loads: when only these change, only their own tabs reload. (A JSON file a
page's script fetches, like the search index, is loaded afresh by that script anyway.)"""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One consistent view for a request: the served files and the site epoch they belong to."""

    outputs: Mapping[str, bytes]
    site_epoch: int
    error: Mapping[str, Any] | None


@dataclass(slots=True)
class ReloadState:
    """Served outputs, the current build error and the epochs, behind one condition variable."""

    server_id: str
    epoch: int = 0
    site_epoch: int = 0
    outputs: Mapping[str, bytes] = field(default_factory=dict)
    error: Mapping[str, Any] | None = None
    css_only: dict[int, bool] = field(default_factory=dict)
    """By site epoch: whether the build that made it changed nothing but stylesheets."""
    changed: dict[int, frozenset[str] | None] = field(default_factory=dict)
    """By site epoch: the output paths that build changed (`None`: unknown, reload everything)."""
    settled: bool = True
    """False while a build's deferred part (the search index) is still being made."""
    builds: int = 0
    """Builds finished (good or failed), for the terminal and the debug endpoint."""
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def publish(
        self,
        outputs: Mapping[str, bytes],
        *,
        changed: Iterable[str] | None,
        css_only: bool = False,
        settled: bool = True,
        count: bool = True,
    ) -> None:
        """A good build: serve `outputs`, clear the error, wake every client.

        `changed`: the output paths that differ from the previous build (`None`: unknown);
        `settled`: False when a deferred part follows; `count`: False for that deferred part.
        """
        paths = None if changed is None else frozenset(changed)
        with self._cond:
            self.builds += count
            self.epoch += 1
            if paths is None or paths or not self.outputs:
                self.site_epoch += 1
                self.css_only[self.site_epoch] = css_only
                self.changed[self.site_epoch] = paths
            self.outputs = outputs
            self.error = None
            self.settled = settled
            self._cond.notify_all()

    def fail(self, error: Mapping[str, Any]) -> None:
        """A failed build: keep serving the last good outputs, show `error` in every tab."""
        with self._cond:
            self.builds += 1
            self.epoch += 1
            self.error = error
            self._cond.notify_all()

    def snapshot(self) -> Snapshot:
        """The outputs, site epoch and error, read together."""
        with self._cond:
            return Snapshot(self.outputs, self.site_epoch, self.error)

    def wait(self, epoch: int, timeout: float) -> int:
        """Block until the epoch differs from `epoch` (or `timeout` passes); return the current epoch."""
        with self._cond:
            self._cond.wait_for(lambda: self.epoch != epoch, timeout=timeout)
            return self.epoch

    def action_since(self, site_epoch: int, out_path: str | None = None) -> Action:
        """What a page served at `site_epoch` (the output `out_path`, if known) must do to show the current site."""
        with self._cond:
            if site_epoch == self.site_epoch:
                return "none"
            if site_epoch > self.site_epoch or site_epoch <= 0:
                return "reload"
            # A stylesheet-only build changes every page (the stylesheet's fingerprinted URL), which
            # a stylesheet swap takes care of; any other build since decides on its own paths. (A
            # search index finished in the background between the page load and a CSS edit must
            # not turn that edit into a full reload.)
            action: Action = "none"
            for e in range(site_epoch + 1, self.site_epoch + 1):
                if self.css_only.get(e, False):
                    action = "css"
                    continue
                paths = self.changed.get(e)
                if paths is None or out_path is None or out_path in paths:
                    return "reload"
                if any(not p.endswith(_PAGE_TYPES) for p in paths):
                    return "reload"  # a script, image or font the page may use
            return action

    def message(self, epoch: int, site_epoch: int, out_path: str | None = None) -> dict[str, Any]:
        """The long-poll answer for a client at `site_epoch` showing `out_path`."""
        with self._cond:
            return {
                "server": self.server_id,
                "epoch": self.epoch,
                "site_epoch": self.site_epoch,
                "action": self.action_since(site_epoch, out_path),
                "error": self.error,
                "waited_from": epoch,
            }

    def stop(self) -> None:
        """Wake every waiting request so the server can shut down."""
        with self._cond:
            self.epoch += 1
            self._cond.notify_all()
