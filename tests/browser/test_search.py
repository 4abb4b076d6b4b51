"""The search page in Debian Chromium: a fixture digest under a base path, and the example digest.

Queries arrive as `/search/?q=…` (as the header form sends them) or are typed into the box. Results
must be inside `[data-search-results]`; no query may run a script or break the page.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urljoin
from urllib.request import urlopen

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route

from sitegen.build import BuildOptions, build
from sitegen.render import search_files
from sitegen.render.search_files import SHARD_BYTES, unpack
from tests.browser.conftest import _QuietHandler
from tests.conftest import write_tree

pytestmark = pytest.mark.timeout(60)  # Chromium runs as a subprocess

FIXTURE_SITE = """
-- sitegen.yaml --
title: "Пошуковий дайджест"
base_url: "https://example.org/digest/"
language: uk
timezone: Europe/Kyiv
-- seeds/2026/02/nato.md --
---
title: "НАТО може стати «тилом» для миротворців в Україні"
date: 2026-02-10T10:00:00+02:00
tags: [НАТО, Безпека]
summary: "Делегації України та країн НАТО обговорили членство України в Альянсі."
---
Ґрунт для домовленостей готували давно.
-- seeds/2026/02/talks.md --
---
title: "Генсек відповів про контакти з Кремлем"
date: 2026-02-12T18:10:00+02:00
tags: [Росія]
summary: "Марк Рютте заявив, що кожна країна може вести переговори."
---
Рютте наголосив на єдності союзників.
-- seeds/2026/02/memory.md --
---
title: "Пам’ять про з’їзд"
date: 2026-02-13T09:00:00+02:00
tags: [Історія]
summary: "Без переговорів і без поспіху: як згадують минуле."
---
Grunt work and peace talks in Brussels, said the Getty caption.
-- seeds/2026/02/english.md --
---
title: "Peace talks resume in Brussels"
date: 2026-02-14T09:00:00+02:00
lang: en
tags: [Diplomacy]
summary: "Negotiators met again on Friday."
---
The meeting lasted four hours.
-- seeds/2026/02/script.md --
---
title: "Про <script>alert(2)</script> і теги <b>жирно</b>"
date: 2026-02-15T09:00:00+02:00
tags: ["<img src=x onerror=alert(3)>"]
summary: "Заголовок із розміткою, яку треба показати як текст."
---
Текст.
-- seeds/2026/02/long.md --
---
title: "Два дні у Вільнюсі"
date: 2026-02-11T09:00:00+02:00
tags: [Литва]
summary: "Делегати домовилися про графік поставок."
---
Делегати з дванадцяти країн зібралися у Вільнюсі, щоб обговорити постачання зброї,
ремонт техніки і навчання екіпажів. Зустріч тривала два дні.

Першого дня йшлося про снаряди, другого про протиповітряну оборону.
Учасники погодили графік поставок на весну і літо.

Окремо говорили про відновлення енергетики та гроші на ремонт підстанцій.
Сума допомоги зросла майже вдвічі проти минулого року.

Журналістів на засідання не пускали, тож подробиці стали відомі лише з коротких заяв після нього.
Союзники НАТО обіцяли нову зустріч.

Наприкінці зустрічі литовський посадовець подякував гостям
і нагадав про сувеніри: <img src=x onerror=alert(1)> на згадку.
-- seeds/2026/02/draft.md --
---
title: "Чернетка про квазіморфізм"
date: 2026-02-16T09:00:00+02:00
draft: true
---
Квазіморфізм.
"""

TITLES = {
    "nato": "НАТО може стати «тилом» для миротворців в Україні",
    "talks": "Генсек відповів про контакти з Кремлем",
    "memory": "Пам’ять про з’їзд",
    "english": "Peace talks resume in Brussels",
    "script": "Про <script>alert(2)</script> і теги <b>жирно</b>",
    "long": "Два дні у Вільнюсі",
}


def serve_digest(root: Path, txtar: str, shard_bytes: int = SHARD_BYTES) -> Iterator[str]:
    """The site built under the base path `/digest/` (its index cut in shards of about `shard_bytes`)
    and served from `root`; yields its search URL."""
    site = write_tree(root / "src", txtar)
    served = root / "www"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(served)))
    base = f"http://127.0.0.1:{server.server_address[1]}/digest/"
    served.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_files, "SHARD_BYTES", shard_bytes)
        build(site, BuildOptions(out_dir=served / "digest", base_url=base))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base + "search/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def fixture_digest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture digest, its index in many small shards, so queries and prefixes cross shards."""
    yield from serve_digest(tmp_path_factory.mktemp("search-site"), FIXTURE_SITE, shard_bytes=60)


