"""The search index as the site ships it: a manifest, term shards and one fragment per article.

A reader's query needs the postings of a few terms and what its twenty shown results show, not the
whole index; so it is cut, as Pagefind cuts its own, and a query fetches only what it shows:

- **term shards** `search/terms.<hash>.json`: runs of terms in sorted order, each term with its
  postings `[ref delta, score × 1000, …]` (lunr's scores summed over the fields, `search_scores.py`),
  and `rows`: by ref, the result row (title, URL, date, tags) of the best `ROWS_PER_TERM` articles of
  each of its terms, so the page shows a query's first results as soon as its shards are in (and
  fills the excerpts from the fragments after);
- **fragments** `search/docs.<hash>/<ref>.json`: what a result shows of one article and the text
  its excerpt comes from (`search.SearchEntry.fragment`), fetched for the results on screen only;
  `FRAGMENTS_PER_FOLDER` to a folder, named by a hash of the folder's fragments, so a fragment can be
  cached for as long as a host lets it be and the manifest names folders, not articles;
- **the manifest** `search/index.<hash>.json`: the pipeline's data, lunr's field and pipeline
  names, the first term of every shard, and the fragment folders in ref order.

`search-index.js` fetches the shards that can hold a query's terms (a prefix may span several) and
makes a `lunr.Index` of them: postings and field vectors holding the loaded terms only. lunr.js
scores a match as the dot product of the query vector with the field vector, divided by the query
vector's length (`lunr.Vector.similarity`), so vectors cut down to the query's terms give lunr's
very scores (tests/browser/test_search_parity.py checks them against lunr.py).

Terms are ordered by UTF-16 code units, the order of JavaScript's string comparison.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, islice
from typing import Any

from lunr import __TARGET_JS_VERSION__ as LUNR_JS_VERSION

from sitegen import text
from sitegen.render.output import Output
from sitegen.render.search_scores import term_order

__all__ = [
    "FIELD",
    "FORMAT",
    "FRAGMENTS_PER_FOLDER",
    "INDEX_DIR",
    "ROWS_PER_TERM",
    "SHARD_BYTES",
    "SearchFiles",
    "term_order",
    "top_refs",
]

INDEX_DIR = "search"
SHARD_BYTES = 24_000
"""A term shard is cut once its postings pass this many bytes of JSON; a term with more stays whole.
Small enough that a query fetches little more than its own terms' postings, large enough that a
digest of 5,000 articles ships tens of shards, not thousands (benchmarks/RESULTS.md)."""
FRAGMENTS_PER_FOLDER = 128
"""Fragments per folder. The manifest names each folder by the hash of its fragments (40 names at
5,000 articles); an edit renames the 128 fragments of its folder, not every one."""
ROWS_PER_TERM = 20
"""A term shard carries the result rows of each of its terms' best this many articles (a page of results):
the first page of a one-word query shows from the shard alone, before any fragment arrives."""
FORMAT = 4
"""The layout of these files; `search-index.js` refuses another."""
FIELD = "all"
"""The one field of the shipped index: a document's score for a term is the sum over the indexed fields
(search_scores.py says why that changes no score)."""


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """Every file of the search index; the search page names the manifest, the manifest the rest."""

    manifest: Output
    shards: tuple[Output, ...]
    fragments: tuple[Output, ...]

    @property
    def outputs(self) -> tuple[Output, ...]:
        return (*self.shards, *self.fragments, self.manifest)


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON, as every search file is written."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()[:10]


def _output(path: str, data: bytes) -> Output:
    return Output(out_path=f"{INDEX_DIR}/{path}", data=data, source="search index")


def top_refs(flat: Sequence[int], k: int) -> list[int]:
    """The refs of the `k` best postings of `flat` (`[ref delta, score × 1000, …]`), ties to the newer (larger)
    ref: the first page of a one-word query, as search.js orders it."""
    refs = list(accumulate(flat[0::2]))
    if len(refs) <= k:
        return refs
    scores = flat[1::2]
    cut = sorted(scores)[-k]
    above = list(compress(refs, map(cut.__lt__, scores)))
    tied = compress(reversed(refs), map(cut.__eq__, reversed(scores)))
    return above + list(islice(tied, k - len(above)))


def _shards(postings: Iterable[tuple[str, list[int]]], rows: Callable[[int], bytes]) -> Iterator[tuple[str, bytes]]:
    """(first term, shard JSON) of runs of `postings`, each cut once past `SHARD_BYTES`; each posting list
    becomes JSON as it comes (kept as ints, all of them would weigh tens of megabytes). A shard carries the
    result rows (`rows`, by ref) of the `ROWS_PER_TERM` best articles of each of its terms."""
    terms: list[str] = []
    lists: list[str] = []
    shown: dict[int, bytes] = {}
    size = 0
    for term, flat in postings:
        terms.append(term)
        lists.append(json.dumps(flat, separators=(",", ":")))
        size += len(term) + len(lists[-1]) + 4
        for ref in top_refs(flat, ROWS_PER_TERM):
            if ref not in shown:
                shown[ref] = rows(ref)
                size += len(shown[ref]) + 8
        if size >= SHARD_BYTES:
            yield terms[0], _shard(terms, lists, shown)
            terms, lists, shown, size = [], [], {}, 0
    if terms:
        yield terms[0], _shard(terms, lists, shown)


def _shard(terms: list[str], lists: list[str], rows: dict[int, bytes]) -> bytes:
    shown = b",".join(b'"%d":%s' % (ref, row) for ref, row in sorted(rows.items()))
    return (
        b'{"terms":'
        + json_bytes(terms)
        + b',"postings":['
        + ",".join(lists).encode("ascii")
        + b'],"rows":{'
        + shown
        + b"}}"
    )


def render_search_files(
    postings: Iterable[tuple[str, list[int]]],
    fragments: Sequence[bytes],
    rows: Callable[[int], bytes],
    *,
    indexed_fields: Sequence[tuple[str, int]],
    pipeline: Sequence[str],
) -> SearchFiles:
    """The shipped files of the index: `postings` in term order (`search_scores.term_postings`), and the
    fragments of the articles by ref and their result rows (`rows(ref)`); `indexed_fields` and `pipeline`
    (lunr's labels) for the manifest."""
    shards = []
    firsts = []
    for first, data in _shards(postings, rows):
        shards.append(_output(f"terms.{_digest(data)}.json", data))
        firsts.append(first)
    folders = []
    files = []
    for start in range(0, len(fragments), FRAGMENTS_PER_FOLDER):
        batch = fragments[start : start + FRAGMENTS_PER_FOLDER]
        folder = f"docs.{_digest(*batch)}"
        folders.append(folder)
        files += [_output(f"{folder}/{start + n}.json", data) for n, data in enumerate(batch)]
    manifest = {
        "format": FORMAT,
        "pipeline": text.SPEC,
        "lunr": {"version": LUNR_JS_VERSION, "fields": [FIELD], "pipeline": list(pipeline)},
        "indexed_fields": [[name, boost] for name, boost in indexed_fields],
        "shards": [[first, o.out_path.rsplit("/", 1)[1]] for first, o in zip(firsts, shards, strict=True)],
        "documents": {"count": len(fragments), "per_folder": FRAGMENTS_PER_FOLDER, "folders": folders},
    }
    data = json_bytes(manifest)
    return SearchFiles(
        manifest=_output(f"index.{_digest(data)}.json", data), shards=tuple(shards), fragments=tuple(files)
    )
