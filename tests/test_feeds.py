"""Feeds: links made absolute, text XML cannot hold dropped, per-language entries."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser

from sitegen.build import BuildOptions, build
from sitegen.render.feeds import absolutize_links

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
    lead = {e.title: e.content[0].value for e in tag_feed.entries}
    assert "Другий абзац тіла статті." in body["Переговори в Брюсселі"]
    assert "абзац тіла" not in lead["Переговори в Брюсселі"]
    assert "<p>Коротко: делегації домовилися &amp; розійшлися.</p>" in lead["Переговори в Брюсселі"]
    assert 'Дивіться також <a href="https://example.org/2026/">архів</a>' in lead["Переговори в Брюсселі"]
    assert 'href="https://example.org/2026/03/a/"' in lead["Переговори в Брюсселі"]  # read the article
    assert lead["Без опису"] == body["Без опису"]  # no lead, no note: nothing shorter than the body
    json_items = json.loads((out / "feed.json").read_text("utf-8"))["items"]
    assert all("тіла статті" in i["content_html"] for i in json_items if i["title"] == "Переговори в Брюсселі")
