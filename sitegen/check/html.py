"""What `check` reads from a built HTML page: the URLs it references and the ids it offers as anchors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# (tag, attribute) pairs whose value is a URL the browser follows or fetches.
URL_ATTRIBUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("a", "href"),
        ("area", "href"),
        ("link", "href"),
        ("img", "src"),
        ("script", "src"),
        ("iframe", "src"),
        ("source", "src"),
        ("video", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("track", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("form", "action"),
    }
)
SRCSET_TAGS = frozenset({"img", "source"})
DATA_URL_SUFFIXES = ("-url", "-src", "-href")
"""`data-index-url` and the like: URLs the theme's scripts fetch (the search index)."""
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json", "importmap"})
"""Script elements that hold data, not code."""
_SCRIPT_URL = re.compile(r"\s*((javascript|vbscript)\s*:|data\s*:\s*text/html)", re.IGNORECASE)
_REFRESH_URL = re.compile(r"^\s*\d+\s*[;,]\s*url\s*=\s*['\"]?([^'\"]*)['\"]?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reference:
    """One URL in a page: where it is and what refers to it."""

    url: str
    tag: str
    attr: str
    line: int
    """Line in the built HTML file."""


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """The references and anchor ids of one built HTML page, and any script it runs inline."""

    references: tuple[Reference, ...]
    ids: frozenset[str]
    unsafe: tuple[tuple[int, str], ...] = ()
    """(line, what) for inline event handlers, `javascript:` URLs and inline scripts (CSP forbids them)."""
    refresh: str | None = None
    """Where `<meta http-equiv="refresh" content="0; url=…">` sends the reader (a redirect page)."""


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.ids: set[str] = set()
        self.unsafe: list[tuple[int, str]] = []
        self.refresh: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            found = _REFRESH_URL.match(dict(attrs).get("content") or "")
            if found:
                self.refresh = found.group(1).strip()
                self.references.append(Reference(self.refresh, tag, "http-equiv=refresh", line))
        if tag == "script" and not any(n == "src" for n, _ in attrs):
            kind = next((v for n, v in attrs if n == "type"), None) or ""
            if kind.split(";")[0].strip().lower() not in DATA_SCRIPT_TYPES:
                self.unsafe.append((line, "an inline <script>"))
        for name, value in attrs:
            if name.startswith("on"):
                self.unsafe.append((line, f"an inline event handler {name}= on <{tag}>"))
            if value is None:
                continue
            if ((tag, name) in URL_ATTRIBUTES or name == "formaction") and _SCRIPT_URL.match(value):
                self.unsafe.append((line, f"a script URL in <{tag} {name}>"))
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif (tag, name) in URL_ATTRIBUTES or (name.startswith("data-") and name.endswith(DATA_URL_SUFFIXES)):
                if tag == "form" and not value:
                    continue
                self.references.append(Reference(value.strip(), tag, name, line))
            elif name == "srcset" and tag in SRCSET_TAGS:
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.references.append(Reference(url, tag, name, line))

    handle_startendtag = handle_starttag


def parse_page(html: str) -> ParsedPage:
    """Scan one page with the standard library's HTML parser (tolerant, like a browser)."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return ParsedPage(tuple(scanner.references), frozenset(scanner.ids), tuple(scanner.unsafe), scanner.refresh)
