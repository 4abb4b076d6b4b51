"""What `check` reads from a built HTML page: the URLs it references and the ids it offers as anchors."""

from __future__ import annotations

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
    """The references and anchor ids of one built HTML page."""

    references: tuple[Reference, ...]
    ids: frozenset[str]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif (tag, name) in URL_ATTRIBUTES:
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
    return ParsedPage(tuple(scanner.references), frozenset(scanner.ids))
