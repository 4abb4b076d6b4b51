"""Which URLs front matter may link to: http, https, mailto or relative (reliability.md §3.2).

Jinja's autoescape does not look at schemes, so `javascript:` in `source.url` would pass it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and scheme-less (relative) URLs."""
    cleaned = _CONTROL.sub("", url)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_SCHEMES or (scheme == "" and ":" not in cleaned.split("/", 1)[0])
