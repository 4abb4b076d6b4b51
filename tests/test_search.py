"""The search index (lunr.py + the Ukrainian pipeline) and the search page, checked in Python."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from lunr.index import Index
from lunr.query import Query, QueryPresence

from sitegen.build import BuildOptions, build
from sitegen.render.search import FIELDS, LEAD_WORDS, SearchDocument, build_index, compact_index, lead_words
from sitegen.text import terms

SITE = """
-- seeds/2026/02/ukraine.md --
---
title: "НАТО може стати «тилом» для миротворців в Україні"
date: 2026-02-10T10:00:00+02:00
tags: [НАТО, Україна]
summary: "Делегації України та країн НАТО в Брюсселі обговорили членство."
---
Ґрунт для пам’яті: з’їзд делегацій. Getty Images.
-- seeds/2026/02/talks.md --
---
title: "Переговори з Кремлем? Генсек відповів"
date: 2026-02-12T18:10:00+02:00
tags: [Росія]
summary: "Марк Рютте заявив, що кожна країна може вести переговори."
---
Без переговорів не буде миру, сказав Рютте.
-- seeds/2026/02/draft.md --
---
title: "Таємна чернетка про Україну"
date: 2026-02-13T10:00:00+02:00
draft: true
summary: "Секретне слово квазіморфізм."
---
Квазіморфізм.
"""


def index_file(out: Path) -> dict[str, Any]:
    found = list((out / "search").glob("index.*.json"))
    assert len(found) == 1, found
    data: dict[str, Any] = json.loads(found[0].read_text(encoding="utf-8"))
    return data


def expand(compact: dict[str, Any]) -> dict[str, Any]:
    """lunr's serialized form of a compact index: the postings rebuilt from the field vectors (as search-index.js)."""
    postings: dict[int, dict[str, Any]] = {
        i: {"_index": i, **{f: {} for f in compact["fields"]}} for i in range(len(compact["terms"]))
    }
    for field_ref, elements in compact["fieldVectors"]:
        field, ref = field_ref.split("/", 1)
        for term_index in elements[::2]:
            postings[term_index][field][ref] = {}
    inverted = sorted(([compact["terms"][i], p] for i, p in postings.items()), key=lambda tp: tp[0])
    rest = {k: v for k, v in compact.items() if k != "terms"}
    return {**rest, "invertedIndex": inverted}


def ask(compact: dict[str, Any], clauses: Sequence[tuple[str, bool]], required: bool = True) -> list[str]:
    """Refs for terms (term, prefix?) queried through lunr.py's API, as search.js queries lunr.js."""
    index = Index.load(expand(compact))
    query = index.create_query()
    for term, prefix in clauses:
        query.term(
            term,
            use_pipeline=False,
            presence=QueryPresence.REQUIRED if required else QueryPresence.OPTIONAL,
            wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE,
        )
    return [r["ref"] for r in index.query(query)]


def words(text: str) -> list[tuple[str, bool]]:
    return [(t, False) for t in terms(text)]


@pytest.fixture
def built(make_site: Callable[[str], Path]) -> tuple[Path, dict[str, Any]]:
    site = make_site(SITE)
    out = build(site, BuildOptions()).out_dir
    return out, index_file(out)


def test_search_index_has_pipeline_index_and_store(built: tuple[Path, dict[str, Any]]) -> None:
    _, data = built
    assert data["pipeline"]["name"] == "uk-text"
    assert data["index"]["pipeline"] == ["uk-normalize", "uk-stopwords", "uk-stemmer"]
    assert data["index"]["fields"] == [name for name, _ in FIELDS]
    docs = data["store"]["docs"]
    assert [d[0] for d in docs] == [
        "Переговори з Кремлем? Генсек відповів",
        "НАТО може стати «тилом» для миротворців в Україні",
    ]
    title, url, date, date_text, summary, tag_ids = docs[1]
    assert (date, date_text) == ("2026-02-10", "10 лютого 2026")
    assert url.startswith("/2026/02/nato-mozhe-staty-tylom") and summary.startswith("Делегації")
    assert [data["store"]["tags"][i][0] for i in tag_ids] == ["НАТО", "Україна"]
    assert data["store"]["tags"][tag_ids[0]][1] == "/tags/nato/"


def test_search_index_refs_are_numbers_in_store_order(built: tuple[Path, dict[str, Any]]) -> None:
    _, data = built
    refs = {field_ref.split("/", 1)[1] for field_ref, _ in data["index"]["fieldVectors"]}
    assert refs == {"0", "1"}


