"""Python and JavaScript run one text pipeline: same output on thousands of word forms, same answers from one index.

The JS side (themes/default/static/js/uk-text.js with the vendored lunr.js) runs in Debian Chromium;
the Python side is `sitegen.text` and lunr.py. The word forms come from pymorphy3's Ukrainian
dictionary (tests/fixtures/text/make_word_forms.py wrote them once).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query, QueryPresence
from lunr.token import Token
from playwright.sync_api import Browser, Page

from sitegen import text
from sitegen.render.search import PIPELINE, SearchDocument, build_index, compact_index, lead_words
from tests.conftest import FIXTURES, REPO

JS = REPO / "themes" / "default" / "static" / "js"
FORMS = (FIXTURES / "text" / "uk_word_forms.txt").read_text(encoding="utf-8").split()
EDGE_CASES = (
    "Україна—НАТО, 2\u202f000 грн; пам'ять, «Рютте»: (Getty Images) e-mail COVID-19 10.02.2026 ЗСУ/ППО "
    "Kиїв Ґрунт наголосила,що пере\u00adговори перегово\u0301ри Памʼять з`їзд НАТОʼвський ... — – ! "
    "ПАМ’ЯТЬ Ё ъ ы э i\u0308жак й\u0306ти \u200bнуль\u200d ＇ ‛ ʻ ′ İstanbul straße ĄČĘ Ελλάδα 中文 🇺🇦 𝐁old "
    "Talks policies the and in classes bus analysis HATO Укpаїна ТЕСТ-2 ǅ ﬁ Ⅻ ½ ²"
)


@pytest.fixture(scope="module")
def js(browser: Browser) -> Iterator[Page]:
    """A blank page with lunr.js and uk-text.js loaded."""
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><head></head><body></body></html>")
    page.add_script_tag(path=str(JS / "vendor" / "lunr.min.js"))
    page.add_script_tag(path=str(JS / "uk-text.js"))
    page.add_script_tag(path=str(JS / "search-index.js"))
    yield page
    page.close()


def python_side(words: list[str]) -> list[list[Any]]:
    return [[text.normalize(w), text.tokenize(w), text.terms(w)] for w in words]


JS_SIDE = """([spec, words]) => {
  const t = sitegenText.make(spec);
  return words.map(w => [t.normalize(w), t.tokenize(w), t.terms(w)]);
}"""


def test_search_parity_word_forms(js: Page) -> None:
    assert len(FORMS) >= 3000
    assert js.evaluate(JS_SIDE, [text.SPEC, FORMS]) == python_side(FORMS)


def test_search_parity_edge_cases(js: Page) -> None:
    pieces = [EDGE_CASES, *EDGE_CASES.split(" "), "", "   ", "\n\t"]
    got = js.evaluate(JS_SIDE, [text.SPEC, pieces])
    assert got == python_side(pieces)
    assert got[0][2][:8] == ["україн", "нат", "2", "000", "грн", "памят", "рютт", "getty"]


def test_search_parity_lunr_pipelines(js: Page) -> None:
    """The functions registered under the uk-* labels do the same in lunr.py and lunr.js."""
    sample = [EDGE_CASES, *FORMS[::25]]
    py = []
    pipeline = Pipeline()
    for fn, _label in PIPELINE:
        pipeline.add(fn)
    for w in sample:
        py.append([str(t) for t in pipeline.run([Token(w)])])
    got = js.evaluate(
        """([spec, words]) => {
          sitegenText.install(lunr, spec);
          const p = lunr.Pipeline.load(["uk-normalize", "uk-stopwords", "uk-stemmer"]);
          return words.map(w => p.run([new lunr.Token(w)]).map(String));
        }""",
        [text.SPEC, sample],
    )
    assert got == py


def fixture_docs() -> list[SearchDocument]:
    """60 articles cut from the example digest's pages, with their words shuffled between fields."""
    body = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").rglob("*.md")))
    words = body.split()
    docs = []
    for i in range(60):
        chunk = words[i * 37 : i * 37 + 140] or words[:140]
        docs.append(
            SearchDocument(
                title=" ".join(chunk[:9]),
                url=f"/a/{i}/",
                date=f"2026-02-{1 + i % 28:02d}",
                date_text="",
                summary=" ".join(chunk[9:40]),
                tags=tuple((w, f"/tags/{w}/") for w in chunk[40:43]),
                lead=lead_words(" ".join(chunk[43:])),
            )
        )
    return docs


QUERIES: list[tuple[list[tuple[str, bool]], bool]] = [
    ([("україн", False)], True),
    ([("переговор", False)], True),
    ([("рютт", False)], True),
    ([("нат", False), ("безпек", False)], True),
    ([("нат", False), ("безпек", False)], False),
    ([("макрон", False), ("путін", False)], False),
    ([("укр", True)], True),
    ([("делегац", False), ("брюс", True)], True),
    ([("getty", False)], True),
    ([("зебр", False)], True),
]


def python_answers(serialized: dict[str, Any]) -> list[list[tuple[str, float]]]:
    index = Index.load(serialized)
    answers = []
    for clauses, required in QUERIES:
        query = index.create_query()
        for term, prefix in clauses:
            query.term(
                term,
                use_pipeline=False,
                presence=QueryPresence.REQUIRED if required else QueryPresence.OPTIONAL,
                wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE,
            )
        answers.append(sorted(((r["ref"], round(r["score"], 9)) for r in index.query(query)), key=rank))
    return answers


def rank(hit: tuple[str, float]) -> tuple[float, int]:
    return (-hit[1], int(hit[0]))


@pytest.mark.parametrize("form", ["lunr", "compact"])
def test_search_parity_python_index_answers_alike_in_the_browser(js: Page, form: str) -> None:
    """lunr.py's answers, and lunr.js's from lunr's own serialized form and from the compact form the site ships."""
    serialized = json.loads(json.dumps(build_index(fixture_docs())))
    expected = python_answers(serialized)
    assert sum(1 for a in expected if a) >= 8  # the queries do find things
    shipped = serialized if form == "lunr" else compact_index(serialized)
    got = js.evaluate(
        """([spec, serialized, queries]) => {
          sitegenText.install(lunr, spec);
          const idx = serialized.invertedIndex
            ? lunr.Index.load(serialized)
            : sitegenSearchIndex.load(lunr, serialized);
          return queries.map(([clauses, required]) => idx.query(q => clauses.forEach(([term, prefix]) => q.term(term, {
            usePipeline: false,
            presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
            wildcard: prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
          }))).map(r => [r.ref, Math.round(r.score * 1e9) / 1e9]));
        }""",
        [text.SPEC, shipped, QUERIES],
    )
    assert [sorted((tuple(h) for h in a), key=rank) for a in got] == expected