class Watched:
    """A page with every dialog, page error and console error recorded (until `stop`)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("console", self._on_console)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_page_error(self, error: Exception) -> None:
        self.errors.append(str(error))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def stop(self) -> None:
        """Stop recording and drop the test's routes.

        The page stays where the test left it: every test here starts with a navigation of its own (`goto`, or
        `search`), and no leaving to about:blank in between (a navigation, 0.1 CPU s of Chromium for each of
        forty tests) could make it see more: an event of the old page after this `stop` was never recorded.
        """
        self.page.remove_listener("dialog", self._on_dialog)
        self.page.remove_listener("pageerror", self._on_page_error)
        self.page.remove_listener("console", self._on_console)
        self.page.unroute_all(behavior="ignoreErrors")

    def search(self, url: str, query: str) -> tuple[str, list[str]]:
        """Open `url?q=query`; (status line, result titles) once the search ran."""
        self.page.goto(url + "?q=" + quote(query))
        self.page.wait_for_selector("[data-search-ready]", state="attached")
        return self.status(), self.titles()

    def status(self) -> str:
        return self.page.inner_text("[data-search-status]").strip()

    def titles(self) -> list[str]:
        """The result titles shown, in order (read in one call into the page, not one per title)."""
        return self.page.eval_on_selector_all(  # type: ignore[no-any-return]
            "[data-search-results] li h2 a", "links => links.map(a => a.textContent || '')"
        )


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    """One tab for this file's tests (a new browser context per test cost more than most tests). Each test
    opens its pages afresh; routing a request (as one test does) turns the HTTP cache off for that test."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def watched(tab: Page) -> Iterator[Watched]:
    page = Watched(tab)
    yield page
    page.stop()
    assert page.dialogs == [] and page.errors == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Україна", ["nato"]),  # the page says Україні, України
        ("україни", ["nato"]),
        ("УКРАЇНОЮ", ["nato"]),
        ("переговорів", ["talks", "memory"]),  # переговори / переговорів
        ("переговори", ["talks", "memory"]),
        ("пам'ять", ["memory"]),
        ("памʼять", ["memory"]),
        ("ПАМ’ЯТЬ", ["memory"]),
        ("з'їзд", ["memory"]),
        ("грунт", ["nato"]),  # the page says Ґрунт
        ("ҐРУНТ", ["nato"]),
        ("Рютте", ["talks"]),
        ("peace talks", ["english", "memory"]),
        ("Talk", ["english", "memory"]),
        ("brussels getty", ["memory"]),
        ("Рютте: переговори", ["talks"]),
        ("script", ["script"]),
    ],
)
def test_search_finds_forms_variants_and_english(
    watched: Watched, fixture_digest: str, query: str, expected: list[str]
) -> None:
    status, titles = watched.search(fixture_digest, query)
    assert sorted(titles) == sorted(TITLES[k] for k in expected)
    n = len(expected)
    assert status == {1: "Знайдено 1 статтю", 2: "Знайдено 2 статті"}[n]


def test_search_result_shows_date_tags_and_highlights(watched: Watched, fixture_digest: str) -> None:
    watched.search(fixture_digest, "Україна")
    item = watched.page.query_selector("[data-search-results] li")
    assert item is not None
    link = item.query_selector("h2 a")
    assert link is not None and link.get_attribute("href") == "/digest/2026/02/nato/"
    assert item.query_selector("time").get_attribute("datetime") == "2026-02-10"  # type: ignore[union-attr]
    assert item.inner_text().count("10 лютого 2026") == 1
    assert [t.text_content() for t in item.query_selector_all(".tag-list a")] == ["НАТО", "Безпека"]
    assert item.query_selector(".tag-list a").get_attribute("href") == "/digest/tags/nato/"  # type: ignore[union-attr]
    marks = [m.text_content() for m in item.query_selector_all("mark")]
    assert marks == ["Україні", "України", "України"]


def excerpts(page: Page) -> list[tuple[str, list[str]]]:
    """(text, marked words) of each result's excerpt (read in one call into the page)."""
    found = page.eval_on_selector_all(
        "[data-search-results] li .search-excerpt",
        "excerpts => excerpts.map(p => [p.innerText, [...p.querySelectorAll('mark')].map(m => m.textContent || '')])",
    )
    return [(text, marks) for text, marks in found]


