"""What the main process of a build holds per article until the build ends (issue 18, peak memory).

- a search entry's fragment is the shipped, packed file itself, made in the worker (the body text is most of an
  entry: packed, a third of it), and the index ships those very bytes;
- the list items the list pages share (`theme.teasers`) are forgotten once the lists are made;
- the search scores read each article's terms once, unpacked one at a time (`Scores.of` takes an iterator);
- a lean page keeps no second copy of its front matter's data unless an alias error may quote it;
- what the workers send back shares the model's texts (id, path, title, summary, authors) instead of copies.
"""

from __future__ import annotations

import json
import shutil
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.content.load import build_site
from sitegen.engine import Engine, EngineOptions
from sitegen.images import ImageSet
from sitegen.render.articles import RenderedArticle
from sitegen.render.cache import RenderCache
from sitegen.render.parallel import articles_in_workers
from sitegen.render.search import FIELDS, counts_of, entry_of, render_search_index
from sitegen.render.search_files import INDEX_DIR
from sitegen.render.search_scores import Scores
from sitegen.source.files import read_sources
from sitegen.workers import run_in_workers
from tests.conftest import REPO, many_pages

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = many_pages(tmp_path / "s", 6)
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")
    return site


@pytest.mark.timeout(30)
def test_search_fragment_is_the_shipped_packed_file() -> None:
    texts = ["Заголовок", "НАТО", "Світ", "Авторка", "Короткий опис", "", "Тіло статті про переговори."]
    row = ["Заголовок", "/a/", "2026-02-01", "1 лютого", [["НАТО", "/tags/nato/"]]]
    entry = entry_of(texts, row)
    assert json.loads(zlib.decompress(entry.fragment)) == [*row, "Короткий опис", "Тіло статті про переговори."]
    assert json.loads(entry.row) == row
    files = render_search_index([entry])
    (fragment,) = files.fragments
    assert fragment.out_path.startswith(f"{INDEX_DIR}/docs/") and fragment.data is entry.fragment


@pytest.mark.timeout(30)
def test_scores_of_reads_an_iterator_once() -> None:
    entries = [
        entry_of([f"стаття {i} {'мир ' * i}", "", "", "", "", "", "переговори " * (i + 1)], [""]) for i in range(5)
    ]
    counts = [counts_of(e) for e in entries]
    boosts = [boost for _, boost in FIELDS]
    once, whole = Scores.of(iter(counts), boosts), Scores.of(counts, boosts)
    assert once.count == whole.count == 5
    assert {t: (p.refs.tolist(), p.scores.tolist()) for t, p in once.terms.items()} == {
        t: (p.refs.tolist(), p.scores.tolist()) for t, p in whole.terms.items()
    }


@pytest.mark.timeout(60)
def test_list_items_are_forgotten_after_the_render(site: Path) -> None:
    engine = Engine(site, EngineOptions(lean=True), clock=lambda: NOW)
    rendered = engine.render(engine.load())
    assert any(o.out_path.startswith("tags/") for o in rendered.outputs)  # (lists were made, with their items)
    assert engine.theme.teasers == {}


@pytest.mark.timeout(60)
def test_lean_pages_keep_front_matter_data_only_for_aliases(site: Path) -> None:
    page = site / "seeds" / "2025" / "02" / "a1.md"
    page.write_text(page.read_text("utf-8").replace("---\n", "---\naliases: [/old/a1/]\n", 1), "utf-8")
    engine = Engine(site, EngineOptions(lean=True), clock=lambda: NOW)
    model = engine.load()
    last = engine.state.loads.last
    assert last is not None
    loaded = {it.source.rel_path: it for it in last[0].loaded}
    assert dict(loaded["seeds/2025/02/a1.md"].fm.data)["aliases"] == ["/old/a1/"]
    plain = loaded["seeds/2025/01/a0.md"]
    assert dict(plain.fm.data) == {} and plain.fm.key_lines["title"] == 2
    assert model.pages["seeds/2025/01/a0.md"].key_lines is plain.fm.key_lines  # one copy, not two
    # the model is the one a build keeping every text in memory makes
    config = engine.load_config()
    sources, problems = read_sources(config.site_dir, config.seeds_dir)
    assert problems == [] and [r.url for r in model.redirects] == ["/old/a1/"]
    kept = build_site(config, sources, now=NOW)
    assert {i: (p.meta, p.url, dict(p.key_lines)) for i, p in kept.pages.items()} == {
        i: (p.meta, p.url, dict(p.key_lines)) for i, p in model.pages.items()
    }


@pytest.mark.timeout(60)
def test_results_from_workers_share_the_models_texts(site: Path) -> None:
    engine = Engine(site, EngineOptions(lean=True), clock=lambda: NOW)
    model = engine.load()
    pages = model.newest()
    no_lists: list[object] = []
    chunks, lists = articles_in_workers(
        model, engine.theme, pages, ImageSet(), 2, lambda: no_lists, RenderCache(), list
    )
    results = [r for chunk in chunks for r in chunk]
    assert lists == [] and len(results) == len(pages)
    for page, result in zip(pages, results, strict=True):
        assert isinstance(result, RenderedArticle)
        assert result.page_id is page.id and result.output.source is page.id
        assert result.lead.title is page.title and result.lead.summary is page.meta.summary


@pytest.mark.timeout(30)
def test_run_in_workers_applies_received_as_results_come_in() -> None:
    done, meanwhile = run_in_workers(abs, [-1, 2, -3, 4, -5], 2, lambda: "lists", received=lambda n: n * 10)
    assert (done, meanwhile) == ([10, 20, 30, 40, 50], "lists")


@pytest.mark.timeout(30)
def test_entries_from_a_worker_wait_on_disk_and_index_as_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle
    import sys

    from sitegen.render import search
    from sitegen.render.search import SearchEntry, SpooledEntry

    body = "Тіло статті про переговори, довге. " * 60
    entries = [
        entry_of([f"Стаття {i}", "", "", "", "", "", f"{body} {i}"], [f"Стаття {i}", f"/a/{i}/"]) for i in range(9)
    ]
    monkeypatch.setattr(search, "_MAIN", -1)  # pickled as a render worker sends it
    sent = pickle.dumps(entries)
    monkeypatch.undo()
    arrived = pickle.loads(sent)
    assert all(type(e) is SpooledEntry for e in arrived)
    assert all(sys.getsizeof(e) < 100 for e in arrived)  # (its bytes are not held: a fragment alone is 500)
    assert arrived == entries and entries == arrived and [hash(e) for e in arrived] == [hash(e) for e in entries]
    assert arrived[0] != arrived[1] and arrived[0] != entries[1]
    assert {type(e) for e in pickle.loads(pickle.dumps(arrived))} == {SearchEntry}  # saved in full
    plain, spooled = render_search_index(entries), render_search_index(arrived)
    assert [(o.out_path, o.data) for o in spooled.outputs] == [(o.out_path, o.data) for o in plain.outputs]
