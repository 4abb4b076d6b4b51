"""Related stories: for each article, up to `MAX_RELATED` others that are about the same thing.

Each article is a TF-IDF vector over the terms of its title (weight `TITLE_WEIGHT`), its summary
and its tags (a tag is one feature, `TAG_WEIGHT`), terms coming from the search pipeline
(`sitegen.text.terms`: normalised, stop words out, Ukrainian stemmer), so "переговори" in one title
meets "переговорів" in another. Two articles are as related as the cosine of their vectors.

Time is about linear in the number of articles. Candidates come from an inverted index: an article's
`CANDIDATE_TERMS` strongest terms sum partial dot products with the articles in their postings, and
each postings list is capped at the `MAX_POSTINGS` articles where the term weighs most (a term like
"Україна" on a Ukrainian digest is in thousands); the `RESCORED` best candidates then get the exact
cosine over the whole vectors. So an article costs at most `CANDIDATE_TERMS × MAX_POSTINGS` additions
and on average `2 × RESCORED` dot products, whatever the size of the site; below `MAX_POSTINGS`
articles nothing is capped.

Deterministic: ties (scores equal to 9 decimals) go to the newer article, then the smaller id.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import TypeVar

from sitegen.content.model import Page, Site
from sitegen.text import terms
from sitegen.workers import Forked, can_fork, fork_pays, run_in_workers

T = TypeVar("T")

MAX_RELATED = 3
MAX_POSTINGS = 64
"""Articles kept in one term's postings: those where the term weighs most (see the module docstring)."""
CANDIDATE_TERMS = 8
"""An article's strongest terms that look for candidates."""
RESCORED = 16
"""Candidates per article that get the exact cosine."""
MIN_SCORE = 0.05
"""Below this cosine two articles merely share a common word."""
TITLE_WEIGHT = 2.0
TAG_WEIGHT = 1.5
FORKED_MIN = 2000
"""From this many articles, `build_related` works in a forked process."""


def _features(page: Page) -> dict[str, float]:
    """Weighted term counts of one article: title terms count double, each tag is one feature."""
    features: dict[str, float] = defaultdict(float)
    for term in terms(page.title):
        features[term] += TITLE_WEIGHT
    for term in terms(page.meta.summary or ""):
        features[term] += 1.0
    for slug in page.tag_slugs:
        features["#" + slug] += TAG_WEIGHT  # `#` keeps a tag apart from a word with the same letters
    return features


