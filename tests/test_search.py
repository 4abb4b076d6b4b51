"""The search index (lunr.py + the Ukrainian pipeline, shipped as shards) and the search page, checked in Python."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen import text
from sitegen.build import BuildOptions, build
from sitegen.render import search_files
from sitegen.render.search import (
    FIELDS,
    LEAD_WORDS,
    PIPELINE,
    SearchDocument,
    build_index,
    lead_words,
    render_search_index,
    store_rows,
)
from sitegen.render.search_files import DOCS_PER_FILE, FIELD, FORMAT, render_search_files, term_order
from sitegen.text import terms
from tests.search_files import (
    QUERIES,
    Shipped,
    answers,
    decode,
    fixture_docs,
    from_outputs,
    lunr_form,
    read_shipped,
    refs,
)

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


def words(text: str) -> list[tuple[str, bool]]:
    return [(t, False) for t in terms(text)]


@pytest.fixture
def built(make_site: Callable[[str], Path]) -> tuple[Path, Shipped]:
    site = make_site(SITE)
    out = build(site, BuildOptions()).out_dir
    return out, read_shipped(out)


def test_search_manifest_names_pipeline_shards_and_documents(built: tuple[Path, Shipped]) -> None:
    _, shipped = built
    manifest = shipped.manifest
    assert manifest["format"] == FORMAT
    assert manifest["pipeline"] == text.SPEC and manifest["pipeline"]["name"] == "uk-text"
    assert manifest["lunr"] == {"version": "2.3.9", "fields": [FIELD], "pipeline": [label for _, label in PIPELINE]}
    assert manifest["indexed_fields"] == [name for name, _ in FIELDS]
    assert [first for first, _ in manifest["shards"]] == [shard["terms"][0] for shard in shipped.shards]
    documents = manifest["documents"]
    assert (documents["count"], documents["per_file"], len(documents["files"])) == (2, DOCS_PER_FILE, 1)


def test_search_store_rows_count_from_the_oldest_article(built: tuple[Path, Shipped]) -> None:
    _, shipped = built
    rows = shipped.rows
    assert [r[0] for r in rows] == [
        "НАТО може стати «тилом» для миротворців в Україні",
        "Переговори з Кремлем? Генсек відповів",
    ]
    title, url, date, date_text, summary, tags = rows[0]
    assert (date, date_text) == ("2026-02-10", "10 лютого 2026")
    assert url == "/2026/02/ukraine/" and summary.startswith("Делегації")
    assert tags == [["НАТО", "/tags/nato/"], ["Україна", "/tags/ukraina/"]]
    postings = [flat for shard in shipped.shards for flat in shard["postings"]]
    assert {ref for flat in postings for ref, _ in decode(flat)} == {0, 1}


def test_search_drafts_never_reach_the_index(built: tuple[Path, Shipped]) -> None:
    out, shipped = built
    for path in (out / "search").iterdir():
        raw = path.read_text(encoding="utf-8")
        assert "квазіморф" not in raw.lower() and "Таємна" not in raw, path
    assert refs(lunr_form(shipped), words("квазіморфізм")) == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Україна", ["0"]),
        ("України", ["0"]),
        ("переговорів", ["1"]),
        ("переговори", ["1"]),
        ("Рютте", ["1"]),
        ("пам'ять", ["0"]),
        ("памʼять", ["0"]),
        ("грунт", ["0"]),
        ("ҐРУНТ", ["0"]),
        ("getty image", ["0"]),
        ("Кремль", ["1"]),
        ("Брюссель", ["0"]),
        ("Києва", []),
    ],
)
def test_search_index_finds_other_word_forms(built: tuple[Path, Shipped], query: str, found: list[str]) -> None:
    _, shipped = built
    assert refs(lunr_form(shipped), words(query)) == found


def test_search_index_prefix_of_the_last_word(built: tuple[Path, Shipped]) -> None:
    _, shipped = built
    assert refs(lunr_form(shipped), [("укра", True)]) == ["0"]
    assert refs(lunr_form(shipped), [("рютт", False), ("перего", True)]) == ["1"]


def test_search_files_are_fingerprinted_and_loaded_only_by_the_search_page(built: tuple[Path, Shipped]) -> None:
    out, shipped = built
    names = sorted(p.name for p in (out / "search").iterdir() if p.name != "index.html")
    assert len(names) == 3 and all(
        re.fullmatch(r"(index|terms)\.[0-9a-f]{10}\.json|docs\.[0-9a-f]{10}\.txt", n) for n in names
    )
    [manifest] = [n for n in names if n.startswith("index.")]
    search_page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert f'data-index-url="/search/{manifest}"' in search_page
    for name in shipped.manifest["documents"]["files"]:  # loaded whatever the query: preloaded
        assert f'<link rel="preload" href="/search/{name}" as="fetch" crossorigin>' in search_page
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        on_search_page = page == out / "search" / "index.html"
        assert (manifest in html) == on_search_page, page
        assert ("lunr.min" in html) == on_search_page, page
        # every page has the header search form, a plain GET form to /search/
        assert '<form class="search-form search-form-header" role="search" action="/search/" method="get">' in html


def test_search_page_works_under_a_base_path(make_site: Callable[[str], Path]) -> None:
    site = make_site(SITE)
    out = build(site, BuildOptions(base_url="https://example.org/digest/")).out_dir
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-index-url="/digest/search/index.' in html
    assert 'action="/digest/search/"' in html
    assert 'src="/digest/assets/js/search.' in html
    rows = read_shipped(out).rows
    assert rows and all(r[1].startswith("/digest/2026/02/") for r in rows)
    assert all(tag[1].startswith("/digest/tags/") for r in rows for tag in r[5])


def test_search_page_has_no_inline_script_and_plural_data(built: tuple[Path, Shipped]) -> None:
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


def test_search_shipped_index_answers_as_lunr_with_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """One field of summed scores, cut into many shards, gives lunr.py's refs and scores of the four-field index."""
    monkeypatch.setattr(search_files, "SHARD_BYTES", 300)
    docs = fixture_docs()
    full = json.loads(json.dumps(build_index(docs)))
    shipped = from_outputs(render_search_files(full, store_rows(docs)))
    assert len(shipped.manifest["shards"]) > 20
    one_field = lunr_form(shipped)
    assert len(one_field["invertedIndex"]) == len(full["invertedIndex"])
    for clauses, required in QUERIES:
        expected = answers(full, clauses, required)
        assert answers(one_field, clauses, required) == expected, clauses
    assert sum(1 for clauses, required in QUERIES if answers(full, clauses, required)) >= 9


