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
