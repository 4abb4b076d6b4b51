"""Related stories worked out by two processes (a large site) are the ones one process finds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import sitegen.workers
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


def test_a_forked_child_splits_the_work_like_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From `FORKED_MIN` articles the child works out related stories with a worker of its own: the same result."""
    _, site = load_site(topic_site(tmp_path / "s"), BuildOptions())
    pages = site.newest()
    monkeypatch.setattr(related_module, "MAX_POSTINGS", 3)
    monkeypatch.setattr(related_module, "PARALLEL_MIN_PAGES", len(pages) + 1)
    alone = build_related(pages)
    children: list[dict[str, object]] = []
    real_forked = sitegen.workers.Forked

    def spied(*args: Any, **kwargs: Any) -> Any:
        children.append(kwargs)
        return real_forked(*args, **kwargs)

    count_forks(monkeypatch, related_module)  # two cores
    real_run = sitegen.workers.run_in_workers
    log = tmp_path / "forks"

    def run_in_workers(*args: Any, **kwargs: Any) -> Any:  # (called in the child: it writes down what it forks)
        with log.open("a") as out:
            out.write(f"{os.getpid()} {args[2]}\n")
        return real_run(*args, **kwargs)

    monkeypatch.setattr(related_module, "run_in_workers", run_in_workers)
    monkeypatch.setattr(related_module, "Forked", spied)
    monkeypatch.setattr(related_module, "FORKED_MIN", 2)
    monkeypatch.setattr(related_module, "PARALLEL_MIN_PAGES", 2)
    assert build_related(pages) == alone
    assert children == [{"workers": True}]
    calls = log.read_text().split("\n")[:-1]
    assert [c.split()[1] for c in calls] == ["1", "1"]  # candidates, then cosines, each with one more worker
    assert {c.split()[0] for c in calls} != {str(os.getpid())}  # by the child