@pytest.mark.parametrize("query", ["посадовець", "посадовця", "посадовцем", "ПОСАДОВЦЯМИ"])
def test_search_word_of_the_last_paragraph_in_any_form_marked_in_the_excerpt(
    watched: Watched, fixture_digest: str, query: str
) -> None:
    """The word is only in the last paragraph of the body: found in other forms, and the excerpt is around it."""
    status, titles = watched.search(fixture_digest, query)
    assert titles == [TITLES["long"]] and status == "Знайдено 1 статтю"
    [(text, marks)] = excerpts(watched.page)
    assert marks == ["посадовець"]
    assert text.startswith("… ") and "литовський посадовець подякував" in text
    assert len(text.split()) <= 32  # about thirty words (and the ellipsis)
    assert "<img src=x onerror=alert(1)>" in text  # the body's markup, as text


@pytest.mark.parametrize(
    ("query", "expected", "marked"),
    [
        ("литовського посадовця", ["long"], ["литовський", "посадовець"]),  # both words, neither as written
        ("Вільнюса посадовці", ["long"], ["Вільнюсі"]),  # both in the article, far apart: the first match
        ("посадовця Рютте", ["long", "talks"], None),  # no article has both: any word, and the page says so
    ],
)
def test_search_two_words_with_stemming(
    watched: Watched, fixture_digest: str, query: str, expected: list[str], marked: list[str] | None
) -> None:
    status, titles = watched.search(fixture_digest, query)
    assert sorted(titles) == sorted(TITLES[k] for k in expected)
    if marked is None:
        assert status.endswith("показано статті хоча б з одним із них.")
    else:
        assert status == "Знайдено 1 статтю" and excerpts(watched.page)[0][1] == marked


def test_search_excerpt_is_the_summary_when_the_body_has_no_match(watched: Watched, fixture_digest: str) -> None:
    _, titles = watched.search(fixture_digest, "домовилися")
    assert titles == [TITLES["long"]]
    assert excerpts(watched.page) == [("Делегати домовилися про графік поставок.", ["домовилися"])]


def test_search_sort_by_date_keeps_the_results(watched: Watched, fixture_digest: str) -> None:
    _, by_rank = watched.search(fixture_digest, "НАТО")
    assert by_rank == [TITLES["nato"], TITLES["long"]]  # НАТО in the title, tags and summary; once in a body
    assert watched.page.get_attribute("[data-sort='']", "aria-pressed") == "true"
    watched.page.click("[data-sort='date']")
    watched.page.wait_for_function(
        "() => document.querySelector('[data-search-results] h2').textContent === 'Два дні у Вільнюсі'"
    )
    assert watched.titles() == [TITLES["long"], TITLES["nato"]]  # newest first
    assert (
        watched.page.url.endswith("&sort=date")
        and watched.page.get_attribute("[data-sort='date']", "aria-pressed") == "true"
    )
    watched.page.goto(fixture_digest + "?q=" + quote("НАТО") + "&sort=date")  # as a link or a reload opens it
    watched.page.wait_for_selector("[data-search-ready]", state="attached")
    assert watched.titles() == [TITLES["long"], TITLES["nato"]]
    watched.page.click("[data-sort='']")
    watched.page.wait_for_function(
        "() => document.querySelector('[data-search-results] h2').textContent.startsWith('НАТО')"
    )
    assert watched.titles() == [TITLES["nato"], TITLES["long"]] and "sort=" not in watched.page.url


def test_search_first_page_shows_from_the_shards_before_any_fragment(watched: Watched, paged_digest: str) -> None:
    """Titles, dates and tags come with the query's term shard; each excerpt follows its fragment."""
    held: list[Route] = []
    watched.page.route("**/search/docs/*.jz?v=*", lambda route: held.append(route))
    watched.page.goto(paged_digest + "?q=" + quote("одеса"))
    watched.page.wait_for_function("() => document.querySelectorAll('.search-list > li').length === 20")
    assert watched.titles() == [f"Одеса, вечір {n}" for n in range(25, 5, -1)]
    assert watched.status() == "Знайдено 25 статей"
    assert watched.page.get_attribute("[data-search-results]", "aria-busy") == "true"
    assert [text for text, _ in excerpts(watched.page)] == [""] * 20
    assert watched.page.query_selector("[data-search-ready]") is None
    watched.page.wait_for_timeout(100)
    assert len(held) == 20  # the fragments of the twenty shown, asked for after the list was shown
    for route in held:
        route.continue_()
    watched.page.wait_for_selector("[data-search-ready]", state="attached")
    assert [marks for _, marks in excerpts(watched.page)] == [["Одеси"]] * 20
    assert watched.page.get_attribute("[data-search-results]", "aria-busy") is None


