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
from collections.abc import Iterator, Sequence

K1 = 1.2
"""lunr's BM25 term frequency saturation (`Builder.k1`)."""
B = 0.75
"""lunr's field length normalisation (`Builder.b`)."""

Counts = tuple[Sequence[str], Sequence[bytes]]
"""One article: per field, its distinct terms joined by spaces and their counts (`array("H")` bytes)."""


def term_order(term: str) -> bytes:
    """Sort key of terms: UTF-16 code units, the order of JavaScript's `<` on strings (search-index.js)."""
    return term.encode("utf-16-be")


def term_postings(articles: Sequence[Counts], boosts: Sequence[int]) -> Iterator[tuple[str, list[int]]]:
    """(term, `[ref delta, score × 1000, …]`) for every term, in `term_order`; refs are positions in `articles`.

    A posting's score is the sum over fields of lunr's field score, each rounded to 3 decimals first.
    Made one term at a time (the caller writes each away: all of them as lists of ints would be
    tens of megabytes at 5,000 articles).
    """
    fields = len(boosts)
    ids: dict[str, int] = {}
    occurrences: list[array[int]] = []  # per term id: ref, field, count, ref, field, count, …
    lengths = [array("I") for _ in range(fields)]
    for ref, (terms, counts) in enumerate(articles):
        for field in range(fields):
            tfs = array("H")
            tfs.frombytes(counts[field])
            lengths[field].append(sum(tfs))
            if not tfs:
                continue
            for term, tf in zip(terms[field].split(" "), tfs, strict=True):
                term_id = ids.get(term)
                if term_id is None:
                    term_id = ids[term] = len(occurrences)
                    occurrences.append(array("I"))
                occurrences[term_id].extend((ref, field, tf))
    total = len(articles)
    # lunr.py: k1 * (1 - b + b * (length / average)), the same float for every term of a field
    norms: list[list[float]] = []
    for field in range(fields):
        average = sum(lengths[field]) / total if total else 0
        norms.append([K1 * (1 - B + B * (length / average)) for length in lengths[field]] if average else [])
    for term in sorted(ids, key=term_order):
        found = occurrences[ids[term]]
        with_term = len(found) // 3
        idf = math.log(1 + abs((total - with_term + 0.5) / (with_term + 0.5)))
        flat: list[int] = []
        previous, last = 0, -1
        for k in range(0, len(found), 3):
            ref, field, tf = found[k], found[k + 1], found[k + 2]
            score = idf * ((K1 + 1) * tf) / (norms[field][ref] + tf)
            score *= boosts[field]
            value = round(round(score, 3) * 1000)
            if ref == last:
                flat[-1] += value
            else:
                flat += (ref - previous, value)
                previous = last = ref
        yield term, flat
