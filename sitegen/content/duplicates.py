"""Near-duplicate stories: two texts that tell the same story (a re-scrape, one outlet rewriting another)..

A text becomes the set of its word shingles: runs of `SHINGLE` consecutive terms from `sitegen.text.terms`
(normalised, stop words out, stemmed, so "переговори"/"переговорів" and "у"/"в" do not hide a copy).
Each set is kept as a bottom-k sketch (Broder 1997): the `SKETCH` smallest 32-bit shingle hashes,
deterministic across runs (crc32, not Python's salted `hash`). Memory is O(pages × SKETCH).

Candidates come from an inverted index over sketch hashes, so only pages that share a shingle are ever
compared; a hash that more than `MAX_POSTINGS` pages share is boilerplate ("Читайте також…") and is not
used to find candidates. For each candidate pair the sketches estimate the Jaccard similarity J, exact
when both texts have at most `SKETCH` shingles; the score reported is the share of the shorter text's
shingles found in the other one (containment), so a short brief copied from a long article counts too:
containment = J·(|A|+|B|) / ((1+J)·min(|A|,|B|)).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sitegen.text import terms

SHINGLE = 2
"""Terms per shingle. Stop words are gone, so 2 stemmed content words already rarely repeat by chance;
on the test stories, 2 separates a rewrite (0.42-0.66) from another story on the same topic (<= 0.10)
better than 3 (0.32-0.78 against <= 0.08)."""
SKETCH = 128
"""Hashes kept per text: the bottom-k sketch size."""
MAX_POSTINGS = 50
"""A sketch hash shared by more texts than this is boilerplate, not evidence."""
THRESHOLD = 0.3
"""Share of the shorter text's shingles found in the other one above which two texts tell one story."""
MIN_SHINGLES = 8
"""Texts shorter than this (a title alone) say too little to compare."""


@dataclass(frozen=True, slots=True)
class Story:
    """One text to compare, named by the file a warning will show."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """Two stories that tell the same story; `first` sorts before `second`."""

    first: str
    second: str
    score: float
    """Estimated share of the shorter text's shingles present in the other (0..1)."""


@dataclass(frozen=True, slots=True)
class Sketch:
    """A text's shingle set in brief: its size and its `SKETCH` smallest hashes."""

    size: int
    """Distinct shingles in the whole text."""
    hashes: tuple[int, ...]
    """The `SKETCH` smallest shingle hashes, ascending."""


def story_text(title: object, summary: object, body: str) -> str:
    """What is compared of a page: title, lead and body (parts that are not text are left out)."""
    return "\n\n".join(part for part in (title, summary, body) if isinstance(part, str) and part)


def sketch(text: str) -> Sketch:
    """The bottom-k sketch of `text`'s shingle set."""
    words = terms(text)
    runs = zip(*(words[i:] for i in range(SHINGLE)), strict=False)
    shingles = {zlib.crc32(" ".join(run).encode()) for run in runs}
    return Sketch(len(shingles), tuple(sorted(shingles)[:SKETCH]))


def _containment(jaccard: float, a_size: int, b_size: int) -> float:
    """Containment of the smaller set in the larger, from their Jaccard similarity and sizes."""
    return min(1.0, jaccard * (a_size + b_size) / ((1 + jaccard) * min(a_size, b_size)))


def _score(a: set[int], b: set[int], a_size: int, b_size: int) -> float:
    """Estimated containment from two sketches: J is the shared share of the union's bottom k."""
    union = sorted(a | b)[:SKETCH]
    both = sum(1 for h in union if h in a and h in b)
    return _containment(both / len(union), a_size, b_size)


def find_near_duplicates(
    stories: Sequence[Story],
    *,
    among: Collection[str] | None = None,
    threshold: float = THRESHOLD,
    sketcher: Callable[[str], Sketch] = sketch,
) -> list[NearDuplicate]:
    """Pairs of stories that tell the same story, most similar first (then by name).

    With `among`, only pairs with at least one story named there are reported (for `sitegen import`:
    the files just imported against each other and against the pages already there). `sketcher`
    makes each text's sketch (`check` passes one that remembers them between runs).
    """
    sketches = [sketcher(s.text) for s in stories]
    postings: dict[int, list[int]] = defaultdict(list)
    for i, sk in enumerate(sketches):
        if sk.size >= MIN_SHINGLES:
            for h in sk.hashes:
                postings[h].append(i)
    # Boilerplate hashes leave the sketches altogether, for finding candidates and for scoring alike.
    boilerplate = {h for h, docs in postings.items() if len(docs) > MAX_POSTINGS}
    kept = [set(sk.hashes) - boilerplate for sk in sketches]
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for h, docs in postings.items():
        if h in boilerplate or len(docs) < 2:
            continue
        for x, i in enumerate(docs):
            for j in docs[x + 1 :]:
                shared[i, j] += 1
    found: list[NearDuplicate] = []
    wanted = set(among) if among is not None else None
    for (i, j), count in shared.items():
        if count < 2:  # one shared shingle in two sketches is chance
            continue
        a, b = stories[i], stories[j]
        if a.name == b.name or (wanted is not None and a.name not in wanted and b.name not in wanted):
            continue
        # `count` hashes are in both kept sketches, so at most `count` of the union's bottom k are shared:
        # an upper bound of the score that skips hopeless pairs without sorting anything.
        union = min(SKETCH, len(kept[i]) + len(kept[j]) - count)
        ka, kb = kept[i], kept[j]
        size_a, size_b = sketches[i].size, sketches[j].size
        if _containment(count / union, size_a, size_b) < threshold:
            continue
        score = _score(ka, kb, size_a, size_b)
        if score >= threshold:
            first, second = sorted((a.name, b.name))
            found.append(NearDuplicate(first, second, round(score, 3)))
    found.sort(key=lambda d: (-d.score, d.first, d.second))
    return found
