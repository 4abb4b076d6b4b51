"""Weekly editions: ISO weeks in the site time zone, curation pages, edition pages, feeds and the home page."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from sitegen.build import BuildOptions, build, load_site
from sitegen.content.editions import week_key
from sitegen.errors import SitegenError
from tests.conftest import copy_seed_site


def article(slug: str, when: str, *, category: str | None = None, featured: bool = False, note: str = "") -> str:
    """One `-- seeds/… --` txtar section: an article with an explicit slug."""
    lines = [f"-- seeds/2026/{slug}.md --", "---", f'title: "Стаття {slug}"', f"date: {when}", f"slug: {slug}"]
    if category:
        lines.append(f'category: "{category}"')
    if featured:
        lines.append("featured: true")
    if note:
        lines.append(f"curator_note: {note!r}".replace("'", '"'))
    lines += [f'summary: "Лід {slug}."', "---", f"Текст статті {slug}.", ""]
    return "\n".join(lines) + "\n"


WEEK_07 = "".join(
    [
        article("svit-1", "2026-02-09T10:00:00+02:00", category="Світ"),
        article("svit-2", "2026-02-11T10:00:00+02:00", category="Світ", note="Порівняйте з [першою](../svit-1/)."),
        article("golovne-a", "2026-02-10T10:00:00+02:00", category="Світ", featured=True, note="**Головне** тижня."),
        article("golovne-b", "2026-02-13T10:00:00+02:00", category="Економіка", featured=True),
        article("ekonomika-1", "2026-02-12T10:00:00+02:00", category="Економіка"),
        article("bez-rubryky", "2026-02-14T10:00:00+02:00"),
        article("inshyi-tyzhden", "2026-02-03T10:00:00+02:00", category="Світ"),
    ]
)
EDITION_07 = """\
-- seeds/editions/2026-w07.md --
---
title: "Тиждень переговорів"
order:
  - golovne-a
  - ekonomika-1
  - svit-1