def _vectors(pages: Sequence[Page]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors, one per page."""
    features = [_features(page) for page in pages]
    df: Counter[str] = Counter()
    for feats in features:
        df.update(feats.keys())
    count = len(pages)
    vectors: list[dict[str, float]] = []
    for feats in features:
        vector = {t: w * math.log(1 + count / df[t]) for t, w in feats.items()}
        norm = math.sqrt(sum(w * w for w in vector.values()))
        vectors.append({t: w / norm for t, w in vector.items()} if norm else {})
    return vectors


def build_related(pages: Sequence[Page]) -> Mapping[str, tuple[str, ...]]:
    """Page id -> ids of its most related articles, best first (at most `MAX_RELATED`; maybe none).

    From `PARALLEL_MIN_PAGES` articles the candidates and their cosines are worked out by two processes, each for
    half the articles. From `FORKED_MIN` on, the whole of it is worked out in one forked process instead: made
    here, its vectors and candidates left the build ~4 KB a page more memory that it did not give back (+21 MiB
    over this step at 5,000 bench articles; +1.6 MiB forked). The child splits the work with a worker of its own
    as this process would (the main process waits meanwhile: alone, the child took 1.9 CPU s at 5,000). The child
    hands back positions only; the ids are the pages'. The result is the same either way."""
    parts = 2 if fork_pays(len(pages), PARALLEL_MIN_PAGES) else 1
    if len(pages) >= FORKED_MIN and can_fork():
        task = functools.partial(_related_positions, pages, parts)
        with Forked(task, "sitegen-related", workers=parts > 1) as child:
            positions = child.result()
    else:
        positions = _related_positions(pages, parts)
    return {page.id: tuple(pages[j].id for j in best) for page, best in zip(pages, positions, strict=True)}


def _related_positions(pages: Sequence[Page], parts: int) -> list[tuple[int, ...]]:
    """By position in `pages`: the positions of its most related articles, best first; worked out by `parts`
    processes (this one and forked workers)."""
    vectors = _vectors(pages)
    stamps = [page.meta.date.timestamp() for page in pages]
    # Ties between equal weights or scores go to the newer article, then the smaller id: never to the
    # position in `pages`, so the result does not depend on their order.
    rank = {j: r for r, j in enumerate(sorted(range(len(pages)), key=lambda j: (-stamps[j], pages[j].id)))}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings[term].append((i, weight))
    for term, docs in postings.items():
        if len(docs) > MAX_POSTINGS:
            # Only weights up to the MAX_POSTINGS-th largest can make the cut: rank those alone
            # (a sort of floats in C, then a keyed ranking of a few; the same result, issue 18).
            floor = sorted([w for _, w in docs], reverse=True)[MAX_POSTINGS - 1]
            top = [d for d in docs if d[1] >= floor]
            postings[term] = heapq.nsmallest(MAX_POSTINGS, top, key=lambda d: (-d[1], rank[d[0]]))
    # Candidates: the articles sharing one of an article's strongest terms, ranked by that partial dot
    # product. A capped postings list can hide j from i but not i from j, so a pair found either way
    # is a candidate both ways (at most 2 × RESCORED per article on average).
    candidates: list[set[int]] = [set() for _ in pages]
    found = functools.partial(_found_by, vectors, postings, rank)
    for i, best in _in_parts(found, len(pages), parts):
        for j in best:
            candidates[i].add(j)
            candidates[j].add(i)
    # Each pair's exact cosine once (it is the same either way round), kept for both articles.
    scored: list[list[tuple[float, int, int]]] = [[] for _ in pages]
    for i, j, score in _in_parts(functools.partial(_cosines, vectors, candidates), len(pages), parts):
        rounded = -round(score, 9)
        scored[i].append((rounded, rank[j], j))
        scored[j].append((rounded, rank[i], i))
    return [tuple(j for *_, j in heapq.nsmallest(MAX_RELATED, ranked)) for ranked in scored]


PARALLEL_MIN_PAGES = 300
"""From this many articles on, related stories are worked out by two processes (a fork costs a few ms)."""


def _found_by(
    vectors: Sequence[Mapping[str, float]],
    postings: Mapping[str, Sequence[tuple[int, float]]],
    rank: Mapping[int, int],
    refs: range,
) -> list[tuple[int, list[int]]]:
    """For each article of `refs`: the `RESCORED` articles its strongest terms find, best first."""
    found = []
    for i in refs:
        vector = vectors[i]
        keys = heapq.nsmallest(CANDIDATE_TERMS, vector, key=lambda t: (-vector[t], t))
        partial: dict[int, float] = defaultdict(float)
        for term in keys:
            weight = vector[term]
            for j, other in postings[term]:
                partial[j] += weight * other
        partial.pop(i, None)
        best = partial
        if len(partial) > RESCORED:
            # Rounding to 9 decimals reorders only scores within 1e-9 of each other, so nothing
            # more than 2e-9 below the RESCORED-th largest raw score can be among the best.
            floor = sorted(partial.values(), reverse=True)[RESCORED - 1] - 2e-9
            best = {j: v for j, v in partial.items() if v >= floor}
        found.append((i, heapq.nsmallest(RESCORED, best, key=lambda j: (-round(best[j], 9), rank[j]))))
    return found


def _cosines(
    vectors: Sequence[Mapping[str, float]], candidates: Sequence[set[int]], refs: range
) -> list[tuple[int, int, float]]:
    """(i, j, cosine) of each candidate pair i < j of the articles `refs`, where the cosine is `MIN_SCORE` or more."""
    found = []
    for i in refs:
        vector = vectors[i]
        for j in candidates[i]:
            if j > i:
                other_vector = vectors[j]
                # Sorted so the float sum is the same whichever way round two articles are compared.
                score = sum(vector[t] * other_vector[t] for t in sorted(vector.keys() & other_vector.keys()))
                if score >= MIN_SCORE:
                    found.append((i, j, score))
    return found


def _in_parts(task: Callable[[range], list[T]], count: int, parts: int) -> list[T]:
    """`task` over articles 0 … count − 1: in this process, or split with forked workers (every `parts`-th article
    each, so both get early and late ones alike); the results of each part in turn."""
    shares = [range(first, count, parts) for first in range(parts)]
    if parts == 1:
        return task(shares[0])
    done, mine = run_in_workers(task, shares[1:], parts - 1, functools.partial(task, shares[0]))
    return [result for part in (mine, *done) for result in part]


def related_inputs(page: Page) -> tuple[object, ...]:
    """Everything `build_related` reads of one page (`serve` reuses the result while none changes)."""
    return (page.id, page.title, page.meta.summary, page.tag_slugs, page.meta.date)


def with_related(site: Site, memo: dict[str, object] | None = None) -> Site:
    """`site` with every page's `related_ids` filled in.

    `memo` (kept by `serve` between builds) holds the last result and its inputs: a body edit
    does not change any article's relations, so they are not computed again.
    """
    newest = site.newest()
    if memo is None:
        related = build_related(newest)
    else:
        key = tuple(related_inputs(page) for page in newest)
        if memo.get("key") != key:
            memo["key"], memo["related"] = key, build_related(newest)
        related = memo["related"]  # type: ignore[assignment]
    pages = {page_id: replace(page, related_ids=related[page_id]) for page_id, page in site.pages.items()}
    return replace(site, pages=MappingProxyType(pages))
