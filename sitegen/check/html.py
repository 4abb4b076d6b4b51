"""What `check` reads from a built HTML page: the URLs it references and the ids it offers as anchors."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import NamedTuple

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


class Reference(NamedTuple):
    """One URL in a page: where it is and what refers to it (a tuple: a large site has 100,000s of them)."""

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


# A start tag with attributes (they may quote `>`), a raw text element's bare start tag, or markup that
# holds no tags: comments, doctype, CDATA. Bare tags (`<p>`, `<li>`) hold nothing `check` reads: the
# search skips them without a step of Python per tag, which was most of the scanner's time.
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[!?][^>]*>"
    r"|<([a-zA-Z][^\s/>]*)([\s/](?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    r"|<((?i:script|style|textarea|title))>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_URL_TAGS = frozenset(tag for tag, _ in URL_ATTRIBUTES) | {"script", "meta"}
_NOTEWORTHY = re.compile(r"(?:^|[\s/\"'])(?:id|on|data-|formaction|http-equiv)", re.IGNORECASE)
"""In any other tag, only these attributes matter (ids, handlers, data URLs): a tag without them is skipped."""
RAW_TEXT = frozenset({"script", "style", "textarea", "title"})
"""Elements whose content is text, never tags (HTML's raw and escapable raw text elements)."""


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """(lower-case name, value with character references undone, or None) of each attribute."""
    found: list[tuple[str, str | None]] = []
    for match in _ATTRIBUTE.finditer(text):
        name, double, single, bare = match.groups()
        value = double if double is not None else single if single is not None else bare
        if value is not None and "&" in value:
            value = html.unescape(value)
        found.append((name.lower(), value))
    return found


@dataclass(frozen=True, slots=True)
class _TagFindings:
    """What one start tag holds, wherever it stands: (url, tag, attribute) references, ids, inline script."""

    references: tuple[tuple[str, str, str], ...] = ()
    ids: tuple[str, ...] = ()
    unsafe: tuple[str, ...] = ()
    refresh: str | None = None


_NOTHING = _TagFindings()
_SEEN: dict[str, _TagFindings] = {}
"""Findings by the start tag's text: the theme's tags (navigation, stylesheets, teasers of the same
articles on every list) repeat across pages, and each is read once."""
SEEN_MAX = 200_000
"""Tags remembered at most (then forgotten all at once)."""


def _scan_tag(tag: str, attrs: list[tuple[str, str | None]]) -> _TagFindings:
    """One start tag's references, ids and inline script, and where a refresh `<meta>` sends to."""
    references: list[tuple[str, str, str]] = []
    ids: list[str] = []
    unsafe: list[str] = []
    refresh = None
    if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
        found = _REFRESH_URL.match(dict(attrs).get("content") or "")
        if found:
            refresh = found.group(1).strip()
            references.append((refresh, tag, "http-equiv=refresh"))
    if tag == "script" and not any(n == "src" for n, _ in attrs):
        kind = next((v for n, v in attrs if n == "type"), None) or ""
        if kind.split(";")[0].strip().lower() not in DATA_SCRIPT_TYPES:
            unsafe.append("an inline <script>")
    for name, value in attrs:
        if name.startswith("on"):
            unsafe.append(f"an inline event handler {name}= on <{tag}>")
        if value is None:
            continue
        if ((tag, name) in URL_ATTRIBUTES or name == "formaction") and _SCRIPT_URL.match(value):
            unsafe.append(f"a script URL in <{tag} {name}>")
        if name == "id" or (name == "name" and tag == "a"):
            ids.append(value)
        elif (tag, name) in URL_ATTRIBUTES or (name.startswith("data-") and name.endswith(DATA_URL_SUFFIXES)):
            if tag == "form" and not value:
                continue
            references.append((value.strip(), tag, name))
        elif name == "srcset" and tag in SRCSET_TAGS:
            for candidate in value.split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    references.append((url, tag, name))
    if not (references or ids or unsafe or refresh is not None):
        return _NOTHING
    return _TagFindings(tuple(references), tuple(ids), tuple(unsafe), refresh)


def _tag_findings(tag: str, written: str, whole: str) -> _TagFindings:
    """`_scan_tag` of a start tag (`whole`, its name in lower case and its attributes' text), remembered."""
    found = _SEEN.get(whole)
    if found is None:
        attrs = _attributes(written) if written and (tag in _URL_TAGS or _NOTEWORTHY.search(written)) else []
        found = _scan_tag(tag, attrs) if attrs or tag == "script" else _NOTHING
        if len(_SEEN) >= SEEN_MAX:
            _SEEN.clear()
        _SEEN[whole] = found
    return found


def parse_page(text: str) -> ParsedPage:
    """Scan one page's start tags for URLs, ids and inline script.

    A regular-expression scanner, twice as fast as the standard library's `HTMLParser` (which took
    two thirds of `check` on a large site), with the same reading: attribute names
    in lower case, character references in values undone, no tags inside comments or inside the
    text of `script`, `style`, `textarea` and `title`. Lines are counted only where a finding needs one.
    """
    references: list[Reference] = []
    ids: set[str] = set()
    unsafe: list[tuple[int, str]] = []
    pos = line = counted = 0
    refresh: str | None = None
    while True:
        match = _MARKUP.search(text, pos)
        if match is None:
            break
        pos = match.end()
        tag = match.group(1) or match.group(3)
        if tag is None:
            continue
        tag = tag.lower()
        whole = match.group(0)
        found = _tag_findings(tag, match.group(2) or "", whole)
        if found is not _NOTHING:
            line += text.count("\n", counted, match.start())  # matches come in order: count each stretch once
            counted = match.start()
            references += [Reference(url, name, attr, line + 1) for url, name, attr in found.references]
            ids.update(found.ids)
            unsafe += [(line + 1, what) for what in found.unsafe]
            refresh = found.refresh or refresh
        if tag in RAW_TEXT and not whole.endswith("/>"):
            end = re.compile(rf"</{tag}[\s/>]", re.IGNORECASE).search(text, pos)
            pos = end.start() if end else len(text)
    return ParsedPage(tuple(references), frozenset(ids), tuple(unsafe), refresh)
