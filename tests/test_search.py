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
from sitegen.render.search import FIELDS, PIPELINE, SearchEntry, entry_of, field_terms, render_search_index
from sitegen.render.search_files import (
    FIELD,
    FORMAT,
    FRAGMENTS_PER_GROUP,
    ROWS_PER_TERM,
    inflate,
    pack,
    term_order,
    top_refs,
)
from sitegen.text import terms
from tests.search_files import (
    QUERIES,
    Shipped,
    answers,
    decode,
    fixture_entries,
    fixture_lunr_index,
    fixture_texts,
    from_outputs,
    lunr_builder_index,
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
category: "Світ"
author: "Валерій Ульяненко"
summary: "Делегації України та країн НАТО в Брюсселі обговорили членство."
---
Ґрунт для пам’яті: з’їзд делегацій. Getty Images.

## Що далі

Останнім абзацом згадано посадовця з Литви.
-- seeds/2026/02/talks.md --
---
title: "Переговори з Кремлем? Генсек відповів"
date: 2026-02-12T18:10:00+02:00
tags: [Росія]
summary: "Марк Рютте заявив, що кожна країна може вести переговори."
curator_note: "Редакція радить **порівняти** з Гельсінкі."
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


def test_search_manifest_names_pipeline_shards_and_fragment_groups(built: tuple[Path, Shipped]) -> None:
    _, shipped = built
    manifest = shipped.manifest
    assert manifest["format"] == FORMAT
    assert manifest["pipeline"] == text.SPEC and manifest["pipeline"]["name"] == "uk-text"
    assert manifest["lunr"] == {"version": "2.3.9", "fields": [FIELD], "pipeline": [label for _, label in PIPELINE]}
    assert manifest["indexed_fields"] == [list(f) for f in FIELDS]
    assert [first for first, _ in manifest["shards"]] == [shard["terms"][0] for shard in shipped.shards]
    documents = manifest["documents"]
    assert (documents["count"], documents["per_group"], len(documents["groups"])) == (2, FRAGMENTS_PER_GROUP, 1)


def test_search_fragments_count_from_the_oldest_article(built: tuple[Path, Shipped]) -> None:
    _, shipped = built
    rows = shipped.rows
    assert [r[0] for r in rows] == [
        "НАТО може стати «тилом» для миротворців в Україні",
        "Переговори з Кремлем? Генсек відповів",
    ]
    title, url, date, date_text, tags, summary, body = rows[0]
    assert (date, date_text) == ("2026-02-10", "10 лютого 2026")
    assert url == "/2026/02/ukraine/" and summary.startswith("Делегації")
    assert tags == [["НАТО", "/tags/nato/"], ["Україна", "/tags/ukraina/"]]
    assert (
        body
        == "Ґрунт для пам’яті: з’їзд делегацій. Getty Images.\nЩо далі\nОстаннім абзацом згадано посадовця з Литви."
    )
    postings = [flat for shard in shipped.shards for flat in shard["postings"]]
    assert {ref for flat in postings for ref, _ in decode(flat)} == {0, 1}


def test_search_drafts_never_reach_the_index(built: tuple[Path, Shipped]) -> None:
    out, shipped = built
    for path in (p for p in (out / "search").rglob("*") if p.is_file()):
        raw = inflate(path.read_bytes()).decode("utf-8")  # (shards and fragments are packed)
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
        # every field: the rubric, the author, the curator's note, a heading and the last paragraph of the body
        ("світ", ["0"]),
        ("Ульяненко", ["0"]),
        ("порівняти", ["1"]),
        ("Гельсінкі", ["1"]),
        ("далі", ["0"]),
        ("посадовець", ["0"]),
        ("посадовця", ["0"]),
        ("посадовцями", ["0"]),
        ("Литва", ["0"]),
    ],
)
def test_search_index_finds_other_word_forms(built: tuple[Path, Shipped], query: str, found: list[str]) -> None:
    _, shipped = built
    assert refs(lunr_form(shipped), words(query)) == found


def test_search_index_prefix_of_the_last_word(built: tuple[Path, Shipped]) -> None:
    _, shipped = built
    assert refs(lunr_form(shipped), [("укра", True)]) == ["0"]
    assert refs(lunr_form(shipped), [("рют", False), ("перего", True)]) == ["1"]


