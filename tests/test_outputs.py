"""The built example digest, read the way its consumers read it: feed readers, crawlers, browsers' parsers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from sitegen.build import BuildOptions, build
from tests.conftest import copy_seed_site

BASE = "https://example.org/digest/"
NEWER = "2026/02/perehovory-z-kremlem-hensek-nato-vidpoviv-chy-pidtrymuie-vidnovlennia-kontaktiv/"
OLDER = "2026/02/nato-mozhe-staty-tylom-dlia-myrotvortsiv-v-ukraini-pidsumky-zustrichi-u/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
GROUPS = ("tags", "rubrics", "authors")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_seed_site(tmp_path_factory.mktemp("seed") / "s")
    result = build(site, BuildOptions())
    return result.out_dir


class Page(HTMLParser):
    """What the tests need of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.start: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.h1 = 0
        self.title = ""
        self._in: str | None = None
        self._script_attrs: dict[str, str | None] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start.append((tag, dict(attrs)))
        self.h1 += tag == "h1"
        if tag in ("script", "title"):
            self._in, self._script_attrs = tag, dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts.append((self._script_attrs, data))

    def attrs(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.start if t == tag]

    def meta(self, key: str) -> str | None:
        for a in self.attrs("meta"):
            if a.get("property") == key or a.get("name") == key:
                return a.get("content")
        return None


def html_pages(out: Path) -> dict[str, Page]:
    return {p.relative_to(out).as_posix(): Page(p.read_text("utf-8")) for p in sorted(out.rglob("*.html"))}


def local_file(out: Path, url: str) -> Path:
    path = urlsplit(url).path
    assert path.startswith("/digest/"), url
    rel = path.removeprefix("/digest/")
    return out / rel / "index.html" if rel == "" or rel.endswith("/") else out / rel


