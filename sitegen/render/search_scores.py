"""lunr's BM25 scores of every term in every article, from per-field term counts, kept so one edit redoes little.

lunr.py's `Builder` keeps a dict per field of every article and a posting dict per (term, field,
article); for whole bodies at 5,000 articles that was tens of seconds and hundreds of megabytes.
The scores only need, per field, each article's term counts and length, so that is all `Scores`
keeps, in compact arrays (no Python object per posting): per term, its occurrences
(`ref × FIELD_SLOTS + field` and count, one `array("Q")` code each) and its postings (refs and
summed scores, two `array("I")`). The arithmetic is lunr.py's own, operation for operation, so
each field score rounds (to 3 decimals, as lunr.py does) to the very same number:

    idf   = log(1 + |(N - n + 0.5) / (n + 0.5)|)      n: (article, field) pairs holding the term
    score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length / average length)) + tf) * boost

with one difference from lunr.py (DESIGN.md's search contract allows it; notes/inc18.md): the
average length of a field is rounded to a step of 1/`AVERAGE_STEPS` of a power of two
(`rounded_average`, ±0.55 %). An edit of one article then changes the scores of its own terms only
(its length, and the `n` of terms it gains or loses), not every score of the index; only when the
rounded average itself moves (about one body edit in fifty at 5,000 articles) is every score made
again. A clean build uses the same rounded average, so both give the same bytes.

lunr scores a match as Σ over fields of (query vector · field vector) / |query vector|, and a query
whose clauses name no field (the search page's never do) has the same query vector in every field; so
a term's field scores in an article, summed, give lunr's very score in one field: one posting per
term and article is shipped (search_files.py). tests/test_search.py checks the answers against
lunr.py's `Builder` (given the same rounded average) on the same documents.
"""

from __future__ import annotations

import json
import math
import operator
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sitegen.workers import fork_pays, run_in_workers

K1 = 1.2
"""lunr's BM25 term frequency saturation (`Builder.k1`)."""
B = 0.75
"""lunr's field length normalisation (`Builder.b`)."""
AVERAGE_STEPS = 64
"""A field's average length is rounded to 2 ** (k / AVERAGE_STEPS): steps of 1.09 %."""

FIELD_BITS = 3
FIELD_SLOTS = 1 << FIELD_BITS
FIELD_MASK = FIELD_SLOTS - 1
"""An occurrence is kept as `ref × FIELD_SLOTS + field` and its count: up to eight fields."""
TF_BITS = 16
TF_MASK = (1 << TF_BITS) - 1
"""An occurrence's code is `slot << TF_BITS | count` (counts are capped at 65,535 by the workers)."""
BLOCK_REFS = 256
BLOCKED = 128
"""A term with this many postings keeps its JSON in blocks of the postings of `BLOCK_REFS` consecutive refs."""
PARALLEL_MIN_ARTICLES = 300
"""From this many articles on, a forked worker scores half the terms of a clean build (`Scores._score_every_term`)."""
BLOCK_LEVEL = 1
"""zlib's level for a block's JSON: 2.5 times smaller (1,122 -> 455 bytes an article, bench corpus of 5,000)."""
_SAFE_LOW, _SAFE_HIGH = 1e-6, 1 - 1e-6
"""A scaled score this far from a half rounds alike in float and in decimal."""

Counts = tuple[Sequence[str], Sequence[bytes]]
"""One article: per field, its distinct terms joined by spaces and their counts (`array("H")` bytes)."""


def term_order(term: str) -> bytes:
    """Sort key of terms: UTF-16 code units, the order of JavaScript's `<` on strings (search-index.js)."""
    return term.encode("utf-16-be")


def rounded_average(total: int, count: int) -> float:
    """The average field length the scores use: `total / count` rounded to a step of `AVERAGE_STEPS`."""
    if total <= 0 or count <= 0:
        return 0.0
    return float(2.0 ** (round(math.log2(total / count) * AVERAGE_STEPS) / AVERAGE_STEPS))


def idf_of(total: int, with_term: int) -> float:
    """lunr's inverse document frequency of a term held by `with_term` (article, field) pairs of `total` articles."""
    return math.log(1 + abs((total - with_term + 0.5) / (with_term + 0.5)))


def scaled(score: float) -> int:
    """round(round(score, 3) * 1000), as lunr.py rounds a field score, i.e. score × 1000 to the nearest integer,
    ties to even, of its exact decimal value; the float product rounds the same unless within a hair of .5."""
    times = score * 1000
    value = int(times + 0.5)
    if not _SAFE_LOW < times + 0.5 - value < _SAFE_HIGH:
        value = round(round(score, 3) * 1000)
    return value