def test_search_files_are_fingerprinted_and_loaded_only_by_the_search_page(built: tuple[Path, Shipped]) -> None:
    out, shipped = built
    names = sorted(str(p.relative_to(out / "search")) for p in (out / "search").rglob("*") if p.is_file())
    names.remove("index.html")
    assert len(names) == 4 and all(
        re.fullmatch(r"index\.[0-9a-f]{10}\.json|terms\.[0-9a-f]{10}\.jz|docs/[01]\.jz", n) for n in names
    ), names
    [manifest] = [n for n in names if n.startswith("index.")]
    search_page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert f'data-index-url="/search/{manifest}"' in search_page
    # nothing but the manifest loads with the page: a query fetches its shards, then its results' fragments
    assert re.findall(r'<link rel="preload" href="([^"]+)"', search_page) == [f"/search/{manifest}"]
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        on_search_page = page == out / "search" / "index.html"
        assert (manifest in html) == on_search_page, page
        assert ("search-index." in html) == on_search_page, page
        assert "lunr.min" not in html, page  # the page ranks with lunr's formula itself (search-index.js)
        # every page has the header search form, a plain GET form to /search/ (GET: HTML's default method)
        assert '<form class="search-form search-form-header" role="search" action="/search/">' in html


def test_search_page_works_under_a_base_path(make_site: Callable[[str], Path]) -> None:
    site = make_site(SITE)
    out = build(site, BuildOptions(base_url="https://example.org/digest/")).out_dir
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-index-url="/digest/search/index.' in html
    assert 'action="/digest/search/"' in html
    assert 'src="/digest/assets/js/search.' in html
    rows = read_shipped(out).rows
    assert rows and all(r[1].startswith("/digest/2026/02/") for r in rows)
    assert all(tag[1].startswith("/digest/tags/") for r in rows for tag in r[4])


def test_search_page_has_no_inline_script_and_plural_data(built: tuple[Path, Shipped]) -> None:
    out, _ = built
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "script-src 'self'" in html
    assert 'data-results-few="Знайдено {n} статті"' in html
    assert 'data-plural-categories="mofffmmmmm' in html


def test_search_index_answers_as_lunr_py_builder() -> None:
    """Scores made from the workers' term counts equal lunr.py's own `Builder` over the raw texts:
    same refs, same order, scores within 1e-6 (and the shipped one-field form, cut into many shards)."""
    reference = fixture_lunr_index()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_files, "SHARD_BYTES", 300)
        shipped = from_outputs(render_search_index(fixture_entries()))
    assert len(shipped.manifest["shards"]) > 20
    ours = lunr_form(shipped)
    assert sorted(t for t, _ in ours["invertedIndex"]) == sorted(t for t, _ in reference["invertedIndex"])
    found = 0
    for clauses, required in QUERIES:
        expected, got = answers(reference, clauses, required), answers(ours, clauses, required)
        assert [ref for ref, _ in got] == [ref for ref, _ in expected], clauses
        assert all(abs(a[1] - b[1]) <= 1e-6 for a, b in zip(got, expected, strict=True)), clauses
        found += bool(expected)
    assert found >= 9


def test_search_index_of_repeated_words_and_long_fields_equals_lunr() -> None:
    """Counts past one, a field of one word repeated, empty fields, punctuation and look-alikes."""
    texts = [
        ("Пам’ять про з’їзд", "Ґрунт", "", "", "Україна—НАТО, 2\u202f000 грн; «Рютте»: e-mail", "", "Kиїв " * 40),
        ("Переговорів не буде", "", "Світ", "Автор Авторенко", "", "Примітка", "Talks in Brussels, talks again"),
        ("Україна", "Україна", "Україна", "", "Україна", "Україна", "пере\u00adговори " + "слово " * 300),
    ]
    entries = [entry_of(fields, [fields[0], "/a/", "2026-02-01", "", []]) for fields in texts][::-1]
    reference = lunr_builder_index(texts)
    ours = lunr_form(from_outputs(render_search_index(entries)))
    for clauses in ([("україн", False)], [("київ", False)], [("talk", False)], [("переговор", False)], [("с", True)]):
        expected, got = answers(reference, clauses), answers(ours, clauses)
        assert got == expected and expected, clauses


def test_search_field_terms_are_the_pipeline_terms_counted() -> None:
    words, counts = field_terms("Переговори, переговорів і ПЕРЕГОВОРАМИ; Рютте з Рютте")
    assert words.split(" ") == ["переговор", "рют"]
    assert list(memoryview(counts).cast("H")) == [3, 2]
    assert field_terms("") == ("", b"")


