"""Sharing cards on every page type (Open Graph, Twitter), the site's default picture, and `updated:`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from sitegen.build import build
from sitegen.errors import SitegenError
from tests.conftest import copy_seed_site

ARTICLE = "2026/02/perehovory-z-kremlem-hensek-nato-vidpoviv-chy-pidtrymuie-vidnovlennia-kontaktiv/index.html"
PAGE_KINDS = {
    "home": "index.html",
    "article": ARTICLE,
    "tags": "tags/index.html",
    "tag": "tags/nato/index.html",
    "rubrics": "rubrics/index.html",
    "rubric": "rubrics/svit/index.html",
    "authors": "authors/index.html",
    "author": "authors/valerii-ulianenko/index.html",
    "editions": "editions/index.html",
    "edition": "editions/2026-w07/index.html",
    "archive": "archive/index.html",
    "year": "2026/index.html",
    "month": "2026/02/index.html",
    "search": "search/index.html",
    "404": "404.html",
}


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        key = a.get("property") or a.get("name")
        if tag == "meta" and key and (key.startswith(("og:", "twitter:", "article:"))):
            self.tags.append((key, a.get("content") or ""))


def meta_tags(path: Path) -> dict[str, list[str]]:
    parser = _Meta()
    parser.feed(path.read_text("utf-8"))
    found: dict[str, list[str]] = {}
    for key, value in parser.tags:
        found.setdefault(key, []).append(value)
    return found


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_seed_site(tmp_path_factory.mktemp("sharing") / "s")).out_dir


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_sharing_every_page_type_has_open_graph_and_a_large_twitter_card(seed_out: Path, kind: str) -> None:
    tags = meta_tags(seed_out / PAGE_KINDS[kind])
    for key in ("og:type", "og:title", "og:url", "og:site_name", "og:locale", "og:image", "twitter:card"):
        assert len(tags.get(key, [])) == 1, (kind, key)
    assert tags["og:locale"] == ["uk_UA"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:image:width"] == ["1200"] and tags["og:image:height"] == ["630"]
    assert tags["og:image"][0].startswith("https://example.org/digest/media/")
    assert (seed_out / tags["og:image"][0].removeprefix("https://example.org/digest/")).is_file()
    assert tags["twitter:image"] == tags["og:image"]
    if kind == "article":
        assert tags["og:type"] == ["article"]
        assert re.fullmatch(r".*/media/rutte-presskonferentsiia\.\w{10}\.card\.jpg", tags["og:image"][0])
        assert tags["article:published_time"] == ["2026-02-12T18:10:00+02:00"]
        assert tags["article:section"] == ["Світ"]
        assert tags["article:tag"] == ["НАТО", "Франція", "Росія"]
    else:
        assert tags["og:type"] == ["website"]
        assert re.fullmatch(r".*/media/digest-card\.\w{10}\.card\.jpg", tags["og:image"][0])


def test_sharing_without_any_picture_is_a_summary_card(make_site) -> None:
    site = make_site("-- seeds/a.md --\n---\ntitle: Без фото\ndate: 2026-02-12T18:10:00+02:00\nslug: a\n---\nТекст.\n")
    out = build(site).out_dir
    for rel in ("index.html", "2026/02/a/index.html"):
        tags = meta_tags(out / rel)
        assert tags["twitter:card"] == ["summary"] and "og:image" not in tags


def test_sharing_a_child_template_cannot_drop_the_cards(make_site) -> None:
    site = make_site(
        "-- seeds/a.md --\n---\ntitle: Тест\ndate: 2026-02-12T18:10:00+02:00\nslug: a\n---\nТекст.\n"
        "-- themes/mine/templates/article.html --\n"
        '{% extends "base.html" %}{% block head %}{% endblock %}'
        "{% block main %}<h1>{{ article.title }}</h1>{% endblock %}\n"
    )
    (site / "sitegen.yaml").write_text((site / "sitegen.yaml").read_text("utf-8") + "theme: mine\n", "utf-8")
    html = (build(site).out_dir / "2026/02/a/index.html").read_text("utf-8")
    assert '<meta property="og:title" content="Тест">' in html and '"@type":"NewsArticle"' in html


def test_sharing_updated_is_shown_and_reaches_feeds(make_site) -> None:
    site = make_site(
        "-- seeds/a.md --\n---\ntitle: Оновлена\ndate: 2026-02-12T18:10:00+02:00\n"
        "updated: 2026-02-13T09:30:00+02:00\nslug: a\n---\nТекст.\n"
        "-- seeds/b.md --\n---\ntitle: Інша\ndate: 2026-02-11T18:10:00+02:00\nslug: b\n---\nТекст.\n"
    )
    out = build(site).out_dir
    html = (out / "2026/02/a/index.html").read_text("utf-8")
    assert (
        '<span class="updated"> · Оновлено <time datetime="2026-02-13T09:30:00+02:00">13 лютого 2026, 09:30</time>'
        in html
    )
    assert meta_tags(out / "2026/02/a/index.html")["article:modified_time"] == ["2026-02-13T09:30:00+02:00"]
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html).group(1))  # type: ignore[union-attr]
    assert data["dateModified"] == "2026-02-13T09:30:00+02:00" and data["datePublished"] == "2026-02-12T18:10:00+02:00"
    atom = feedparser.parse((out / "feed.xml").read_bytes())
    assert atom.feed.updated == "2026-02-13T09:30:00+02:00"
    assert [e.updated for e in atom.entries] == ["2026-02-13T09:30:00+02:00", "2026-02-11T18:10:00+02:00"]
    items = json.loads((out / "feed.json").read_text("utf-8"))["items"]
    assert items[0]["date_modified"] == "2026-02-13T09:30:00+02:00" and "date_modified" not in items[1]


def test_sharing_updated_before_the_date_is_an_error(make_site) -> None:
    site = make_site(
        "-- seeds/a.md --\n---\ntitle: Т\ndate: 2026-02-12T18:10:00+02:00\nupdated: 2026-02-11T09:30:00+02:00\n---\n"
    )
    with pytest.raises(SitegenError) as caught:
        build(site)
    assert caught.value.format().startswith(
        "seeds/a.md:4: updated: 2026-02-11T09:30:00+02:00 is before the date of the page (an update comes after `date`)"
    )


def test_sharing_default_image_that_is_missing_is_a_config_error_at_its_line(make_site) -> None:
    site = make_site("-- seeds/a.md --\n---\ntitle: Т\ndate: 2026-02-12T18:10:00+02:00\n---\n")
    (site / "sitegen.yaml").write_text((site / "sitegen.yaml").read_text("utf-8") + "image: media/card.png\n", "utf-8")
    with pytest.raises(SitegenError) as caught:
        build(site)
    assert caught.value.format() == (
        "sitegen.yaml:5: image: no image file media/card.png (looked for media/card.png) "
        "(check the file name, or add the file)"
    )
