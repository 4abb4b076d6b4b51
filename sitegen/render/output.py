"""`Output`: one file of the built site, as bytes, and what produced it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Output:
    """A file to write: its path under the output folder, its bytes, and its source for errors."""

    out_path: str
    """`2026/02/x/index.html`, `feed.xml`; always `/`-separated and relative."""
    data: bytes
    source: str
    """What produced it: a page's source path, `theme:css/style.css`, `tags`, …"""
