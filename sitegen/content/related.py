"""Related stories: for each article, up to `MAX_RELATED` others that are about the same thing.

Each article is a TF-IDF vector over the terms of its title (weight `TITLE_WEIGHT`), its summary
and its tags (a tag is one feature, `TAG_WEIGHT`), terms coming from the search pipeline
(`sitegen.text.terms`: normalised, stop words out, Ukrainian stemmer), so "переговори" in one title
meets "переговорів" in another. Two articles are as related as the cosine of their vectors.

Time is about linear in the number of articles: scores are summed through an inverted index, and a
term found in more than `MAX_POSTINGS` articles ("Україна" on a Ukrainian digest) is left out of the
vectors altogether, since it says little about any one story; so an article meets at most
`MAX_POSTINGS` others per term it has. Below that size (most sites) the cosine is exact.

Deterministic: ties (scores equal to 9 decimals) go to the newer article, then the smaller id.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from sitegen.content.model import Page, Site
from sitegen.text import terms

MAX_RELATED = 3
MAX_POSTINGS = 200
"""Articles a term may be in and still count (see the module docstring)."""
MIN_SCORE = 0.05
"""Below this cosine two articles merely share a common word."""
TITLE_WEIGHT = 2.0
TAG_WEIGHT = 1.5


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


def build_related(pages: Sequence[Page]) -> Mapping[str, tuple[str, ...]]:
    """Page id -> ids of its most related articles, best first (at most `MAX_RELATED`; maybe none)."""
    features = [_features(page) for page in pages]
    df: Counter[str] = Counter()
    for feats in features:
        df.update(feats.keys())
    count = len(pages)
    vectors: list[dict[str, float]] = []
    for feats in features:
        vector = {t: w * math.log(1 + count / df[t]) for t, w in feats.items() if df[t] <= MAX_POSTINGS}
        norm = math.sqrt(sum(w * w for w in vector.values()))
        vectors.append({t: w / norm for t, w in vector.items()} if norm else {})
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for term, weight in vector.items():
            postings[term].append((i, weight))
    stamps = [page.meta.date.timestamp() for page in pages]
    related: dict[str, tuple[str, ...]] = {}
    for i, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            for j, other in postings[term]:
                scores[j] += weight * other
        scores.pop(i, None)
        best = heapq.nsmallest(
            MAX_RELATED,
            ((-round(s, 9), -stamps[j], pages[j].id, j) for j, s in scores.items() if s >= MIN_SCORE),
        )
        related[pages[i].id] = tuple(pages[j].id for *_, j in best)
    return related


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