def test_search_shards_hold_sorted_runs_of_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_files, "SHARD_BYTES", 300)
    docs = fixture_docs()
    full = build_index(docs)
    shipped = from_outputs(render_search_files(full, store_rows(docs)))
    runs = [shard["terms"] for shard in shipped.shards]
    assert [run[0] for run in runs] == [first for first, _ in shipped.manifest["shards"]]
    every = [term for run in runs for term in run]
    assert every == sorted((term for term, _ in full["invertedIndex"]), key=term_order)
    assert all(len(shard["postings"]) == len(shard["terms"]) for shard in shipped.shards)


def test_search_term_order_is_javascript_string_order() -> None:
    """UTF-16 code units: a character above U+FFFF sorts below U+FFFF, as JavaScript compares strings."""
    assert sorted(["\uffff", "𝐁", "б"], key=term_order) == ["б", "𝐁", "\uffff"]
    assert sorted(["\uffff", "𝐁", "б"]) == ["б", "\uffff", "𝐁"]  # code points: not the browser's order


def test_search_document_files_split_by_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_files, "DOCS_PER_FILE", 16)
    docs = fixture_docs(40)
    shipped = from_outputs(render_search_index(docs))
    assert shipped.manifest["documents"]["count"] == 40 and len(shipped.manifest["documents"]["files"]) == 3
    assert [r[1] for r in shipped.rows] == [d.url for d in reversed(docs)]  # refs count from the oldest


def test_search_index_same_docs_same_bytes() -> None:
    doc = SearchDocument("Україна", "/a/", "2026-02-10", "10 лютого 2026", "Лід", (("НАТО", "/tags/nato/"),), "Текст")
    first, again = render_search_index([doc, doc]), render_search_index([doc, doc])
    assert [(o.out_path, o.data) for o in first.outputs] == [(o.out_path, o.data) for o in again.outputs]


def test_search_index_of_an_empty_site_loads(make_site: Callable[[str], Path]) -> None:
    out = build(make_site(""), BuildOptions()).out_dir
    shipped = read_shipped(out)
    assert shipped.manifest["shards"] == [] and shipped.manifest["documents"] == {
        "count": 0,
        "per_file": DOCS_PER_FILE,
        "files": [],
    }
    assert refs(lunr_form(shipped), [("україн", False)]) == []


def test_search_index_of_pretokenized_fields_equals_lunr_on_raw_text() -> None:
    """build_index feeds lunr.py token lists and skips uk-normalize; lunr on the raw text gives the same index."""
    from lunr.builder import Builder

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
