"""`check`'s page scanner reads a page as the standard library's `HTMLParser` did (the oracle here), only faster."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.check.html import (
    _REFRESH_URL,
    DATA_SCRIPT_TYPES,
    DATA_URL_SUFFIXES,
    SRCSET_TAGS,
    URL_ATTRIBUTES,
    ParsedPage,
    Reference,
    parse_page,
)

GOLDEN = Path(__file__).resolve().parent / "golden" / "basic" / "site"
_SCRIPT_URL = re.compile(r"\s*((javascript|vbscript)\s*:|data\s*:\s*text/html)", re.IGNORECASE)


class Oracle(HTMLParser):
    """The scanner `check` used before: html.parser, tolerant like a browser, but slow on thousands of pages."""

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


def oracle(text: str) -> ParsedPage:
    scanner = Oracle()
    scanner.feed(text)
    scanner.close()
    return ParsedPage(tuple(scanner.references), frozenset(scanner.ids), tuple(scanner.unsafe), scanner.refresh)


TRICKY = """\
<!DOCTYPE html>
<html lang="uk"><head><title>Заголовок</title>
<meta http-equiv="refresh" content="0; url=/digest/2026/02/nova-adresa/">
<script type="application/ld+json">{"url": "<a href='/not-a-link/'>"}</script>
<style>a > b { color: red; }</style>
<script>document.write('<img src="/not-an-image.png">')</script>
</head>
<body class="x">
<!-- <a href="/commented-out/"> -->
<A HREF="/upper/" ID="Up">upper</A>
<a title="a > b" href="/after-gt/?a=1&amp;b=2&#x41;">q</a>
<a href='/single/' name=anchor>single</a>
<img src=/bare.png alt=x><img src="/self.png"/><br/>
<img srcset="/a.png 1x, /b.png 2x" src="/a.png"
     alt="multi
line">
<form action=""></form><form action="/search/"><button formaction="javascript:x()">b</button></form>
<div data-index-url="/search/index.json" data-other="/no/" onclick="x()"></div>
<a href="javascript:alert(1)">js</a><a href=" /spaced/ ">s</a>
<iframe src="/frame/"></iframe><video src="/v.mp4" poster="/p.png"></video>
<section id="розділ"><a href="#розділ">якір</a></section>
</body></html>
"""


def test_scanner_reads_tricky_markup_as_html_parser_did() -> None:
    assert parse_page(TRICKY) == oracle(TRICKY)
    found = {r.url for r in parse_page(TRICKY).references}
    assert "/after-gt/?a=1&b=2A" in found and "/upper/" in found and "/bare.png" in found
    assert not found & {"/not-a-link/", "/not-an-image.png", "/commented-out/"}


def test_scanner_reads_the_golden_site_as_html_parser_did() -> None:
    pages = sorted(GOLDEN.rglob("*.html"))
    assert len(pages) >= 15
    for page in pages:
        text = page.read_text("utf-8")
        assert parse_page(text) == oracle(text), page


@pytest.mark.parametrize("element", ["textarea", "title"])
def test_scanner_finds_no_tags_in_escapable_raw_text(element: str) -> None:
    # Browsers read no tags here (HTMLParser did, and so found links no reader can follow).
    page = parse_page(f'<{element}><a href="/no/">x</a></{element}><a href="/yes/">y</a>')
    assert [r.url for r in page.references] == ["/yes/"]


def test_scanner_survives_unclosed_markup() -> None:
    assert parse_page('<a href="/x/">ok</a><!-- never closed <a href="/y/">').references[0].url == "/x/"
    assert [r.url for r in parse_page('<script>var a = "<a href=/z/>";').references] == []