def test_search_api_resolves_every_match_in_rank_order(watched: Watched, fixture_digest: str) -> None:
    watched.page.goto(fixture_digest)
    got = watched.page.evaluate("() => window.sitegenSearch('посадовцем НАТО')")
    assert [r["title"] for r in got] == [TITLES["long"]]
    [result] = got
    assert sorted(result) == ["date", "excerpt", "highlights", "title", "url"]
    assert result["url"] == "/digest/2026/02/long/" and result["date"] == "2026-02-11"
    assert [result["excerpt"][a:b] for a, b in result["highlights"]] == ["НАТО", "посадовець"]
    assert [r["title"] for r in watched.page.evaluate("() => window.sitegenSearch('НАТО')")] == [
        TITLES["nato"],
        TITLES["long"],
    ]
    by_date = watched.page.evaluate("() => window.sitegenSearch('НАТО', {sort: 'date', limit: 1})")
    assert [r["title"] for r in by_date] == [TITLES["long"]]
    [markup] = watched.page.evaluate("() => window.sitegenSearch('<img src=x onerror=alert(1)>')")
    assert markup["title"] == TITLES["long"] and "<img src=x onerror=alert(1)>" in markup["excerpt"]  # text


def test_search_no_result_says_so(watched: Watched, fixture_digest: str) -> None:
    status, titles = watched.search(fixture_digest, "квазіморфізм")  # only in a draft
    assert titles == [] and status == "Нічого не знайдено. Спробуйте інше слово або коротший запит."


def test_search_all_words_else_any_word(watched: Watched, fixture_digest: str) -> None:
    status, titles = watched.search(fixture_digest, "Рютте зебра")
    assert titles == [TITLES["talks"]]
    assert (
        status == "Знайдено 1 статтю. Немає статей з усіма словами запиту, тож показано статті хоча б з одним із них."
    )
    _, both = watched.search(fixture_digest, "Рютте переговори")
    assert both == [TITLES["talks"]]


@pytest.mark.parametrize(
    "query",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "+в",
        "^~*",
        "-",
        "*",
        ":",
        "Рютте~2 ^10 +переговори -Україна",
    ],
)
def test_search_odd_queries_run_no_script_and_break_nothing(watched: Watched, fixture_digest: str, query: str) -> None:
    _, titles = watched.search(fixture_digest, query)
    assert watched.page.query_selector("[data-search-results] img, [data-search-results] script") is None
    assert watched.page.input_value("[data-search-input]") == query
    if query == "<img src=x onerror=alert(1)>":  # the words of the markup in an article's body: shown as text
        assert titles == [TITLES["long"]]
        assert "<img src=x onerror=alert(1)>" in watched.page.inner_text("[data-search-results] .search-excerpt")


def test_search_markup_in_titles_and_tags_stays_text(watched: Watched, fixture_digest: str) -> None:
    _, titles = watched.search(fixture_digest, "розміткою")
    assert titles == [TITLES["script"]]
    results = watched.page.query_selector("[data-search-results]")
    assert results is not None
    assert results.query_selector("script, b, img") is None
    assert "<img src=x onerror=alert(3)>" in results.inner_text()


def test_search_as_you_type_matches_prefix_of_the_last_word(watched: Watched, fixture_digest: str) -> None:
    watched.page.goto(fixture_digest)
    watched.page.wait_for_selector("[data-search-ready]", state="attached")
    watched.page.type("[data-search-input]", "Украї", delay=20)
    # (on a loaded machine a shorter prefix typed on the way, "Укр", may show its own results first)
    watched.page.wait_for_function("() => document.querySelectorAll('[data-search-results] h2').length === 1")
    assert watched.titles() == [TITLES["nato"]]
    watched.page.fill("[data-search-input]", "Рютте перегов")
    watched.page.wait_for_function(
        "() => document.querySelector('[data-search-results] h2').textContent.startsWith('Генсек')"
    )
    assert watched.titles() == [TITLES["talks"]]
    assert watched.page.url.endswith("?q=" + quote("Рютте перегов").replace("%20", "+"))