@dataclass(slots=True)
class Postings:
    """One term: where it occurs and its shipped postings."""

    occurrences: array[int] = field(default_factory=lambda: array("Q"))
    """`(ref × FIELD_SLOTS + field) << TF_BITS | count`, ascending: one per (article, field) holding the term."""
    refs: array[int] = field(default_factory=lambda: array("I"))
    """Articles holding the term, ascending."""
    scores: array[int] = field(default_factory=lambda: array("I"))
    """By position in `refs`: the score × 1000, summed over the fields (each rounded first)."""
    version: int = 0
    """Changes whenever `refs` or `scores` change (the shards that hold the term are made again)."""
    since: tuple[int, tuple[int, ...]] | None = None
    """(the version before the last `Scores.update`, the refs whose posting it changed); `None` when it scored
    every posting again: what the best refs of the term are worked out from again (`search_files`)."""
    blocks: dict[int, bytes] | None = None
    """The shipped JSON of a term of `BLOCKED` postings or more, by block of `BLOCK_REFS` refs (`postings_json`),
    so one article's edit encodes one block again, not the term's thousands of postings. Each deflated
    (`BLOCK_LEVEL`): digits and commas, they were a quarter of the scores' memory, kept to the build's end."""


def article_codes(ref: int, article: Counts) -> dict[str, list[int]]:
    """By term, the occurrence codes of one article, in field order."""
    terms, counts = article
    found: dict[str, list[int]] = {}
    for position in range(len(counts)):
        tfs = array("H")
        tfs.frombytes(counts[position])
        if not tfs:
            continue
        slot = (ref * FIELD_SLOTS + position) << TF_BITS
        for term, tf in zip(terms[position].split(" "), tfs, strict=True):
            codes = found.get(term)
            if codes is None:
                found[term] = [slot | tf]
            else:
                codes.append(slot | tf)
    return found


def field_lengths(article: Counts) -> list[int]:
    """Per field: how many terms (with repeats) an article has."""
    lengths = []
    for packed in article[1]:
        tfs = array("H")
        tfs.frombytes(packed)
        lengths.append(sum(tfs))
    return lengths


