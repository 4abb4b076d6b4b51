"""What a large build keeps once instead of once a page, and what it never holds (issue 18, peak memory at 100k).

- names many pages repeat (tags, rubric, authors, source, language) and the UTC offsets of their dates are one
  object each, not a copy per page; so are the key lines of pages written from one layout (`sitegen build`);
- related stories of a large site are worked out in a forked process (its short-lived objects never scatter the
  build's memory): the same stories as worked out here;
- a build cache piece is pickled straight into its file (never held as bytes beside the state), and an `array`
  is written from itself, not through a `bytes` copy that the pickle keeps to the end of the dump.
"""

from __future__ import annotations

import os
import pickle
import zlib
from array import array
from datetime import UTC, datetime
from pathlib import Path

import pytest

import sitegen.content.related as related
from sitegen.build import BuildOptions, load_site
from sitegen.buildcache import _write_piece
from sitegen.content.related import build_related
from sitegen.engine import Engine, EngineOptions
from sitegen.render.search_scores import Postings
from tests.conftest import many_pages

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return many_pages(tmp_path_factory.mktemp("sharing") / "s", 12)


@pytest.mark.timeout(30)
def test_repeated_names_and_offsets_are_one_object(site: Path) -> None:
    _, model = load_site(site, BuildOptions(now=NOW), related=False)
    pages = model.newest()
    by_tag: dict[str, list[str]] = {}
    for page in pages:
        for tag in page.meta.tags:
            by_tag.setdefault(tag, []).append(tag)
    assert all(len({id(t) for t in same}) == 1 for same in by_tag.values())
    assert max(len(same) for same in by_tag.values()) > 1  # (the check above compared something)
    assert len({id(p.meta.date.tzinfo) for p in pages}) == 1
    assert len({p.meta.lang for p in pages}) == 1


@pytest.mark.timeout(30)
def test_pages_of_one_layout_share_their_key_lines(site: Path) -> None:
    engine = Engine(site, EngineOptions(lean=True), clock=lambda: NOW)
    pages = engine.load().newest()
    assert len(pages) == 12
    assert len({id(p.key_lines) for p in pages}) == 1
    assert dict(pages[0].key_lines) == {"title": 2, "date": 3, "tags": 4, "summary": 5}


@pytest.mark.timeout(60)
def test_related_stories_worked_out_in_a_forked_process_are_the_same(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, model = load_site(site, BuildOptions(now=NOW), related=False)
    pages = model.newest()
    here = build_related(pages)
    forked: list[int] = []
    real_forked = related.Forked

    def counted(*args: object, **kwargs: object) -> object:
        forked.append(1)
        return real_forked(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(related, "FORKED_MIN", 2)
    monkeypatch.setattr(related, "Forked", counted)
    assert build_related(pages) == here
    assert forked == [1]
    assert any(here.values())  # (some page has related stories: the comparison says something)
    by_id = {p.id: p for p in pages}
    assert all(by_id[page_id].id is page_id for page_id in build_related(pages))  # the model's own ids


@pytest.mark.timeout(30)
def test_a_cache_piece_is_written_as_it_is_pickled(tmp_path: Path) -> None:
    terms = {
        f"t{i}": Postings(occurrences=array("Q", range(i)), refs=array("I", [i]), scores=array("I", [7]))
        for i in range(50)
    }
    name, size, crc = _write_piece(tmp_path, (terms, array("d", [0.5, 1.25])), {})
    assert os.listdir(tmp_path) == [name]  # no temp file left
    data = (tmp_path / name).read_bytes()
    assert len(data) == size and zlib.crc32(data) == crc
    back, numbers = pickle.loads(data)
    assert back == terms and numbers == array("d", [0.5, 1.25])
    assert type(back["t3"].occurrences) is array and back["t3"].occurrences.typecode == "Q"


@pytest.mark.timeout(30)
def test_a_piece_that_fails_to_pickle_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises((pickle.PicklingError, TypeError, AttributeError)):
        _write_piece(tmp_path, (lambda: None,), {})
    assert os.listdir(tmp_path) == []