def test_outputs_every_url_of_issue_3_exists(out: Path) -> None:
    for rel in [
        "index.html",
        NEWER + "index.html",
        OLDER + "index.html",
        "tags/index.html",
        "tags/nato/index.html",
        "tags/nato/feed.xml",
        "feed.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ]:
        assert (out / rel).is_file(), rel


def test_outputs_atom_feed_parses_with_feedparser(out: Path) -> None:
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Дайджест: Україна і світ"
    assert [e.link for e in feed.entries] == [BASE + NEWER, BASE + OLDER]
    newer = feed.entries[0]
    assert newer.title.startswith("Переговори з Кремлем?")
    assert newer.author == "Валерій Ульяненко"
    assert [t.term for t in newer.tags] == ["НАТО", "Франція", "Росія"]
    # Never updated: its date is `<updated>` alone (no `<published>` repeating it, issue 18).
    assert newer.updated == "2026-02-12T18:10:00+02:00" and "published" not in newer
    assert tuple(newer.updated_parsed)[:5] == (2026, 2, 12, 16, 10)  # feedparser normalises to UTC
    assert "Макрон і переговори з Путіним" in newer.content[0].value
    assert feed.feed.updated == "2026-02-12T18:10:00+02:00"


def test_outputs_tag_feeds_list_the_tagged_articles(out: Path) -> None:
    counts = {}
    for path in sorted((out / "tags").glob("*/feed.xml")):
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, path
        counts[path.parent.name] = len(feed.entries)
        for entry in feed.entries:
            assert (local_file(out, entry.link)).is_file()
    assert counts == {"nato": 2, "ukraina": 1, "viina": 1, "belhiia": 1, "frantsiia": 1, "rosiia": 1}


def test_outputs_json_feed_is_version_1_1(out: Path) -> None:
    data = json.loads((out / "feed.json").read_text("utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "feed.json" and data["home_page_url"] == BASE
    assert [i["url"] for i in data["items"]] == [BASE + NEWER, BASE + OLDER]
    item = data["items"][0]
    assert item["id"] == item["url"] and item["date_published"] == "2026-02-12T18:10:00+02:00"
    assert item["tags"] == ["НАТО", "Франція", "Росія"] and item["language"] == "uk"
    assert item["content_html"].startswith(f'<figure><img src="{item["image"]}"')  # the lead photo heads it
    assert "<figcaption>Пресконференція в штаб-квартирі НАТО у Брюсселі" in item["content_html"]
    # JSON Feed 1.1: every item needs an id and content_html or content_text; the feed needs a title.
    assert data["title"] and all(i["id"] and (i.get("content_html") or i.get("content_text")) for i in data["items"])


def test_outputs_feed_content_links_are_absolute(out: Path) -> None:
    atom = [e.content[0].value for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]
    json_feed = [i["content_html"] for i in json.loads((out / "feed.json").read_text("utf-8"))["items"]]
    for content in atom + json_feed:
        for a in Page(content).attrs("a"):
            assert (a["href"] or "").startswith(("https://", "http://", "mailto:")), a


def test_outputs_sitemap_lists_every_page_and_nothing_else(out: Path) -> None:
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    locs = [u.findtext(f"{SM}loc") or "" for u in root]
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(BASE) for loc in locs)
    assert all(local_file(out, loc).is_file() for loc in locs)
    curation = {"editions/", "editions/2026-w06/", "editions/2026-w07/", "archive/", "2026/", "2026/02/"}
    expected = (
        {BASE, BASE + "tags/", BASE + "rubrics/", BASE + "authors/", BASE + NEWER, BASE + OLDER}
        | {BASE + u for u in curation}
        | {BASE + f"{kind}/{p.parent.name}/" for kind in GROUPS for p in (out / kind).glob("*/index.html")}
    )
    assert set(locs) == expected
    lastmods = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root}
    assert lastmods[BASE + NEWER] == "2026-02-12T18:10:00+02:00"


def test_outputs_robots_points_to_the_sitemap(out: Path) -> None:
    assert f"Sitemap: {BASE}sitemap.xml" in (out / "robots.txt").read_text("utf-8").splitlines()


def test_outputs_html_pages_are_well_formed_and_linked(out: Path) -> None:
    pages = html_pages(out)
    # 11 of issue 3 + /editions/, 2 editions, /archive/, /2026/, /2026/02/, /search/, /rubrics/ and 2 rubrics,
    # /authors/ and 1 author
    assert len(pages) == 23
    for rel, page in pages.items():
        (html,) = page.attrs("html")
        assert html["lang"] == "uk", rel
        assert page.title.strip(), rel
        assert page.h1 == 1, rel
        assert page.meta("Content-Security-Policy") is None  # http-equiv, checked below
        csp = [a for a in page.attrs("meta") if a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "script-src 'self'" in (csp[0]["content"] or ""), rel
        for attrs, _ in page.scripts:
            assert attrs.get("type") == "application/ld+json" or attrs.get("src"), f"inline script in {rel}"
        for tag in page.start:
            assert not any(name.startswith("on") for name in tag[1]), f"event handler attribute in {rel}"
        for a in page.attrs("a") + page.attrs("link"):
            href = a.get("href") or ""
            if href.startswith("/"):
                target = local_file(out, href.split("#")[0])
                assert target.is_file(), f"{rel}: broken link {href}"
        ids = [a["id"] for _, a in page.start if a.get("id")]
        assert len(ids) == len(set(ids)), f"duplicate id in {rel}"


def test_outputs_article_has_open_graph_and_json_ld(out: Path) -> None:
    page = Page((out / NEWER / "index.html").read_text("utf-8"))
    assert page.meta("og:type") == "article"
    assert page.meta("og:url") == BASE + NEWER
    assert page.meta("og:locale") == "uk_UA"
    assert page.meta("article:published_time") == "2026-02-12T18:10:00+02:00"
    ((attrs, text),) = [s for s in page.scripts if s[0].get("type") == "application/ld+json"]
    data = json.loads(text)
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("Переговори з Кремлем?")
    assert data["datePublished"] == "2026-02-12T18:10:00+02:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Валерій Ульяненко", "url": BASE + "authors/valerii-ulianenko/"}
    ]
    assert data["inLanguage"] == "uk"
    assert "</" not in text  # tojson escapes <, > and & so the script cannot be closed early


def test_outputs_dates_are_in_ukrainian(out: Path) -> None:
    article = (out / NEWER / "index.html").read_text("utf-8")
    assert ">12 лютого 2026, 18:10</time>" in article
    home = (out / "index.html").read_text("utf-8")
    assert ">2 лютого 2026</time>" in home


def test_outputs_urls_are_ascii(out: Path) -> None:
    for path in out.rglob("*"):
        assert path.relative_to(out).as_posix().isascii(), path


def test_outputs_tag_index_counts_with_ukrainian_plurals(out: Path) -> None:
    text = (out / "tags" / "index.html").read_text("utf-8")
    assert '<a href="/digest/tags/nato/">НАТО</a> <span class="count">2 статті</span>' in text
    assert '<a href="/digest/tags/belhiia/">Бельгія</a> <span class="count">1 стаття</span>' in text