@dataclass(slots=True)
class Scores:
    """Every term's postings over `count` articles (refs 0 … count − 1), kept between builds."""

    boosts: tuple[int, ...]
    count: int = 0
    lengths: list[array[int]] = field(default_factory=list)
    """Per field, by ref: the article's length in terms."""
    totals: list[int] = field(default_factory=list)
    averages: list[float] = field(default_factory=list)
    """Per field: `rounded_average` of its lengths."""
    norms: array[float] = field(default_factory=lambda: array("d"))
    """By slot: lunr.py's `k1 * (1 - b + b * (length / average))`."""
    terms: dict[str, Postings] = field(default_factory=dict)
    counter: int = 0
    """The last `Postings.version` handed out."""

    @classmethod
    def of(cls, articles: Iterable[Counts], boosts: Sequence[int], counter: int = 0) -> Scores:
        """The scores of `articles` (refs are positions in it), made from scratch; versions count on from `counter`
        (the last one of the scores these replace, so no version names two different postings). `articles` is
        read once, in order: it may unpack each article as it is asked for (20,000 unpacked at once were 80 MB)."""
        fields = len(boosts)
        assert fields <= FIELD_SLOTS
        scores = cls(boosts=tuple(boosts), lengths=[array("I") for _ in range(fields)], counter=counter)
        codes: dict[str, array[int]] = {}
        # `field_lengths` and `article_codes` in one pass, straight into the arrays: calling them costs 14 % more
        # here (2.9 -> 3.3 CPU s for 5,000 synthetic articles), for the build's largest single search step.
        for ref, article in enumerate(articles):
            terms, counts = article
            for position in range(fields):
                tfs = array("H")
                tfs.frombytes(counts[position])
                scores.lengths[position].append(sum(tfs))
                if not tfs:
                    continue
                slot = (ref * FIELD_SLOTS + position) << TF_BITS
                for term, tf in zip(terms[position].split(" "), tfs, strict=True):
                    found = codes.get(term)
                    if found is None:
                        found = codes[term] = array("Q")
                    found.append(slot | tf)
            scores.count += 1
        scores.totals = [sum(lengths) for lengths in scores.lengths]
        scores.averages = [rounded_average(total, scores.count) for total in scores.totals]
        scores.norms = array("d", bytes(8 * FIELD_SLOTS * scores.count))
        for ref in range(scores.count):
            scores._set_norms(ref)
        for term, found in codes.items():
            scores.terms[term] = Postings(occurrences=found)
        scores._score_every_term()
        return scores

    def _score_every_term(self) -> None:
        """`_score_all` of every term, versions handed out in the terms' order. With many articles, a forked
        worker scores every other term meanwhile (it is the main process's largest step after the workers): the
        same postings and versions (tests/test_search_parallel.py)."""
        postings = list(self.terms.values())
        if not fork_pays(self.count, PARALLEL_MIN_ARTICLES):
            for held in postings:
                self._score_all(held)
            return
        first = self.counter
        done, _ = run_in_workers(
            self._scored_postings, [postings[1::2]], 1, lambda: self._scored_postings(postings[::2])
        )
        for held, (refs, values, blocks) in zip(postings[1::2], done[0], strict=True):
            held.refs = array("I", refs)
            held.scores = array("I", values)
            held.blocks = blocks
            held.since = None
        for version, held in enumerate(postings, first + 1):
            held.version = version
        self.counter = first + len(postings)

    def _scored_postings(self, postings: Sequence[Postings]) -> list[tuple[bytes, bytes, dict[int, bytes] | None]]:
        """`_score_all` of each of `postings`, and what it made of each, as a forked worker sends it back."""
        for held in postings:
            self._score_all(held)
        return [(held.refs.tobytes(), held.scores.tobytes(), held.blocks) for held in postings]

    def _set_norms(self, ref: int) -> None:
        for position, average in enumerate(self.averages):
            if average:
                length = self.lengths[position][ref]
                # lunr.py: k1 * (1 - b + b * (length / average)), the same float for every term of a field
                self.norms[ref * FIELD_SLOTS + position] = K1 * (1 - B + B * (length / average))

    def _score_all(self, postings: Postings) -> None:
        """Every posting of one term, from its occurrences (its `n`, so its idf, changed)."""
        found = postings.occurrences
        idf = idf_of(self.count, len(found))
        norms = self.norms
        slot_boosts = [float(self.boosts[f]) if f < len(self.boosts) else 0.0 for f in range(FIELD_SLOTS)]
        saturation = K1 + 1
        refs: list[int] = []
        values: list[int] = []
        last = -1
        for code in found:
            slot = code >> TF_BITS
            tf = code & TF_MASK
            # lunr.py's operations in lunr.py's order, so the float is the very same
            score = idf * (saturation * tf) / (norms[slot] + tf)
            score *= slot_boosts[slot & FIELD_MASK]
            times = score * 1000
            value = int(times + 0.5)
            if not _SAFE_LOW < times + 0.5 - value < _SAFE_HIGH:
                value = round(round(score, 3) * 1000)
            ref = slot >> FIELD_BITS
            if ref == last:
                values[-1] += value
            else:
                refs.append(ref)
                values.append(value)
                last = ref
        postings.refs = array("I", refs)
        postings.scores = array("I", values)
        postings.blocks = None
        postings.since = None
        if len(refs) >= BLOCKED:
            postings.blocks = {}
            _encode_blocks(postings, sorted({ref // BLOCK_REFS for ref in refs}))
        self.counter += 1
        postings.version = self.counter

    def _score_one(self, postings: Postings, ref: int, idf: float) -> None:
        """The posting of `ref` alone, from its occurrences (the term's idf did not change)."""
        found = postings.occurrences
        start = bisect_left(found, (ref * FIELD_SLOTS) << TF_BITS)
        end = bisect_left(found, ((ref + 1) * FIELD_SLOTS) << TF_BITS, start)
        value = 0
        for code in found[start:end]:
            slot = code >> TF_BITS
            tf = code & TF_MASK
            score = idf * ((K1 + 1) * tf) / (self.norms[slot] + tf)
            score *= float(self.boosts[slot & FIELD_MASK])
            value += scaled(score)
        at = bisect_left(postings.refs, ref)
        held = at < len(postings.refs) and postings.refs[at] == ref
        if start == end:
            if held:
                del postings.refs[at]
                del postings.scores[at]
        elif held:
            postings.scores[at] = value
        else:
            postings.refs.insert(at, ref)
            postings.scores.insert(at, value)

    def update(self, changed: Mapping[int, tuple[Counts, Counts]]) -> set[str] | None:
        """Apply edits of articles (by ref: (old counts, new counts)), the article count unchanged; the terms
        whose postings changed. `None` (and nothing changed) when a field's rounded average moves: then every
        score changes, and the caller makes the scores anew (`Scores.of`)."""
        new_lengths = {ref: field_lengths(new) for ref, (_, new) in changed.items()}
        totals = list(self.totals)
        for ref, lengths in new_lengths.items():
            for position, length in enumerate(lengths):
                totals[position] += length - self.lengths[position][ref]
        if [rounded_average(total, self.count) for total in totals] != self.averages:
            return None
        self.totals = totals
        touched: dict[str, set[int]] = {}
        grown: set[str] = set()
        for ref, (old, new) in changed.items():
            for position, length in enumerate(new_lengths[ref]):
                self.lengths[position][ref] = length
            self._set_norms(ref)
            low, high = (ref * FIELD_SLOTS) << TF_BITS, ((ref + 1) * FIELD_SLOTS) << TF_BITS
            old_codes = article_codes(ref, old)
            new_codes = article_codes(ref, new)
            for term in old_codes.keys() | new_codes.keys():
                postings = self.terms.get(term)
                if postings is None:
                    postings = self.terms[term] = Postings()
                found = postings.occurrences
                start = bisect_left(found, low)
                end = bisect_left(found, high, start)
                codes = new_codes.get(term, ())
                if end - start != len(codes):
                    grown.add(term)  # its n, so its idf, changes: every posting of the term
                found[start:end] = array("Q", codes)
                touched.setdefault(term, set()).add(ref)
        for term, refs in touched.items():
            postings = self.terms[term]
            if not postings.occurrences:
                del self.terms[term]
            elif term in grown:
                self._score_all(postings)
            else:
                before = (postings.refs.tobytes(), postings.scores.tobytes())
                idf = idf_of(self.count, len(postings.occurrences))
                for ref in sorted(refs):
                    self._score_one(postings, ref, idf)
                if (postings.refs.tobytes(), postings.scores.tobytes()) != before:
                    postings.since = (postings.version, tuple(sorted(refs)))
                    self.counter += 1
                    postings.version = self.counter
                    if postings.blocks is not None and len(postings.refs) < BLOCKED // 2:
                        postings.blocks = None
                    elif postings.blocks is not None:
                        _encode_blocks(postings, sorted({ref // BLOCK_REFS for ref in refs}))
                    elif len(postings.refs) >= BLOCKED:
                        postings.blocks = {}
                        _encode_blocks(postings, sorted({ref // BLOCK_REFS for ref in postings.refs}))
        return set(touched)


def flat_postings(postings: Postings) -> list[int]:
    """The shipped form of a term's postings: `[ref delta, score × 1000, …]`."""
    refs = postings.refs.tolist()
    flat: list[int] = [0] * (2 * len(refs))
    flat[0::2] = list(map(operator.sub, refs, [0, *refs]))
    flat[1::2] = postings.scores.tolist()
    return flat


def _encode_blocks(postings: Postings, blocks: Iterable[int]) -> None:
    """Encode these blocks of `postings.blocks` again: each the JSON of its pairs but the first ref delta,
    `score, delta, score, …` (`postings_json` puts the first delta in, which depends on the block before)."""
    assert postings.blocks is not None
    refs = postings.refs
    for block in blocks:
        start = bisect_left(refs, block * BLOCK_REFS)
        end = bisect_left(refs, (block + 1) * BLOCK_REFS, start)
        if start == end:
            postings.blocks.pop(block, None)
            continue
        held = refs[start:end].tolist()
        flat: list[int] = [0] * (2 * len(held))
        flat[0::2] = list(map(operator.sub, held, [held[0], *held]))
        flat[1::2] = postings.scores[start:end].tolist()
        postings.blocks[block] = zlib.compress(",".join(map(str, flat[1:])).encode("ascii"), BLOCK_LEVEL)


def postings_json(postings: Postings) -> str:
    """The shipped JSON of a term's postings: `[ref delta, score × 1000, …]`, compact."""
    if postings.blocks is None:
        return json.dumps(flat_postings(postings), separators=(",", ":"))
    refs = postings.refs
    parts = []
    previous = 0
    for block in sorted(postings.blocks):
        start = bisect_left(refs, block * BLOCK_REFS)
        end = bisect_left(refs, (block + 1) * BLOCK_REFS, start)
        parts.append(f"{refs[start] - previous},{zlib.decompress(postings.blocks[block]).decode('ascii')}")
        previous = refs[end - 1]
    return "[" + ",".join(parts) + "]"
