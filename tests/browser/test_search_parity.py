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
from lunr.pipeline import Pipeline
from lunr.token import Token
from playwright.sync_api import Browser, Page

from sitegen import text
from sitegen.render import search_files
from sitegen.render.search import PIPELINE, build_index, store_rows
from sitegen.render.search_files import render_search_files
from tests.conftest import FIXTURES, REPO
from tests.search_files import QUERIES, answers, fixture_docs, from_outputs

pytestmark = pytest.mark.timeout(60)  # Chromium runs as a subprocess

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


def python_answers(serialized: dict[str, Any]) -> list[list[tuple[str, float]]]:
    """lunr.py's answers to QUERIES from lunr's own serialized index of every field."""
    return [answers(serialized, clauses, required) for clauses, required in QUERIES]


ASK_SHIPPED = """async ([spec, manifest, files, queries, fresh]) => {
  sitegenText.install(lunr, spec);
  const fetched = [];
  const get = url => {
    const name = url.split("/").pop();
    if (name.startsWith("terms.")) fetched.push(name);
    return name in files
      ? Promise.resolve({ json: async () => JSON.parse(files[name]), text: async () => files[name] })
      : Promise.reject(new Error("no " + name));
  };
  const result = [];
  const open = () => sitegenSearchIndex.open(lunr, manifest, "http://sitegen.test/search/index.json", get);
  let index = open();
  for (const [clauses, required] of queries) {
    if (fresh) index = open();  /* what one query fetches; else the shards add up, as on the page */
    fetched.length = 0;
    const idx = await index.index(clauses.map(([term, prefix]) => ({ term, prefix })));
    const hits = idx.query(q => clauses.forEach(([term, prefix]) => q.term(term, {
      usePipeline: false,
      presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
      wildcard: prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
    })));
    result.push({ hits: hits.map(r => [r.ref, Math.round(r.score * 1e9) / 1e9]), fetched: fetched.slice() });
  }
  return result;
}"""


def rank(hit: tuple[str, float]) -> tuple[float, int]:
    return (-hit[1], -int(hit[0]))


def test_search_parity_lunr_form_answers_alike_in_the_browser(js: Page) -> None:
    """lunr.py's index, loaded whole by lunr.js (`lunr.Index.load`), answers as lunr.py does."""
    serialized = json.loads(json.dumps(build_index(fixture_docs())))
    expected = python_answers(serialized)
    assert sum(1 for a in expected if a) >= 9  # the queries do find things
    got = js.evaluate(
        """([spec, serialized, queries]) => {
          sitegenText.install(lunr, spec);
          const idx = lunr.Index.load(serialized);
          return queries.map(([clauses, required]) => idx.query(q => clauses.forEach(([term, prefix]) => q.term(term, {
            usePipeline: false,
            presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
            wildcard: prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
          }))).map(r => [r.ref, Math.round(r.score * 1e9) / 1e9]));
        }""",
        [text.SPEC, serialized, QUERIES],
    )
    assert [sorted((tuple(h) for h in a), key=rank) for a in got] == expected


@pytest.mark.parametrize("shard_bytes", [300, search_files.SHARD_BYTES])
def test_search_parity_shipped_index_answers_alike_in_the_browser(
    js: Page, monkeypatch: pytest.MonkeyPatch, shard_bytes: int
) -> None:
    """The index as the site ships it, opened by search-index.js shard by shard, answers as lunr.py's whole index."""
    monkeypatch.setattr(search_files, "SHARD_BYTES", shard_bytes)
    docs = fixture_docs()
    serialized = json.loads(json.dumps(build_index(docs)))
    shipped = from_outputs(render_search_files(serialized, store_rows(docs)))
    files = {name: data.decode("utf-8") for name, data in shipped.files.items()}
    expected = python_answers(serialized)
    got = js.evaluate(ASK_SHIPPED, [text.SPEC, shipped.manifest, files, QUERIES, True])
    assert [sorted((tuple(h) for h in a["hits"]), key=rank) for a in got] == expected
    one_page = js.evaluate(ASK_SHIPPED, [text.SPEC, shipped.manifest, files, QUERIES, False])
    assert [sorted((tuple(h) for h in a["hits"]), key=rank) for a in one_page] == expected
    if shard_bytes == 300:  # many shards: a query fetches only those its terms can be in
        shards = shipped.manifest["shards"]
        runs = [shard["terms"] for shard in shipped.shards]
        assert len(shards) > 20
        assert got[0]["fetched"] == [name for (_, name), run in zip(shards, runs, strict=True) if "україн" in run]
        with_p = [name for (_, name), run in zip(shards, runs, strict=True) if any(t.startswith("п") for t in run)]
        assert len(with_p) > 1 and sorted(got[7]["fetched"]) == sorted(with_p)  # п*: every shard with a word in п


def test_search_parity_document_rows_in_the_browser(js: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """search-index.js gives the store rows of any refs, across document files, as the build wrote them."""
    monkeypatch.setattr(search_files, "DOCS_PER_FILE", 16)
    docs = fixture_docs()
    serialized = build_index(docs)
    shipped = from_outputs(render_search_files(serialized, store_rows(docs)))
    assert len(shipped.manifest["documents"]["files"]) == 4
    files = {name: data.decode("utf-8") for name, data in shipped.files.items()}
    wanted = [59, 0, 16, 15, 31, 47, 48]
    got = js.evaluate(
        """async ([spec, manifest, files, refs]) => {
          const get = url => Promise.resolve({ text: async () => files[url.split("/").pop()] });
          const index = sitegenSearchIndex.open(lunr, manifest, "http://sitegen.test/search/index.json", get);
          return await index.documents(refs.map(String));
        }""",
        [text.SPEC, shipped.manifest, files, wanted],
    )
    assert got == [shipped.rows[ref] for ref in wanted]
