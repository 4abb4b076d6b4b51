"""Request paths -> output paths, refusing anything that could name a file outside the site.

The served site is a mapping of output paths held in memory, so no request can reach the disk
at all; still, every request path is decoded once, checked and normalised before the lookup,
so `..`, `%2e%2e`, an encoded `/` or `\\`, double encoding and NUL bytes are refused outright
(mkdocs CVE-2021-40978, zola CVE-2023-40274; reliability.md §3.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

MAX_PATH = 2048


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request goes: an output path, or a redirect to the same path with a slash."""

    out_path: str
    """`2026/02/x/index.html`; `index.html` for `/`."""
    redirect: str | None = None
    """Set for `/tags` when `tags/index.html` exists: `/tags/`."""


class BadPath(ValueError):
    """A request path that is refused (400)."""


def normalise_request_path(raw: str) -> str:
    """The decoded, `/`-separated path without its leading slash; raises `BadPath` when it is unsafe.

    `raw` is the request target as sent (`/tags/%D0%B0/?x=1`).
    """
    if len(raw) > MAX_PATH:
        raise BadPath("path too long")
    path = raw.split("?", 1)[0].split("#", 1)[0]  # not urlsplit: `//x/` is a path here, not a host
    if not path.startswith("/"):
        raise BadPath("path must start with /")
    lowered = path.lower()
    if "%2f" in lowered or "%5c" in lowered or "%00" in lowered:
        raise BadPath("encoded separator or NUL")
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise BadPath("not UTF-8") from None
    if "%" in decoded and unquote(decoded) != decoded:
        raise BadPath("double encoding")
    if "\\" in decoded or "\x00" in decoded:
        raise BadPath("backslash or NUL")
    parts = decoded.split("/")
    if any(part in (".", "..") for part in parts):
        raise BadPath("dot segment")
    joined = "/".join(part for part in parts[1:] if part)
    return joined + "/" if joined and decoded.endswith("/") else joined  # `//` is `/`: the home page


def find_output(raw: str, outputs: set[str] | dict[str, bytes]) -> Route | None:
    """The output a request path names (`/x/` -> `x/index.html`), a redirect, or `None` (404)."""
    rel = normalise_request_path(raw)
    if rel == "" or rel.endswith("/"):
        candidate = rel + "index.html"
        return Route(candidate) if candidate in outputs else None
    if rel in outputs:
        return Route(rel)
    if rel + "/index.html" in outputs:
        return Route(rel + "/index.html", redirect=quote("/" + rel + "/"))
    return None
