"""Rubric and author pages (issue 15): `/rubrics/`, `/rubrics/<slug>/`, `/authors/`, `/authors/<slug>/`.

They are lists like tag pages (the same machinery: pagination, Atom feed, sitemap); an article links
its rubric and every author, and names every author in its JSON-LD. `authors: [..]` lists several;
`author:` stays accepted.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from sitegen.build import BuildOptions, build

CONFIG = 'title: "Дайджест"\nbase_url: "https://example.org/d/"\nper_page: 2\n'


def article(n: int, rubric: str, authors: str) -> str:
    return (
        f'---\ntitle: "Новина {n}"\ndate: 2026-02-{n:02d}T10:00:00+02:00\ncategory: "{rubric}"\n{authors}\n'
        f"tags: [НАТО]\n---\nТекст {n}.\n"
    )


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("groups") / "s"
    pages = {
        1: ("Світ", 'author: "Олена Ткачук"'),
        2: ("Світ", 'authors: ["Олена Ткачук", "Іван Петренко"]'),
        3: ("Світ", 'authors: ["Іван Петренко"]'),
        4: ("В Україні", 'author: "олена ткачук"'),  # another spelling: one author page, named as most write it
        5: ("Світ", ""),
    }
    (site / "seeds" / "2026" / "02").mkdir(parents=True)
    (site / "sitegen.yaml").write_text(CONFIG, "utf-8")
    for n, (rubric, authors) in pages.items():
        (site / "seeds" / "2026" / "02" / f"n{n}.md").write_text(article(n, rubric, authors), "utf-8")
    return Path(build(site, BuildOptions()).out_dir)


def links(html: str, css_class: str) -> list[str]:
    block = re.search(rf'<(?:p|span) class="{css_class}">(.*?)</(?:p|span)>', html, re.S)
    return re.findall(r'<a href="([^"]+)"', block.group(1)) if block else []


def test_groups_rubric_pages_are_paginated_lists_with_a_feed(out: Path) -> None:
    first = (out / "rubrics/svit/index.html").read_text("utf-8")
    assert "<h1>Світ</h1>" in first and '<a href="/d/rubrics/">Рубрика</a>' in first
    assert first.count('class="teaser"') == 2 and "Сторінка 1 з 2" in first
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Дайджест: Світ" href="/d/rubrics/svit/feed.xml">'
        in first
    )
    second = (out / "rubrics/svit/page/2/index.html").read_text("utf-8")
    assert second.count('class="teaser"') == 2 and "Новина 1<" in second
    feed = feedparser.parse((out / "rubrics/svit/feed.xml").read_bytes())
    assert not feed.bozo and [e.title for e in feed.entries] == ["Новина 5", "Новина 3", "Новина 2", "Новина 1"]
    assert feed.feed.link == "https://example.org/d/rubrics/svit/"
    index = (out / "rubrics/index.html").read_text("utf-8")
    assert re.findall(r'<a href="(/d/rubrics/[^"]+)">([^<]+)</a> <span class="count">([^<]+)<', index) == [
        ("/d/rubrics/v-ukraini/", "В Україні", "1 стаття"),
        ("/d/rubrics/svit/", "Світ", "4 статті"),
    ]


def test_groups_author_pages_list_every_article_of_an_author(out: Path) -> None:
    olena = (out / "authors/olena-tkachuk/index.html").read_text("utf-8")
    assert "<h1>Олена Ткачук</h1>" in olena and '<a href="/d/authors/">Автор</a>' in olena
    feed = feedparser.parse((out / "authors/olena-tkachuk/feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Новина 4", "Новина 2", "Новина 1"]
    ivan = feedparser.parse((out / "authors/ivan-petrenko/feed.xml").read_bytes())
    assert [e.title for e in ivan.entries] == ["Новина 3", "Новина 2"]
    index = (out / "authors/index.html").read_text("utf-8")
    assert 'Іван Петренко</a> <span class="count">2 статті' in index and "Олена Ткачук</a>" in index


def test_groups_article_links_its_rubric_and_every_author(out: Path) -> None:
    html = (out / "2026/02/n2/index.html").read_text("utf-8")
    assert links(html, "rubric") == ["/d/rubrics/svit/"]
    assert links(html, "byline") == ["/d/authors/olena-tkachuk/", "/d/authors/ivan-petrenko/"]
    assert '<span class="byline"> · Автори: ' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert data["author"] == [
        {"@type": "Person", "name": "Олена Ткачук", "url": "https://example.org/d/authors/olena-tkachuk/"},
        {"@type": "Person", "name": "Іван Петренко", "url": "https://example.org/d/authors/ivan-petrenko/"},
    ]
    assert data["articleSection"] == "Світ"
    lone = (out / "2026/02/n5/index.html").read_text("utf-8")
    assert 'class="byline"' not in lone and '"author"' not in lone


def test_groups_feeds_name_every_author(out: Path) -> None:
    entry = next(e for e in feedparser.parse((out / "feed.xml").read_bytes()).entries if e.title == "Новина 2")
    assert [a.name for a in entry.authors] == ["Олена Ткачук", "Іван Петренко"]
    item = next(i for i in json.loads((out / "feed.json").read_text("utf-8"))["items"] if i["title"] == "Новина 2")
    assert item["authors"] == [{"name": "Олена Ткачук"}, {"name": "Іван Петренко"}]


def test_groups_are_in_the_sitemap(out: Path) -> None:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = {u.findtext(f"{ns}loc") for u in ET.parse(out / "sitemap.xml").getroot()}
    base = "https://example.org/d/"
    for path in (
        "rubrics/", "rubrics/svit/", "rubrics/svit/page/2/", "rubrics/v-ukraini/",
        "authors/", "authors/olena-tkachuk/", "authors/olena-tkachuk/page/2/", "authors/ivan-petrenko/",
    ):  # fmt: skip
        assert base + path in locs, path
