"""lunr's BM25 scores of every term in every article, from per-field term counts: lunr.py's `Builder`, made lean.

lunr.py's `Builder` keeps a dict per field of every article and a posting dict per (term, field,
article); for whole bodies at 5,000 articles that was tens of seconds and hundreds of megabytes.
The scores only need, per field, each article's term counts and length, so that is all this keeps:
one `array` per term of (ref, field, count) triples. The arithmetic is lunr.py's own, operation for
operation, so each field score rounds (to 3 decimals, as lunr.py does) to the very same number:

    idf   = log(1 + |(N - n + 0.5) / (n + 0.5)|)      n: (article, field) pairs holding the term
    score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length / average length)) + tf) * boost

lunr scores a match as Σ over fields of (query vector · field vector) / |query vector|, and a query
whose clauses name no field (the search page's never do) has the same query vector in every field; so
a term's field scores in an article, summed, give lunr's very score in one field: one posting per
term and article is shipped (search_files.py). tests/test_search.py checks the answers against
lunr.py's `Builder` on the same documents.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator, Sequence

K1 = 1.2
"""lunr's BM25 term frequency saturation (`Builder.k1`)."""
B = 0.75
"""lunr's field length normalisation (`Builder.b`)."""

FIELD_BITS = 3
FIELD_SLOTS = 1 << FIELD_BITS
FIELD_MASK = FIELD_SLOTS - 1
"""An occurrence is kept as `ref × FIELD_SLOTS + field` and its count: up to eight fields."""
_SAFE_LOW, _SAFE_HIGH = 1e-6, 1 - 1e-6
"""A scaled score this far from a half rounds alike in float and in decimal."""

Counts = tuple[Sequence[str], Sequence[bytes]]
"""One article: per field, its distinct terms joined by spaces and their counts (`array("H")` bytes)."""


def term_order(term: str) -> bytes:
    """Sort key of terms: UTF-16 code units, the order of JavaScript's `<` on strings (search-index.js)."""
    return term.encode("utf-16-be")


def term_postings(articles: Iterable[Counts], boosts: Sequence[int]) -> Iterator[tuple[str, list[int]]]:
    """(term, `[ref delta, score × 1000, …]`) for every term, in `term_order`; refs are positions in `articles`.

    A posting's score is the sum over fields of lunr's field score, each rounded to 3 decimals first.
    Made one term at a time (the caller writes each away: all of them as lists of ints would be
    tens of megabytes at 5,000 articles).
    """
    fields = len(boosts)
    assert fields <= FIELD_SLOTS
    ids: dict[str, int] = {}
    occurrences: list[array[int]] = []  # per term id: ref × FIELD_SLOTS + field, count, …
    lengths = [array("I") for _ in range(fields)]
    for ref, (terms, counts) in enumerate(articles):
        for field in range(fields):
            tfs = array("H")
            tfs.frombytes(counts[field])
            lengths[field].append(sum(tfs))
            if not tfs:
                continue
            slot = ref * FIELD_SLOTS + field
            for term, tf in zip(terms[field].split(" "), tfs, strict=True):
                term_id = ids.get(term)
                if term_id is None:
                    term_id = ids[term] = len(occurrences)
                    occurrences.append(array("I"))
                occurrences[term_id].extend((slot, tf))
    total = len(lengths[0]) if fields else 0
    # lunr.py: k1 * (1 - b + b * (length / average)), the same float for every term of a field; by slot
    norms = array("d", bytes(8 * FIELD_SLOTS * total))
    for field in range(fields):
        average = sum(lengths[field]) / total if total else 0
        if average:
            for ref, length in enumerate(lengths[field]):
                norms[ref * FIELD_SLOTS + field] = K1 * (1 - B + B * (length / average))
    slot_boosts = [float(boosts[f]) if f < fields else 0.0 for f in range(FIELD_SLOTS)]
    saturation = K1 + 1
    drained = array("I")
    for term in sorted(ids, key=term_order):
        found = occurrences[ids[term]]
        occurrences[ids[term]] = drained  # (its memory goes to the shards being written)
        with_term = len(found) // 2
        idf = math.log(1 + abs((total - with_term + 0.5) / (with_term + 0.5)))
        flat: list[int] = []
        previous, last = 0, -1
        for slot, tf in zip(found[0::2], found[1::2], strict=True):
            # lunr.py's operations in lunr.py's order, so the float is the very same
            score = idf * (saturation * tf) / (norms[slot] + tf)
            score *= slot_boosts[slot & FIELD_MASK]
            # round(round(score, 3) * 1000), i.e. score × 1000 to the nearest integer, ties to even, of
            # its exact decimal value; the float product rounds the same unless it is within a hair of .5
            scaled = score * 1000
            value = int(scaled + 0.5)
            if not _SAFE_LOW < scaled + 0.5 - value < _SAFE_HIGH:
                value = round(round(score, 3) * 1000)
            ref = slot >> FIELD_BITS
            if ref == last:
                flat[-1] += value
            else:
                flat += (ref - previous, value)
                previous = last = ref
        yield term, flat
