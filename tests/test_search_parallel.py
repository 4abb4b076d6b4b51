"""A clean build's search scores, half the terms scored by a forked worker, are the ones one process makes."""

from __future__ import annotations

import random
from typing import Any

import pytest

from sitegen.render import search_scores
from sitegen.render.search import FIELDS, field_terms
from sitegen.render.search_scores import Counts, Scores
from tests.conftest import count_forks

pytestmark = pytest.mark.timeout(30)


def articles(count: int) -> list[Counts]:
    rng = random.Random(18)
    words = [f"слово{i}" for i in range(300)] + ["україна"] * 40  # (a term in most articles: blocked postings)
    found: list[Counts] = []
    for _ in range(count):
        pairs = [field_terms(" ".join(rng.choices(words, k=rng.randint(0, 30)))) for _ in FIELDS]
        found.append(([t for t, _ in pairs], [c for _, c in pairs]))
    return found


def facts(scores: Scores) -> list[Any]:
    return [
        scores.counter,
        [
            (term, p.refs.tolist(), p.scores.tolist(), p.blocks, p.version, p.since, p.occurrences.tolist())
            for term, p in scores.terms.items()
        ],
    ]


def test_forked_scoring_makes_the_same_postings(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = articles(400)
    boosts = [boost for _, boost in FIELDS]
    monkeypatch.setattr(search_scores, "PARALLEL_MIN_ARTICLES", 10**9)
    alone = Scores.of(counts, boosts, counter=7)
    forked = count_forks(monkeypatch, search_scores)
    monkeypatch.setattr(search_scores, "PARALLEL_MIN_ARTICLES", 2)
    both = Scores.of(counts, boosts, counter=7)
    assert forked == [1]
    assert facts(both) == facts(alone)
    assert any(p.blocks for p in alone.terms.values())  # (blocked postings were compared too)