def test_search_header_form_works_without_javascript(browser: Browser, fixture_digest: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(fixture_digest.removesuffix("search/"))
    page.fill("#site-search-q", "Україна")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/digest/search/?q=*")
    assert page.url.endswith("/digest/search/?q=%D0%A3%D0%BA%D1%80%D0%B0%D1%97%D0%BD%D0%B0")
    assert "Для пошуку потрібен JavaScript" in page.inner_text("[data-search-results]")
    context.close()


def test_search_header_form_leads_to_results(watched: Watched, fixture_digest: str) -> None:
    watched.page.goto(fixture_digest.removesuffix("search/") + "tags/")
    watched.page.fill("#site-search-q", "переговори")
    watched.page.press("#site-search-q", "Enter")
    watched.page.wait_for_selector("[data-search-ready]", state="attached")
    assert sorted(watched.titles()) == sorted([TITLES["talks"], TITLES["memory"]])


def test_search_example_digest(watched: Watched, served_site: str) -> None:
    status, titles = watched.search(served_site + "search/", "Україна")
    assert status == "Знайдено 2 статті" and len(titles) == 2
    _, titles = watched.search(served_site + "search/", "переговорів")
    assert titles == ["Переговори з Кремлем? Генсек НАТО відповів, чи підтримує відновлення контактів"]
    _, titles = watched.search(served_site + "search/", "Рютте: переговори")
    assert titles == ["Переговори з Кремлем? Генсек НАТО відповів, чи підтримує відновлення контактів"]
    status, titles = watched.search(served_site + "search/", "<img src=x onerror=alert(1)>")
    assert titles == [] and status.startswith("Нічого не знайдено")


def test_search_fixture_index_is_in_many_shards(fixture_digest: str) -> None:
    """(So the tests above cross shards: a query fetches several, a prefix spans them.)"""
    with urlopen(fixture_digest) as page:
        index_url = re.search(r'data-index-url="([^"]+)"', page.read().decode("utf-8"))
    assert index_url is not None
    with urlopen(urljoin(fixture_digest, index_url.group(1))) as manifest:
        assert len(json.load(manifest)["shards"]) >= 8


PAGED_SITE = "-- sitegen.yaml --\ntitle: Сторінки\nbase_url: https://example.org/digest/\n" + "".join(
    f"""-- seeds/2026/03/odesa-{n:02d}.md --
---
title: "Одеса, вечір {n}"
date: 2026-03-{n:02d}T10:00:00+02:00
tags: [Одеса]
summary: "Новини Одеси."
---
Текст.
"""
    for n in range(1, 26)
)


@pytest.fixture(scope="module")
def paged_digest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """25 articles alike but for their titles' numbers and dates."""
    yield from serve_digest(tmp_path_factory.mktemp("paged-site"), PAGED_SITE)


def test_search_shows_twenty_then_more_newest_first(watched: Watched, paged_digest: str) -> None:
    status, titles = watched.search(paged_digest, "одеса")
    assert status == "Знайдено 25 статей"
    assert titles == [f"Одеса, вечір {n}" for n in range(25, 5, -1)]  # equal scores: the newest first
    more = watched.page.locator("[data-search-results] .search-more")
    more.click()
    watched.page.wait_for_function("() => document.querySelectorAll('.search-list > li').length === 25")
    assert watched.titles()[20:] == [f"Одеса, вечір {n}" for n in range(5, 0, -1)]
    assert more.is_hidden()


def test_search_missing_index_file_says_so(browser: Browser, tmp_path: Path) -> None:
    """A term shard gone from the host: that query says search failed; a query of other shards works."""
    site = write_tree(tmp_path / "src", FIXTURE_SITE)
    out = tmp_path / "www"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_files, "SHARD_BYTES", 60)
        build(site, BuildOptions(out_dir=out, base_url=base))
    [manifest] = (out / "search").glob("index.*.json")
    for _, name in json.loads(manifest.read_bytes())["shards"]:
        if "україн" in unpack((out / "search" / name).read_bytes())["terms"]:
            (out / "search" / name).unlink()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + "search/?q=" + quote("Україна"))
        page.wait_for_selector("[data-search-error]", state="attached")
        assert page.inner_text("[data-search-status]") == (
            "Не вдалося завантажити пошук. Оновіть сторінку або скористайтеся тегами."
        )
        assert "HTTP 404" in (page.get_attribute("[data-search-results]", "data-search-error") or "")
        page.fill("[data-search-input]", "Рютте")
        page.press("[data-search-input]", "Enter")
        page.wait_for_selector("[data-search-results]:not([data-search-error]) li", state="attached")
        assert page.inner_text("[data-search-status]") == "Знайдено 1 статтю"
        assert errors == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()
