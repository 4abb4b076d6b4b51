"""Python and JavaScript run one text pipeline: same output on thousands of word forms, same answers from one index.

The JS side (themes/default/static/js/uk-text.js with the vendored lunr.js) runs in Debian Chromium;
the Python side is `sitegen.text` and lunr.py. The word forms come from pymorphy3's Ukrainian
dictionary (tests/fixtures/text/make_word_forms.py wrote them once).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from lunr.pipeline import Pipeline
from lunr.token import Token
from playwright.sync_api import Browser, Page

from sitegen import text
from sitegen.render import search_files
from sitegen.render.search import PIPELINE, render_search_index
from tests.conftest import FIXTURES, REPO
from tests.search_files import (
    QUERIES,
    answers,
    fixture_entries,
    fixture_lunr_index,
    from_outputs,
    lunr_form,
)

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


def in_page(page: Page, script: str, arg: Any) -> Any:
    """`page.evaluate(script, arg)` with `arg` and the answer sent as one JSON string each.

    The same values reach the page and come back (JSON data: strings, numbers, lists, objects), but Playwright
    checks a string in one step, where it walked every value of a structure (the base64 files, the serialized
    index, 3,000 word forms): seconds of this process's CPU per test. A NaN or a missing answer still fails
    (JSON gives null, which equals no number).
    """
    return json.loads(
        page.evaluate(f"async (arg) => JSON.stringify(await ({script})(JSON.parse(arg)))", json.dumps(arg))
    )


def python_side(words: list[str]) -> list[list[Any]]:
    return [[text.normalize(w), text.tokenize(w), text.terms(w)] for w in words]


JS_SIDE = """([spec, words]) => {
  const t = sitegenText.make(spec);
  return words.map(w => [t.normalize(w), t.tokenize(w), t.terms(w)]);
}"""


def test_search_parity_word_forms(js: Page) -> None:
    assert len(FORMS) >= 3000
    assert in_page(js, JS_SIDE, [text.SPEC, FORMS]) == python_side(FORMS)


def test_search_parity_edge_cases(js: Page) -> None:
    pieces = [EDGE_CASES, *EDGE_CASES.split(" "), "", "   ", "\n\t"]
    got = in_page(js, JS_SIDE, [text.SPEC, pieces])
    assert got == python_side(pieces)
    assert got[0][2][:8] == ["україн", "нат", "2", "000", "грн", "пам", "рют", "getty"]


def test_search_parity_lunr_pipelines(js: Page) -> None:
    """The functions registered under the uk-* labels do the same in lunr.py and lunr.js."""
    sample = [EDGE_CASES, *FORMS[::25]]
    py = []
    pipeline = Pipeline()
    for fn, _label in PIPELINE:
        pipeline.add(fn)
    for w in sample:
        py.append([str(t) for t in pipeline.run([Token(w)])])
    got = in_page(
        js,
        """([spec, words]) => {
          sitegenText.install(lunr, spec);
          const p = lunr.Pipeline.load(["uk-normalize", "uk-stopwords", "uk-stemmer"]);
          return words.map(w => p.run([new lunr.Token(w)]).map(String));
        }""",
        [text.SPEC, sample],
    )
    assert got == py


def python_answers(serialized: dict[str, Any]) -> list[list[tuple[str, float]]]:
    """lunr.py's answers to QUERIES from lunr.py's own `Builder` index of every field (the reference)."""
    return [answers(serialized, clauses, required) for clauses, required in QUERIES]


ASK_SHIPPED = """async ([manifest, files, queries, fresh]) => {
  const fetched = [];
  const get = url => {
    const name = url.split("/").pop();
    if (name.startsWith("terms.")) fetched.push(name);
    return name in files  /* the bytes as the build wrote them (packed), as a host sends them */
      ? Promise.resolve(new Response(Uint8Array.from(atob(files[name]), c => c.charCodeAt(0))))
      : Promise.reject(new Error("no " + name));
  };
  const result = [];
  const open = () => sitegenSearchIndex.open(manifest, "http://sitegen.test/search/index.json", get);
  let index = open();
  for (const [clauses, required] of queries) {
    if (fresh) index = open();  /* what one query fetches; else the shards add up, as on the page */
    fetched.length = 0;
    const terms = clauses.map(([term, prefix]) => ({ term, prefix }));
    await index.load(terms);
    const hits = index.rank(terms, required);
    result.push({ hits: hits.map(r => [r.ref, Math.round(r.score * 1e9) / 1e9]), fetched: fetched.slice() });
  }
  return result;
}"""

ASK_LUNR_JS = """([spec, serialized, queries]) => {
  sitegenText.install(lunr, spec);
  const idx = lunr.Index.load(serialized);
  return queries.map(([clauses, required]) => idx.query(q => clauses.forEach(([term, prefix]) => q.term(term, {
    usePipeline: false,
    presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
    wildcard: prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
  }))).map(r => [r.ref, Math.round(r.score * 1e9) / 1e9]));
}"""
"""lunr.js's own query (as search-uk.md §4.3 builds it) of a serialized index: the reference in the browser."""