def test_search_drafts_never_reach_the_index(built: tuple[Path, dict[str, Any]]) -> None:
    out, data = built
    raw = next((out / "search").glob("index.*.json")).read_text(encoding="utf-8")
    assert "квазіморф" not in raw.lower() and "Таємна" not in raw
    assert ask(data["index"], words("квазіморфізм")) == []


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ("Україна", ["1"]),
        ("України", ["1"]),
        ("переговорів", ["0"]),
        ("переговори", ["0"]),
        ("Рютте", ["0"]),
        ("пам'ять", ["1"]),
        ("памʼять", ["1"]),
        ("грунт", ["1"]),
        ("ҐРУНТ", ["1"]),
        ("getty image", ["1"]),
        ("Кремль", ["0"]),
        ("Брюссель", ["1"]),
        ("Києва", []),
    ],
)
def test_search_index_finds_other_word_forms(built: tuple[Path, dict[str, Any]], query: str, refs: list[str]) -> None:
    _, data = built
    assert ask(data["index"], words(query)) == refs


def test_search_index_prefix_of_the_last_word(built: tuple[Path, dict[str, Any]]) -> None:
    _, data = built
    assert ask(data["index"], [("укра", True)]) == ["1"]
    assert ask(data["index"], [("рютт", False), ("перего", True)]) == ["0"]


def test_search_index_file_is_fingerprinted_and_loaded_only_by_the_search_page(
    built: tuple[Path, dict[str, Any]],
) -> None:
    out, _ = built
    name = next((out / "search").glob("index.*.json")).name
    assert re.fullmatch(r"index\.[0-9a-f]{10}\.json", name)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        has_index = name in html
        assert has_index == (page == out / "search" / "index.html"), page
        assert ("lunr.min" in html) == has_index, page
        # every page has the header search form, a plain GET form to /search/
        assert '<form class="search-form search-form-header" role="search" action="/search/" method="get">' in html


def test_search_page_works_under_a_base_path(make_site: Callable[[str], Path]) -> None:
    site = make_site(SITE)
    out = build(site, BuildOptions(base_url="https://example.org/digest/")).out_dir
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-index-url="/digest/search/index.' in html
    assert 'action="/digest/search/"' in html
    assert 'src="/digest/assets/js/search.' in html
    store = index_file(out)["store"]
    assert all(d[1].startswith("/digest/2026/02/") for d in store["docs"])
    assert all(t[1].startswith("/digest/tags/") for t in store["tags"])


def test_search_page_has_no_inline_script_and_plural_data(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "script-src 'self'" in html
    assert 'data-results-few="Знайдено {n} статті"' in html
    assert 'data-plural-categories="mofffmmmmm' in html


def test_search_lead_is_the_first_words() -> None:
    text = " ".join(f"w{i}" for i in range(500))
    assert lead_words(text).split() == [f"w{i}" for i in range(LEAD_WORDS)]
    assert lead_words("Коротко.\nІ все") == "Коротко. І все"


def test_search_compact_index_is_lossless() -> None:
    docs = [
        SearchDocument("Україна і НАТО", "/a/", "2026-02-10", "", "Переговори в Брюсселі", (("НАТО", "/t/"),), "Рютте"),
        SearchDocument("Рютте про переговори", "/b/", "2026-02-11", "", "Без НАТО", (), "Україна"),
    ]
    full = json.loads(json.dumps(build_index(docs)))
    compact = compact_index(full)
    assert "invertedIndex" not in compact and len(compact["terms"]) == len(full["invertedIndex"])
    assert expand(compact) == full


def test_search_index_same_docs_same_bytes() -> None:
    doc = SearchDocument("Україна", "/a/", "2026-02-10", "10 лютого 2026", "Лід", (("НАТО", "/tags/nato/"),), "Текст")
    assert json.dumps(build_index([doc, doc])) == json.dumps(build_index([doc, doc]))


def test_search_index_of_an_empty_site_loads(make_site: Callable[[str], Path]) -> None:
    out = build(make_site(""), BuildOptions()).out_dir
    data = index_file(out)
    assert data["store"] == {"docs": [], "tags": []}
    assert ask(data["index"], [("україн", False)]) == []


def test_search_index_of_pretokenized_fields_equals_lunr_on_raw_text() -> None:
    """build_index feeds lunr.py token lists and skips uk-normalize; lunr on the raw text gives the same index."""
    from lunr.builder import Builder

    from sitegen.render.search import PIPELINE

    docs = [
        SearchDocument(
            "Пам’ять про з’їзд",
            "/a/",
            "2026-02-10",
            "",
            "Україна—НАТО, 2\u202f000 грн; «Рютте»: e-mail",
            (("Ґрунт", "/t/"),),
            "Kиїв і пере\u00adговори COVID-19",
        ),
        SearchDocument("Переговорів не буде", "/b/", "2026-02-11", "", "", (), "Talks in Brussels"),
    ]
    plain = Builder()
    for fn, _label in PIPELINE:
        plain.pipeline.add(fn)
        plain.search_pipeline.add(fn)
    plain.ref("ref")
    for name, boost in FIELDS:
        plain.field(name, boost=boost)
    for ref, d in enumerate(docs):
        plain.add(
            {"ref": ref, "title": d.title, "tags": " ".join(n for n, _ in d.tags), "summary": d.summary, "lead": d.lead}
        )
    assert json.loads(json.dumps(build_index(docs))) == json.loads(json.dumps(plain.build().serialize()))
