"""Feeds: links made absolute, text XML cannot hold dropped, per-language entries."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import feedparser

from sitegen import __version__
from sitegen.build import BuildOptions, build, load_site
from sitegen.render.feeds import ATOM_NS, EPOCH, MEDIA_NS, FeedEntry, FeedImage, _clean, absolutize_links, render_atom

PAGE = """\
-- seeds/2026/03/a.md --
---
title: "Стаття з посиланнями\\u0007"
date: 2026-03-30T10:00:00+03:00
summary: "Опис\\u0000 з керівним символом"
tags: [Тест]
lang: en
---
See [the other one](../b/) and [the archive](/2026/) or [mail](mailto:ed@example.org) and [#](#part).
"""


def test_feeds_absolutize_links_resolves_against_the_article() -> None:
    html = '<a href="../x/?a=1&amp;b=2">x</a><img src="p.jpg" alt=""><a href="https://e.org/">e</a>'
    assert absolutize_links(html, "https://example.org/d/2026/02/p/") == (
        '<a href="https://example.org/d/2026/02/x/?a=1&amp;b=2">x</a>'
        '<img src="https://example.org/d/2026/02/p/p.jpg" alt=""><a href="https://e.org/">e</a>'
    )


def test_feeds_content_links_and_control_characters(make_site) -> None:  # type: ignore[no-untyped-def]
    site: Path = make_site(PAGE)
    out = build(site, BuildOptions()).out_dir
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    (entry,) = feed.entries
    assert entry.title == "Стаття з посиланнями"
    assert entry.summary == "Опис з керівним символом"
    content = entry.content[0].value
    assert 'href="https://example.org/2026/03/b/"' in content
    assert 'href="https://example.org/2026/"' in content
    assert 'href="mailto:ed@example.org"' in content
    assert 'href="https://example.org/2026/03/a/#part"' in content
    item = json.loads((out / "feed.json").read_text("utf-8"))["items"][0]
    assert item["language"] == "en"
    assert 'href="https://example.org/2026/03/b/"' in item["content_html"]
    tag_feed = feedparser.parse((out / "tags" / "test" / "feed.xml").read_bytes())
    assert not tag_feed.bozo and [e.link for e in tag_feed.entries] == [entry.link]


LEADS = """\
-- seeds/2026/03/a.md --
---
title: "Переговори в Брюсселі"
date: 2026-03-30T10:00:00+03:00
summary: "Коротко: делегації домовилися & розійшлися."
curator_note: "Дивіться також [архів](/2026/)."
tags: [НАТО]
---
Перший абзац тіла статті.

Другий абзац тіла статті.
-- seeds/2026/03/c.md --
---
title: "Лише лід"
date: 2026-03-28T10:00:00+03:00
summary: "Лід без нотатки."
tags: [НАТО]
---
Тіло з лідом, але без нотатки.
-- seeds/2026/03/b.md --
---
title: "Без опису"
date: 2026-03-29T10:00:00+03:00
tags: [НАТО]
---
Тіло без опису.
"""


def test_feeds_tag_feeds_carry_the_lead_and_note_site_feed_the_body(make_site) -> None:  # type: ignore[no-untyped-def]
    out = build(make_site(LEADS), BuildOptions()).out_dir
    site_feed = feedparser.parse((out / "feed.xml").read_bytes())
    tag_feed = feedparser.parse((out / "tags" / "nato" / "feed.xml").read_bytes())
    assert not site_feed.bozo and not tag_feed.bozo
    body = {e.title: e.content[0].value for e in site_feed.entries}
    lead = {e.title: e.content[0].value for e in tag_feed.entries if "content" in e}
    assert "Другий абзац тіла статті." in body["Переговори в Брюсселі"]
    assert "абзац тіла" not in lead["Переговори в Брюсселі"]
    assert "<p>Коротко: делегації домовилися &amp; розійшлися.</p>" in lead["Переговори в Брюсселі"]
    assert 'Дивіться також <a href="https://example.org/2026/">архів</a>' in lead["Переговори в Брюсселі"]
    assert 'href="https://example.org/2026/03/a/"' in lead["Переговори в Брюсселі"]  # read the article
    assert lead["Без опису"] == body["Без опису"]  # no lead, no note: nothing shorter than the body
    # A lead and no note: the summary alone, no content repeating it (issue 18); the link reads the story.
    (only_lead,) = [e for e in tag_feed.entries if e.title == "Лише лід"]
    assert "content" not in only_lead and only_lead.summary == "Лід без нотатки."
    assert only_lead.link == "https://example.org/2026/03/c/"
    assert "Тіло з лідом" in body["Лише лід"]
    json_items = json.loads((out / "feed.json").read_text("utf-8"))["items"]
    assert all("тіла статті" in i["content_html"] for i in json_items if i["title"] == "Переговори в Брюсселі")


def _reference_atom(site, entries, *, out_path, title, page_url) -> bytes:  # type: ignore[no-untyped-def]
    """The ElementTree serializer `render_atom` replaced (issue 18): its bytes are the contract."""
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("media", MEDIA_NS)

    def text(parent, tag, value):  # type: ignore[no-untyped-def]
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
        element.text = _clean(value)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": site.config.language})
    text(feed, "title", title)
    if site.config.description:
        text(feed, "subtitle", site.config.description)
    self_url = site.absolute_url(site.config.base_path + out_path)
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"href": self_url, "rel": "self", "type": "application/atom+xml"})
    alternate = {"href": site.absolute_url(page_url), "rel": "alternate", "type": "text/html"}
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", alternate)
    text(feed, "id", self_url)
    text(feed, "updated", max((e.updated for e in entries), key=str) if entries else EPOCH)
    text(ET.SubElement(feed, f"{{{ATOM_NS}}}author"), "name", site.config.publisher)
    text(feed, "generator", "sitegen").set("version", __version__)
    for e in entries:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        text(entry, "title", e.title)
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"href": e.url})  # (rel="alternate" is Atom's default)
        text(entry, "id", e.url)
        if e.published != e.updated:
            text(entry, "published", e.published)
        text(entry, "updated", e.updated)
        for name in e.authors:
            text(ET.SubElement(entry, f"{{{ATOM_NS}}}author"), "name", name)
        for tag in e.tags:
            ET.SubElement(entry, f"{{{ATOM_NS}}}category", {"term": _clean(tag)})
        if e.summary:
            text(entry, "summary", e.summary)  # (type="text" is Atom's default)
        if e.content_html:
            text(entry, "content", e.content_html).set("type", "html")
        if e.image:
            attrs = {"url": e.image.url, "medium": "image", "type": e.image.mime}
            attrs |= {"width": str(e.image.width), "height": str(e.image.height)}
            ET.SubElement(entry, f"{{{MEDIA_NS}}}content", attrs)
    ET.indent(feed, space="")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def test_feeds_atom_text_serializer_matches_elementtree(make_site) -> None:  # type: ignore[no-untyped-def]
    _, site = load_site(make_site(PAGE), BuildOptions())
    plain = FeedEntry(
        title='А & Б <i>"в"</i>\u0007',
        url='https://example.org/2026/03/a/?x=1&y="2"',
        published="2026-03-30T10:00:00+03:00",
        updated="2026-03-31T10:00:00+03:00",
        authors=("Олена", "Ігор > Петро"),
        summary="Опис\tз табуляцією\nі рядком",
        content_html="<p>тіло &amp; ще</p>\n<p>second</p>",
        tags=("НАТО", 'теги "в лапках"\u0000'),
        lang="uk",
    )
    odd = replace(plain, title="\u0007", summary=None, authors=(), tags=(), content_html="")
    pictured = replace(plain, image=FeedImage("https://example.org/m/a b.jpg?w=1&h=2", "image/jpeg", 800, 600))
    cases = [[], [plain], [plain, odd], [odd, pictured, plain]]
    for entries in cases:
        kwargs = {"out_path": "tags/x/feed.xml", "title": "Сайт: <x> & \u0001", "page_url": "/tags/x/"}
        assert render_atom(site, entries, **kwargs).data == _reference_atom(site, entries, **kwargs)


def test_feeds_drop_exactly_what_xml_cannot_hold() -> None:
    """`_clean`'s class is the complement of XML 1.0's `Char` production, on every code point."""
    import re

    from sitegen.render.feeds import _NOT_XML

    xml_char = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    every = "".join(map(chr, [*range(0x10000), *range(0x10000, 0x110000, 0xFF), 0x10FFFF]))  # (planes 1-16: all Char)
    assert _NOT_XML.sub("", every) == xml_char.sub("", every)
    assert len(_NOT_XML.sub("", every)) == len(every) - 29 - 2048 - 2