def rank(hit: tuple[str, float]) -> tuple[float, int]:
    return (-hit[1], -int(hit[0]))


def test_search_parity_lunr_form_answers_alike_in_the_browser(js: Page) -> None:
    """lunr.py's index, loaded whole by lunr.js (`lunr.Index.load`), answers as lunr.py does."""
    serialized = fixture_lunr_index()
    expected = python_answers(serialized)
    assert sum(1 for a in expected if a) >= 9  # the queries do find things
    got = in_page(js, ASK_LUNR_JS, [text.SPEC, serialized, QUERIES])
    assert [sorted((tuple(h) for h in a), key=rank) for a in got] == expected


def assert_same(got: list[dict[str, Any]], expected: list[list[tuple[str, float]]]) -> None:
    """Same refs in the same order, scores within 1e-6 (summed field scores may differ in the last bits)."""
    for answer, want in zip(got, expected, strict=True):
        hits = sorted((tuple(h) for h in answer["hits"]), key=rank)
        assert [ref for ref, _ in hits] == [ref for ref, _ in want]
        assert all(abs(a[1] - b[1]) <= 1e-6 for a, b in zip(hits, want, strict=True))


@pytest.mark.parametrize("shard_bytes", [300, search_files.SHARD_BYTES])
def test_search_parity_shipped_index_answers_alike_in_the_browser(
    js: Page, monkeypatch: pytest.MonkeyPatch, shard_bytes: int
) -> None:
    """The index as the site ships it, ranked by search-index.js shard by shard, answers as lunr.py's Builder
    and as lunr.js's own query of the same shipped index."""
    monkeypatch.setattr(search_files, "SHARD_BYTES", shard_bytes)
    shipped = from_outputs(render_search_index(fixture_entries()))
    files = {name: base64.b64encode(data).decode("ascii") for name, data in shipped.files.items()}
    expected = python_answers(fixture_lunr_index())
    got = in_page(js, ASK_SHIPPED, [shipped.manifest, files, QUERIES, True])
    assert_same(got, expected)
    one_page = in_page(js, ASK_SHIPPED, [shipped.manifest, files, QUERIES, False])
    assert_same(one_page, expected)
    by_lunr_js = in_page(js, ASK_LUNR_JS, [text.SPEC, lunr_form(shipped), QUERIES])
    assert_same([{"hits": hits} for hits in by_lunr_js], expected)
    if shard_bytes == 300:  # many shards: a query fetches only those its terms can be in
        shards = shipped.manifest["shards"]
        runs = [shard["terms"] for shard in shipped.shards]
        assert len(shards) > 20
        assert got[0]["fetched"] == [name for (_, name), run in zip(shards, runs, strict=True) if "україн" in run]
        with_p = [name for (_, name), run in zip(shards, runs, strict=True) if any(t.startswith("п") for t in run)]
        # п*: every shard with a word in п, and the shard п itself sorts into (the manifest names first terms
        # only: that shard may end with a word in п even when, as here, it happens to hold none)
        where = max(i for i, (first, _) in enumerate(shards) if first <= "п")
        can_hold = [
            name for i, (first, name) in enumerate(shards) if i == where or (i > where and first.startswith("п"))
        ]
        assert len(with_p) > 1 and set(with_p) <= set(can_hold) and len(can_hold) <= len(with_p) + 1
        assert sorted(got[7]["fetched"]) == sorted(can_hold)


def test_search_parity_fragments_in_the_browser(js: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    """search-index.js gives the fragments of any refs, across fragment groups, as the build wrote them, each asked
    for with its group's hash."""
    monkeypatch.setattr(search_files, "FRAGMENTS_PER_GROUP", 16)
    shipped = from_outputs(render_search_index(fixture_entries()))
    groups = shipped.manifest["documents"]["groups"]
    assert len(groups) == 4
    files = {name: base64.b64encode(data).decode("ascii") for name, data in shipped.files.items()}
    wanted = [59, 0, 16, 15, 31, 47, 48]
    got = in_page(
        js,
        """async ([spec, manifest, files, refs]) => {
          const asked = [];
          const get = url => {
            const name = url.split("/search/")[1];
            asked.push(name);
            const data = atob(files[name.split("?")[0]]);
            return Promise.resolve(new Response(Uint8Array.from(data, c => c.charCodeAt(0))));
          };
          const index = sitegenSearchIndex.open(manifest, "http://sitegen.test/search/index.json", get);
          return [await index.fragments(refs.map(String)), asked];
        }""",
        [text.SPEC, shipped.manifest, files, wanted],
    )
    assert got[0] == [shipped.rows[ref] for ref in wanted]
    assert got[1] == [f"docs/{ref}.jz?v={groups[ref // 16]}" for ref in wanted]  # one request per fragment