def test_search_shards_hold_sorted_runs_of_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_files, "SHARD_BYTES", 300)
    shipped = from_outputs(render_search_index(fixture_entries()))
    runs = [shard["terms"] for shard in shipped.shards]
    assert [run[0] for run in runs] == [first for first, _ in shipped.manifest["shards"]]
    every = [term for run in runs for term in run]
    assert every == sorted({t for fields in fixture_texts() for value in fields for t in terms(value)}, key=term_order)
    assert all(len(shard["postings"]) == len(shard["terms"]) for shard in shipped.shards)


def test_search_shards_carry_the_rows_of_each_terms_best_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard has the result rows of its terms' best `ROWS_PER_TERM` articles (ties: the newer), and no other:
    a one-word query's first page shows from its shard alone."""
    monkeypatch.setattr(search_files, "SHARD_BYTES", 300)
    shipped = from_outputs(render_search_index(fixture_entries()))
    fragments = shipped.rows
    long_lists = 0
    for shard in shipped.shards:
        carried = {int(ref): row for ref, row in shard["rows"].items()}
        best: set[int] = set()
        for flat in shard["postings"]:
            ranked = sorted(decode(flat), key=lambda posting: (-posting[1], -posting[0]))
            best |= {ref for ref, _ in ranked[:ROWS_PER_TERM]}
            long_lists += len(ranked) > ROWS_PER_TERM
        assert set(carried) == best
        assert all(row == fragments[ref][:5] for ref, row in carried.items())
    assert long_lists > 10


def test_search_top_refs_best_scores_then_the_newest() -> None:
    # refs 0..4 (deltas of 0, 1, 1, 1, 1), scores 5, 7, 5, 5, 1
    flat = [0, 5, 1, 7, 1, 5, 1, 5, 1, 1]
    assert top_refs(flat, 2) == [1, 3]
    assert sorted(top_refs(flat, 3)) == [1, 2, 3]
    assert sorted(top_refs(flat, 9)) == [0, 1, 2, 3, 4]
    assert top_refs([], 3) == []


def test_search_term_order_is_javascript_string_order() -> None:
    """UTF-16 code units: a character above U+FFFF sorts below U+FFFF, as JavaScript compares strings."""
    assert sorted(["\uffff", "𝐁", "б"], key=term_order) == ["б", "𝐁", "\uffff"]
    assert sorted(["\uffff", "𝐁", "б"]) == ["б", "\uffff", "𝐁"]  # code points: not the browser's order


def test_search_fragments_split_into_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_files, "FRAGMENTS_PER_GROUP", 16)
    entries = fixture_entries(40)
    shipped = from_outputs(render_search_index(entries))
    documents = shipped.manifest["documents"]
    assert (documents["count"], documents["per_group"], len(documents["groups"])) == (40, 16, 3)
    assert {n for n in shipped.files if n.startswith("docs/")} == {f"docs/{ref}.jz" for ref in range(40)}
    assert [r[1] for r in shipped.rows] == [f"/a/{i}/" for i in range(40)]  # refs count from the oldest
    # an edit changes the hash of its own group only (the URLs of its fragments)
    edited = list(entries)
    edited[0] = SearchEntry(pack(b'["edited","/e/","","",[],"",""]'), b'["edited","/e/","","",[]]', edited[0].terms)
    groups = json.loads(render_search_index(edited).manifest.data)["documents"]["groups"]
    assert groups[:2] == documents["groups"][:2] and groups[2] != documents["groups"][2]


def test_search_index_same_entries_same_bytes() -> None:
    entries = fixture_entries(5)
    first, again = render_search_index(entries), render_search_index(list(entries))
    assert [(o.out_path, o.data) for o in first.outputs] == [(o.out_path, o.data) for o in again.outputs]


def test_search_index_of_an_empty_site_loads(make_site: Callable[[str], Path]) -> None:
    out = build(make_site(""), BuildOptions()).out_dir
    shipped = read_shipped(out)
    assert shipped.manifest["shards"] == []
    assert shipped.manifest["documents"] == {"count": 0, "per_group": FRAGMENTS_PER_GROUP, "groups": []}
    assert refs(lunr_form(shipped), [("україн", False)]) == []
