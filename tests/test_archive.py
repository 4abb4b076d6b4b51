"""The date archive (month cases, plural counts, pagination) and language-aware reading time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from sitegen.render.reading import CYRILLIC_WPM, LATIN_WPM, reading_minutes, word_counts
from sitegen.render.strings import Strings
from tests.test_editions import main_outline

COUNTS = {1: 1, 2: 3, 3: 5, 4: 11, 5: 21, 6: 22}
"""Month -> how many articles it gets: every Ukrainian plural form, including 11 (many) and 21 (one)."""


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("archive") / "s"
    (site / "seeds").mkdir(parents=True)
    (site / "sitegen.yaml").write_text(
        'title: "Архів"\nbase_url: "https://example.org/"\nper_page: 10\n', encoding="utf-8"
    )
    for month, count in COUNTS.items():
        for i in range(count):
            day = 1 + i % 27
            (site / "seeds" / f"m{month}-{i}.md").write_text(
                f'---\ntitle: "Новина {month}-{i}"\ndate: 2026-{month:02d}-{day:02d}T{8 + i % 12:02d}:00:00+02:00\n'
                f"slug: n{month}-{i}\n---\nТекст.\n",
                encoding="utf-8",
            )
    (site / "seeds" / "old.md").write_text(
        '---\ntitle: "Торішня"\ndate: 2025-12-31T23:30:00+02:00\n---\nТекст.\n', encoding="utf-8"
    )
    return build(site, BuildOptions()).out_dir


def test_archive_index_lists_years_and_months_with_plural_counts(out: Path) -> None:
    html = (out / "archive" / "index.html").read_text("utf-8")
    expected = {
        "січень": "1 стаття",
        "лютий": "3 статті",
        "березень": "5 статей",
        "квітень": "11 статей",
        "травень": "21 стаття",
        "червень": "22 статті",
    }
    for month, (name, count) in enumerate(expected.items(), 1):
        assert f'<li><a href="/2026/{month:02d}/">{name}</a> <span class="count">{count}</span></li>' in html
    assert '<a href="/2026/">2026</a> <span class="count">63 статті</span>' in html
    assert '<a href="/2025/">2025</a> <span class="count">1 стаття</span>' in html
    assert html.index("червень") < html.index("січень") < html.index('href="/2025/"')  # newest first


def test_archive_year_page_names_months_in_the_nominative(out: Path) -> None:
    html = (out / "2026" / "index.html").read_text("utf-8")
    assert '<li><a href="/2026/02/">лютий 2026</a> <span class="count">3 статті</span></li>' in html
    assert '<a class="nav-older" href="/2025/" rel="prev">' in html


def test_archive_month_page_heading_nominative_days_genitive(out: Path) -> None:
    outline = main_outline(out / "2026" / "02" / "index.html")
    assert outline == [
        ("h1", "лютий 2026"),
        ("h2", "3 лютого 2026"),
        ("h2", "2 лютого 2026"),
        ("h2", "1 лютого 2026"),
    ]  # under each day, its titles and times (no teasers, issue 18)
    html = (out / "2026" / "02" / "index.html").read_text("utf-8")
    assert '<p class="page-meta">3 статті</p>' in html
    time = '<time class="meta" datetime="2026-02-03T10:00:00+02:00">10:00</time>'
    assert f'<a href="/2026/02/n2-2/">Новина 2-2</a> {time}' in html  # the day is the heading
    assert 'href="/2026/01/" rel="prev"><span class="nav-label">Попередній місяць</span> січень 2026</a>' in html
    assert 'href="/2026/03/" rel="next"><span class="nav-label">Наступний місяць</span> березень 2026</a>' in html


def test_archive_month_pages_are_paginated(out: Path) -> None:
    june = out / "2026" / "06"
    pages = sorted(p.relative_to(june).as_posix() for p in june.rglob("index.html") if "/n6-" not in p.as_posix())
    assert pages == ["index.html", "page/2/index.html", "page/3/index.html"]
    last = (june / "page" / "3" / "index.html").read_text("utf-8")
    assert "<title>червень 2026 — Сторінка 3 з 3 — Архів</title>" in last
    assert last.count('<time class="meta"') == 2  # 22 articles, 10 a page
    assert '<a class="page-prev" href="/2026/06/page/2/" rel="prev">' in last


def test_archive_article_at_new_year_kyiv_midnight_goes_to_its_kyiv_month(out: Path) -> None:
    assert (out / "2025" / "12" / "index.html").is_file()
    assert "31 грудня 2025" in (out / "2025" / "12" / "index.html").read_text("utf-8")


def test_archive_pages_are_in_the_sitemap(out: Path) -> None:
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    for url in ("archive/", "2026/", "2026/06/", "2026/06/page/3/", "2025/12/", "editions/", "editions/2026-w01/"):
        assert f"<loc>https://example.org/{url}</loc>" in sitemap, url
    root = ET.fromstring(sitemap)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    lastmod = {u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod") for u in root}
    newest = "2026-06-22T17:00:00+02:00"  # n6-21
    for url in ("", "2026/", "2026/06/", "editions/2026-w26/"):
        assert lastmod["https://example.org/" + url] == newest, url
    assert lastmod["https://example.org/2025/12/"] == "2025-12-31T23:30:00+02:00"
    assert lastmod["https://example.org/2026/06/page/2/"] is None  # paginated pages: no date rather than a wrong one


@pytest.mark.parametrize(
    ("count", "text"),
    [(1, "1 стаття"), (3, "3 статті"), (5, "5 статей"), (11, "11 статей"), (21, "21 стаття"), (22, "22 статті")],
)
def test_strings_article_counts_use_ukrainian_plural_forms(count: int, text: str) -> None:
    s = Strings("uk", {"articles": {"one": "{n} стаття", "few": "{n} статті", "many": "{n} статей"}}, "test")
    assert s.plural("articles", count) == text


def test_strings_months_and_week_ranges() -> None:
    s = Strings("uk", {}, "test")
    assert s.month(date(2026, 2, 1)) == "лютий 2026"
    assert s.month_name(date(2026, 11, 1)) == "листопад"
    assert s.date(date(2026, 2, 12)) == "12 лютого 2026"
    assert s.date_range(date(2026, 2, 9), date(2026, 2, 15)) == "9–15 лютого 2026"
    assert s.date_range(date(2026, 3, 30), date(2026, 4, 5)) == "30 березня – 5 квітня 2026"
    assert s.date_range(date(2025, 12, 29), date(2026, 1, 4)) == "29 грудня 2025 – 4 січня 2026"


def test_reading_time_counts_scripts_at_their_own_speed() -> None:
    assert word_counts("Рютте заявив: NATO-summit у Брюсселі, 2026 рік, п’ятниця") == (6, 1, 0)
    assert reading_minutes("") == 1
    assert reading_minutes("слово " * CYRILLIC_WPM) == 1
    assert reading_minutes("слово " * (CYRILLIC_WPM + 1)) == 2
    assert reading_minutes("word " * LATIN_WPM) == 1
    # The same number of words takes longer in Cyrillic than in Latin script.
    assert reading_minutes("слово " * 1000) == 6 and reading_minutes("word " * 1000) == 5


@pytest.mark.parametrize(
    ("minutes", "text"), [(1, "1 хвилина читання"), (3, "3 хвилини читання"), (5, "5 хвилин читання")]
)
def test_reading_time_has_plural_forms_in_the_theme(make_site, minutes: int, text: str) -> None:  # type: ignore[no-untyped-def]
    body = "слово " * (CYRILLIC_WPM * minutes - 10)
    site = make_site(f'-- seeds/a.md --\n---\ntitle: "Стаття"\ndate: 2026-02-12T10:00:00+02:00\n---\n{body}\n')
    html = (build(site, BuildOptions()).out_dir / "2026" / "02" / "a" / "index.html").read_text("utf-8")
    assert f'<span class="reading-time"> · {text}</span>' in html


def test_archive_and_editions_in_an_english_site(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        '-- sitegen.yaml --\ntitle: "Digest"\nbase_url: "https://example.org/"\nlanguage: en\n'
        '-- seeds/a.md --\n---\ntitle: "One"\ndate: 2026-02-12T10:00:00+02:00\nlang: en\n---\nWord word word.\n'
    )
    out = build(site, BuildOptions()).out_dir
    month = (out / "2026" / "02" / "index.html").read_text("utf-8")
    assert "<h1>February 2026</h1>" in month and '<p class="page-meta">1 article</p>' in month
    edition = (out / "editions" / "2026-w07" / "index.html").read_text("utf-8")
    assert '<h1 id="edition-title">Edition of 9–15 February 2026</h1>' in edition and "Week 7, 2026" in edition
    article = (out / "2026" / "02" / "a" / "index.html").read_text("utf-8")
    assert '<span class="reading-time"> · 1 min read</span>' in article
