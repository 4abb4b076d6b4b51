"""Related stories worked out by two processes (a large site) are the ones one process finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import BuildOptions, load_site
from sitegen.content import related as related_module
from sitegen.content.related import build_related
from tests.conftest import count_forks
from tests.test_related import topic_site

pytestmark = pytest.mark.timeout(30)


def test_two_processes_find_what_one_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, site = load_site(topic_site(tmp_path / "s"), BuildOptions())
    pages = site.newest()
    monkeypatch.setattr(related_module, "MAX_POSTINGS", 3)  # capped postings: candidates found one way only
    monkeypatch.setattr(related_module, "PARALLEL_MIN_PAGES", len(pages) + 1)
    alone = build_related(pages)
    forked = count_forks(monkeypatch, related_module)
    monkeypatch.setattr(related_module, "PARALLEL_MIN_PAGES", 2)
    assert build_related(pages) == alone
    assert build_related(list(reversed(pages))) == alone
    assert forked == [1, 1, 1, 1]  # candidates, then cosines, each with one forked worker; twice
    assert sum(len(ids) for ids in alone.values()) > len(pages)  # (something to compare)