---
Вступне слово з **важливим** і [посиланням](../2026-w06/).
"""


class Outline(HTMLParser):
    """Headings and curator notes (as HTML) inside `<main>`, in document order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, str]] = []
        self._heading: str | None = None
        self._text = ""
        self._in_main = False
        self._note: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_main = self._in_main or tag == "main"
        if not self._in_main:
            return
        if tag == "aside" and "curator-note" in (dict(attrs).get("class") or ""):
            self._note = ""
        elif self._note is not None:
            self._note += self.get_starttag_text() or ""
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading, self._text = tag, ""

    def handle_endtag(self, tag: str) -> None:
        self._in_main = self._in_main and tag != "main"
        if self._note is not None:
            if tag == "aside":
                self.items.append(("note", "".join(self._note.split("\n")).strip()))
                self._note = None
            else:
                self._note += f"</{tag}>"
        if tag == self._heading:
            self.items.append((tag, " ".join(self._text.split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading:
            self._text += data
        if self._note is not None:
            self._note += data.strip() if not data.strip() else data


def main_outline(path: Path) -> list[tuple[str, str]]:
    return Outline(path.read_text("utf-8")).items


def test_edition_page_featured_first_then_rubrics_with_notes_and_intro(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(WEEK_07 + EDITION_07)
    out = build(site, BuildOptions()).out_dir
    page = out / "editions" / "2026-w07" / "index.html"
    outline = main_outline(page)
    assert outline == [
        ("h1", "Тиждень переговорів"),
        ("h2", "Головне"),
        ("h3", "Стаття golovne-a"),  # featured, first in `order`
        ("note", '<p class="curator-label">Коментар редактора</p><p><strong>Головне</strong> тижня.</p>'),
        ("h3", "Стаття golovne-b"),  # featured, not in `order`
        ("h2", "Економіка"),  # the rubric of the first ordered non-featured article
        ("h3", "Стаття ekonomika-1"),
        ("h2", "Світ"),
        ("h3", "Стаття svit-1"),  # in `order`: before the newer svit-2
        ("h3", "Стаття svit-2"),
        (
            "note",
            '<p class="curator-label">Коментар редактора</p><p>Порівняйте з <a href="/2026/02/svit-1/">першою</a>.</p>',
        ),
        ("h2", "Інше"),  # no rubric: last
        ("h3", "Стаття bez-rubryky"),
    ]
    html = page.read_text("utf-8")
    assert '<p>Вступне слово з <strong>важливим</strong> і <a href="/editions/2026-w06/">посиланням</a>.</p>' in html
    assert '<time datetime="2026-02-09">9–15 лютого 2026</time> · 6 статей' in html
    assert "Тиждень 7, 2026" in html
    assert '<a class="nav-older" href="/editions/2026-w06/" rel="prev">' in html
    assert 'rel="next"' not in html  # the newest edition
    feed_link = 'title="Тестовий дайджест: Тиждень переговорів" href="/editions/2026-w07/feed.xml">'
    assert '<link rel="alternate" type="application/atom+xml" ' + feed_link in html


def test_edition_without_page_gets_a_title_from_its_week(make_site) -> None:  # type: ignore[no-untyped-def]
    out = build(make_site(WEEK_07 + EDITION_07), BuildOptions()).out_dir
    outline = main_outline(out / "editions" / "2026-w06" / "index.html")
    assert outline == [("h1", "Випуск за 2–8 лютого 2026"), ("h2", "Світ"), ("h3", "Стаття inshyi-tyzhden")]
    index = main_outline(out / "editions" / "index.html")
    assert index == [("h1", "Випуски"), ("h2", "Тиждень переговорів"), ("h2", "Випуск за 2–8 лютого 2026")]


def test_edition_feeds_parse_and_hold_the_week(make_site) -> None:  # type: ignore[no-untyped-def]
    out = build(make_site(WEEK_07 + EDITION_07), BuildOptions()).out_dir
    feed = feedparser.parse((out / "editions" / "2026-w07" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Тестовий дайджест: Тиждень переговорів"
    assert feed.feed.link == "https://example.org/editions/2026-w07/"
    slugs = [e.link.rstrip("/").rsplit("/", 1)[1] for e in feed.entries]
    assert slugs == ["bez-rubryky", "golovne-b", "ekonomika-1", "svit-2", "golovne-a", "svit-1"]  # newest first
    assert feed.feed.updated == "2026-02-14T10:00:00+02:00"
    contents = {e.link.rstrip("/").rsplit("/", 1)[1]: e.content[0].value for e in feed.entries if "content" in e}
    # An entry with a lead and no note has no content (issue 18): its summary is the lead.
    assert all(e.get("summary") for e in feed.entries if "content" not in e)
    # Entries carry the lead and the curator's note (links made absolute), not the article body.
    assert (
        "<p>Лід golovne-a.</p>" in contents["golovne-a"] and "<strong>Головне</strong> тижня" in contents["golovne-a"]
    )
    assert 'href="https://example.org/2026/02/svit-1/"' in contents["svit-2"]
    assert not any("Текст статті" in c for c in contents.values())
    older = feedparser.parse((out / "editions" / "2026-w06" / "feed.xml").read_bytes())
    assert not older.bozo and [e.title for e in older.entries] == ["Стаття inshyi-tyzhden"]


@pytest.mark.parametrize(
    ("written", "week"),
    [
        ("2026-01-04T23:30:00+02:00", "2026-w01"),  # Sunday night in Kyiv
        ("2026-01-05T00:30:00+02:00", "2026-w02"),  # Monday, half an hour later
        ("2026-01-04T22:30:00+00:00", "2026-w02"),  # the same instant written in UTC: Kyiv's Monday decides
        ("2025-12-29T09:00:00+02:00", "2026-w01"),  # ISO year 2026 starts on Monday 29 December 2025
        ("2025-12-28T23:59:00+02:00", "2025-w52"),
        ("2027-01-01T12:00:00+02:00", "2026-w53"),  # 2026 has 53 ISO weeks
        ("2021-01-03T12:00:00+02:00", "2020-w53"),
    ],
)
def test_edition_week_is_iso_week_in_site_time_zone(make_site, written: str, week: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site(article("a", written))
    _, model = load_site(site, BuildOptions(future=True))  # 2027 may still be ahead of the clock
    assert list(model.editions) == [week]
    (edition,) = model.editions.values()
    assert edition.start.isoweekday() == 1 and (edition.end - edition.start).days == 6
    assert edition.start <= next(iter(model.pages.values())).local_date.date() <= edition.end


def test_edition_week_key_format() -> None:
    assert week_key(date(2026, 2, 12)) == "2026-w07"
    assert week_key(date(2024, 12, 30)) == "2025-w01"


def test_editions_are_linked_newest_first_across_a_year_boundary(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        article("a", "2025-12-24T10:00:00+02:00")
        + article("b", "2025-12-30T10:00:00+02:00")
        + article("c", "2026-01-14T10:00:00+02:00")
    )
    _, model = load_site(site, BuildOptions())
    assert list(model.editions) == ["2026-w03", "2026-w01", "2025-w52"]  # empty week 2 makes no edition
    links = {k: (e.prev_key, e.next_key) for k, e in model.editions.items()}
    assert links == {
        "2026-w03": ("2026-w01", None),
        "2026-w01": ("2025-w52", "2026-w03"),
        "2025-w52": (None, "2026-w01"),
    }
    out = build(site, BuildOptions()).out_dir
    assert (out / "editions" / "2026-w01" / "index.html").is_file()
    assert "Випуск за 29 грудня 2025 – 4 січня 2026" in (out / "editions" / "2026-w01" / "index.html").read_text(
        "utf-8"
    )


def test_edition_order_may_name_a_draft_or_a_scheduled_page(make_site) -> None:  # type: ignore[no-untyped-def]
    draft = article("chernetka", "2026-02-10T12:00:00+02:00").replace("slug: chernetka", "slug: chernetka\ndraft: true")
    later = article("zghodom", "2026-02-15T12:00:00+02:00")
    order = "  - svit-1\n  - chernetka\n  - zghodom\n"
    site = make_site(WEEK_07 + draft + later + EDITION_07.replace("  - svit-1\n", order))
    now = datetime(2026, 2, 14, 12, 0, tzinfo=UTC)
    out = build(site, BuildOptions(now=now)).out_dir
    html = (out / "editions" / "2026-w07" / "index.html").read_text("utf-8")
    assert "chernetka" not in html and "zghodom" not in html
    later_build = build(site, BuildOptions(now=now + timedelta(days=2), out_dir=site / "later")).out_dir
    assert "zghodom" in (later_build / "editions" / "2026-w07" / "index.html").read_text("utf-8")


def test_edition_page_for_a_week_without_articles_makes_no_edition(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(WEEK_07 + EDITION_07 + '-- seeds/editions/2026-w09.md --\n---\ntitle: "Наступний"\n---\n')
    out = build(site, BuildOptions()).out_dir
    assert not (out / "editions" / "2026-w09").exists()


def build_error(make_site, txtar: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SitegenError) as caught:
        build(make_site(txtar), BuildOptions())
    return str(caught.value)


def test_edition_order_unknown_slug_names_file_line_and_suggests(make_site) -> None:  # type: ignore[no-untyped-def]
    message = build_error(make_site, WEEK_07 + EDITION_07.replace("  - ekonomika-1\n", "  - ekonomika1\n"))
    assert message == (
        "seeds/editions/2026-w07.md:5:5: order: no article with slug 'ekonomika1' (did you mean 'ekonomika-1'?)\n"
        "      - ekonomika1"
    )


def test_edition_order_slug_of_another_week(make_site) -> None:  # type: ignore[no-untyped-def]
    txtar = WEEK_07 + EDITION_07.replace(
        "order:\n  - golovne-a\n  - ekonomika-1\n  - svit-1\n", "order: [golovne-a, inshyi-tyzhden]\n"
    )
    assert build_error(make_site, txtar) == (
        "seeds/editions/2026-w07.md:3:20: order: article 'inshyi-tyzhden' is not in week 2026-w07 (it belongs to"
        " 2026-w06) (move it to seeds/editions/2026-w06.md or remove it from this list)\n"
        "    order: [golovne-a, inshyi-tyzhden]"
    )


def test_edition_page_problems_are_all_reported(make_site) -> None:  # type: ignore[no-untyped-def]
    txtar = WEEK_07 + textwrap.dedent(
        """\
        -- seeds/editions/2026-w07.md --
        ---
        titel: "Тиждень"
        order: golovne-a
        ---
        -- seeds/editions/2026-w7.md --
        ---
        title: "Без нуля"
        ---
        -- seeds/editions/2026-w54.md --
        ---
        title: "Немає такого тижня"
        ---
        -- seeds/editions/2026-w06.md --
        ---
        title: "Двічі"
        order: [inshyi-tyzhden, inshyi-tyzhden]
        ---
        """
    )
    assert build_error(make_site, txtar).split("\n") == [
        "6 problems:",
        "  1. seeds/editions/2026-w06.md:3:25: order: 'inshyi-tyzhden' is listed twice (list each article once)",
        "         order: [inshyi-tyzhden, inshyi-tyzhden]",
        "  2. seeds/editions/2026-w07.md:2: titel: unknown key in an edition page (did you mean 'title'?)",
        '         titel: "Тиждень"',
        '  3. seeds/editions/2026-w07.md:1: title: every edition page needs one (add `title: "…"` to the front matter)',
        "         ---",
        "  4. seeds/editions/2026-w07.md:3: order: expected a list of article slugs, got text (write order: [a, b])",
        "         order: golovne-a",
        "  5. seeds/editions/2026-w54.md: 2026 has no ISO week 54"
        " (ISO years have weeks 01 to 52, some 53; 2026 ends with week 53)",
        "  6. seeds/editions/2026-w7.md: not an edition file name: '2026-w7.md'"
        " (name it after the ISO week it curates, seeds/editions/<yyyy>-w<ww>.md, e.g. 2026-w07.md)",
    ]


def test_home_shows_the_latest_edition_then_recent_articles(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    out = build(site, BuildOptions()).out_dir
    outline = main_outline(out / "index.html")
    assert outline[:4] == [
        ("h1", "Дайджест: Україна і світ"),
        ("h2", "Рютте і діалог із Кремлем"),  # seeds/editions/2026-w07.md
        ("h3", "Головне"),
        ("h4", "Переговори з Кремлем? Генсек НАТО відповів, чи підтримує відновлення контактів"),
    ]
    assert outline[4][0] == "note"
    assert outline[5:] == [
        ("h2", "Останні новини"),
        ("h3", "НАТО може стати «тилом» для миротворців в Україні: підсумки зустрічі у Брюсселі"),
    ]
    html = (out / "index.html").read_text("utf-8")
    assert "Головна тема тижня" in html  # the editor's introduction
    for link in ("/digest/editions/", "/digest/archive/", "/digest/tags/"):
        assert f'<a href="{link}">' in html


def test_article_page_names_its_edition_and_reading_time(tmp_path: Path) -> None:
    out = build(copy_seed_site(tmp_path / "s"), BuildOptions()).out_dir
    html = next((out / "2026" / "02").glob("perehovory-*/index.html")).read_text("utf-8")
    assert (
        '<p class="in-edition">У випуску: <a href="/digest/editions/2026-w07/">Рютте і діалог із Кремлем</a></p>'
        in html
    )
    assert '<span class="reading-time"> · 2 хвилини читання</span>' in html


def test_header_navigation_on_every_page(tmp_path: Path) -> None:
    out = build(copy_seed_site(tmp_path / "s"), BuildOptions()).out_dir
    for page in out.rglob("*.html"):
        html = page.read_text("utf-8")
        nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
        for link, word in (("editions/", "Випуски"), ("archive/", "Архів"), ("tags/", "Теги")):
            assert f'<a href="/digest/{link}"' in nav and f">{word}</a>" in nav, page


def test_edition_page_edit_rebuilds_like_a_clean_build(tmp_path: Path) -> None:
    """`serve`'s incremental Engine: an edited edition page reaches its edition, the home page and the article."""
    from sitegen.engine import Engine

    site = copy_seed_site(tmp_path / "s")
    builder = Engine(site)
    builder.build_in_memory()
    page = site / "seeds" / "editions" / "2026-w07.md"
    page.write_text(page.read_text("utf-8").replace("Рютте і діалог із Кремлем", "Новий заголовок"), "utf-8")
    again = builder.build_in_memory([page])
    clean = Engine(site).build_in_memory()
    assert again.outputs == clean.outputs
    assert {"index.html", "editions/2026-w07/index.html", "editions/2026-w07/feed.xml"} <= set(again.changed)
    article = next(k for k in again.changed if k.startswith("2026/02/perehovory"))
    assert "Новий заголовок" in again.outputs[article].decode("utf-8")


DAILY_CONFIG = """\
-- sitegen.yaml --
title: "Щоденний дайджест"
base_url: "https://example.org/"
editions: daily
"""


def test_daily_editions_one_per_day_with_page_feed_home_and_article_link(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        DAILY_CONFIG
        + WEEK_07
        + """\
-- seeds/editions/2026-02-12.md --
---
title: "Четвер переговорів"
order: [ekonomika-1]
---
Вступ дня.
"""
    )
    out = build(site, BuildOptions(now=datetime(2026, 3, 1, tzinfo=UTC))).out_dir
    days = sorted(p.name for p in (out / "editions").iterdir() if p.is_dir() and p.name != "page")
    assert days == ["2026-02-03", "2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13", "2026-02-14"]
    day = (out / "editions/2026-02-12/index.html").read_text("utf-8")
    assert '<h1 id="edition-title">Четвер переговорів</h1>' in day and "четвер" in day and "Вступ дня." in day
    assert '<time datetime="2026-02-12">12 лютого 2026</time>' in day
    assert 'href="/editions/2026-02-11/" rel="prev"' in day and 'href="/editions/2026-02-13/" rel="next"' in day
    feed = feedparser.parse((out / "editions/2026-02-12/feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Стаття ekonomika-1"]
    # the home page opens with the newest day; an article links to its day's edition
    home = (out / "index.html").read_text("utf-8")
    assert 'href="/editions/2026-02-14/">Випуск за 14 лютого 2026</a>' in home
    page = (out / "2026/02/ekonomika-1/index.html").read_text("utf-8")
    assert 'У випуску: <a href="/editions/2026-02-12/">Четвер переговорів</a>' in page
    assert "Щоденні добірки редактора" in (out / "editions/index.html").read_text("utf-8")


def test_daily_editions_refuse_a_weekly_edition_file(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DAILY_CONFIG + WEEK_07 + EDITION_07)
    with pytest.raises(SitegenError) as info:
        load_site(site, BuildOptions(now=datetime(2026, 3, 1, tzinfo=UTC)))
    assert info.value.format() == (
        "seeds/editions/2026-w07.md: not an edition file name: '2026-w07.md' (a week's file name such as "
        "2026-w07.md needs `editions: weekly`) (with daily editions, name it after its day: "
        "seeds/editions/<yyyy>-<mm>-<dd>.md (2026-02-12.md))"
    )


def test_new_edition_writes_the_page_of_this_week_or_day(make_site) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_main

    weekly = make_site(name="weekly")
    env = {"SITEGEN_NOW": "2026-02-12T18:10:00+02:00"}
    run = run_main("new", "--edition", "Тиждень переговорів", cwd=weekly, env=env)
    assert (run.code, run.out, run.err) == (0, "seeds/editions/2026-w07.md\n", "")
    daily = make_site(DAILY_CONFIG, name="daily")
    run = run_main("new", "--edition", "Четвер", cwd=daily, env=env)
    assert (run.code, run.out) == (0, "seeds/editions/2026-02-12.md\n")
    (daily / "seeds/2026/02").mkdir(parents=True)
    (daily / "seeds/2026/02/a.md").write_text('---\ntitle: "А"\ndate: 2026-02-12T09:00\n---\nТекст.\n', "utf-8")
    out = build(daily, BuildOptions(now=datetime(2026, 3, 1, tzinfo=UTC))).out_dir
    assert '<h1 id="edition-title">Четвер</h1>' in (out / "editions/2026-02-12/index.html").read_text("utf-8")
    run = run_main("new", "--edition", "Четвер", cwd=daily, env=env)
    assert run.code == 1 and run.err.startswith("error: seeds/editions/2026-02-12.md already exists; not overwritten")


@pytest.mark.parametrize("config", ["", DAILY_CONFIG])
def test_editions_a_page_knows_its_edition(make_site, config: str) -> None:  # type: ignore[no-untyped-def]
    _, site = load_site(make_site(config + WEEK_07), BuildOptions(now=datetime(2026, 3, 1, tzinfo=UTC)))
    assert site.pages
    for page in site.pages.values():
        assert page.id in site.editions[page.edition_key].page_ids
    keys = {page.edition_key for page in site.pages.values()}
    assert keys == set(site.editions)
