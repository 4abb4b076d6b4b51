"""The search index as the site ships it: term shards, document files and the manifest naming them.

A reader's query needs the postings of a few terms, not the whole index (at 5,000 articles, fetching
and parsing all of it took 300-500 ms in Chromium, benchmarks/RESULTS.md). So lunr.py's index is
cut, as Pagefind cuts its own:

- **term shards** `search/terms.<hash>.json`: runs of terms in sorted order, each term with its
  postings `[ref delta, score × 1000, …]`: the scores of lunr's field vectors, summed (`FIELD`);
- **document files** `search/docs.<hash>.txt`: `DOCS_PER_FILE` store rows each, by ref, as JSON
  lines, all loaded with the page (what a result shows of an article: about 45 B gzip per article);
- **the manifest** `search/index.<hash>.json`: the pipeline's data, lunr's field and pipeline
  names, the first term of every shard, and the document files in ref order.

`search-index.js` fetches the shards that can hold a query's terms (a prefix may span several)
and makes a `lunr.Index` of them: postings and field vectors holding the loaded terms only. lunr.js
scores a match as the dot product of the query vector with the field vector, divided by the query
vector's length (`lunr.Vector.similarity`), so vectors cut down to the query's terms give lunr's
very scores (tests/browser/test_search_parity.py checks them against lunr.py's whole index).

Terms are ordered by UTF-16 code units, the order of JavaScript's string comparison. Every file
name carries a hash of its content, so files are cached for as long as a host lets them be.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen import text
from sitegen.render.output import Output

INDEX_DIR = "search"
SHARD_BYTES = 24_000
"""A term shard is cut once its postings pass this many bytes of JSON; a term with more stays whole.
Small enough that a query fetches little more than its own terms' postings, large enough that a
digest of 5,000 articles ships tens of shards, not thousands (benchmarks/RESULTS.md)."""
DOCS_PER_FILE = 2048
"""Store rows per document file. The page loads every document file as it opens, beside the manifest:
twenty results are spread over the whole archive, and fetching the files they fall in after the query
cost one more round trip and, in files small enough to pay off, twenty requests (130-190 ms in
Chromium at 5,000 articles, benchmarks/RESULTS.md). Refs count from the oldest article, so a new
article changes the last file only and a returning reader's browser keeps the others."""
FORMAT = 2
"""The layout of these files; `search-index.js` refuses another."""
StoreRow = tuple[list[Any], Sequence[tuple[str, str]]]
"""What a result shows of one article: `[title, url, date, date_text, summary]`, and its (tag, tag URL)s."""
FIELD = "all"
"""The one field of the shipped index: a document's score for a term is the sum over the indexed fields.

lunr scores a document as the sum over fields of (query vector · field vector) / |query vector|, and a
query whose clauses name no fields (the search page's never do) gets the same query vector in every
field, so the sum of the field scores per term gives the very same score, with fewer postings to
ship and to match: one per term and article, not per field (the query that matches
4,885 of 5,000 articles took 24 ms in node instead of 78). Presence works alike: a required term
must be in some field, now in this one."""


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """Every file of the search index; the search page names the manifest, the manifest the rest."""

    manifest: Output
    shards: tuple[Output, ...]
    documents: tuple[Output, ...]

    @property
    def outputs(self) -> tuple[Output, ...]:
        return (*self.shards, *self.documents, self.manifest)


def term_order(term: str) -> bytes:
    """Sort key of terms: UTF-16 code units, the order of JavaScript's `<` on strings (search-index.js)."""
    return term.encode("utf-16-be")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _output(kind: str, data: bytes, extension: str = "json") -> Output:
    name = f"{kind}.{hashlib.sha256(data).hexdigest()[:10]}.{extension}"
    return Output(out_path=f"{INDEX_DIR}/{name}", data=data, source="search index")


def term_postings(serialized: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """(term, `[ref delta, score × 1000, …]`) for every term of lunr's serialized index, in shard order.

    A document's score for a term is the sum of its field vectors' scores for it (see `FIELD`);
    refs are the numeric positions of the documents, ascending.
    """
    by_index: dict[int, dict[int, int]] = {}
    for field_ref, elements in serialized["fieldVectors"]:
        ref = int(field_ref.split("/", 1)[1])
        for k in range(0, len(elements), 2):
            scores = by_index.get(elements[k])
            if scores is None:
                scores = by_index[elements[k]] = {}
            scores[ref] = scores.get(ref, 0) + round(elements[k + 1] * 1000)
    result = []
    for term, posting in sorted(serialized["invertedIndex"], key=lambda tp: term_order(tp[0])):
        flat: list[int] = []
        previous = 0
        for ref, score in sorted(by_index.get(posting["_index"], {}).items()):
            flat += (ref - previous, score)
            previous = ref
        result.append((term, flat))
    return result


def _shards(postings: Sequence[tuple[str, list[int]]]) -> Iterator[list[tuple[str, list[int]]]]:
    shard: list[tuple[str, list[int]]] = []
    size = 0
    for term, flat in postings:
        shard.append((term, flat))
        size += len(term) + 8 + len(flat) * 5  # about the JSON bytes
        if size >= SHARD_BYTES:
            yield shard
            shard, size = [], 0
    if shard:
        yield shard


def _document_file(rows: Sequence[StoreRow]) -> bytes:
    """JSON lines: `[[tag, tag url], …]` (each tag of the file once), then per row `[title, url, date,
    date_text, summary, [tag numbers]]`.

    Lines, not one JSON value: the browser splits the text and parses only the rows it shows, so a
    file costs a text decoding, not objects for 2,048 articles.
    """
    tag_ids: dict[tuple[str, str], int] = {}
    lines = [b""]
    for row, tags in rows:
        lines.append(_json([*row, [tag_ids.setdefault(tag, len(tag_ids)) for tag in tags]]))
    lines[0] = _json([list(tag) for tag in tag_ids])
    return b"\n".join(lines) + b"\n"


def _file_name(output: Output) -> str:
    """As the manifest names a file: relative to the manifest's folder."""
    return output.out_path.rsplit("/", 1)[1]


def render_search_files(serialized: dict[str, Any], store: Sequence[StoreRow]) -> SearchFiles:
    """The shipped files of lunr's `serialized` index and the store rows (by ref) of its documents."""
    shards = []
    firsts = []
    for shard in _shards(term_postings(serialized)):
        shards.append(_output("terms", _json({"terms": [t for t, _ in shard], "postings": [p for _, p in shard]})))
        firsts.append(shard[0][0])
    documents = tuple(
        _output("docs", _document_file(store[start : start + DOCS_PER_FILE]), "txt")
        for start in range(0, len(store), DOCS_PER_FILE)
    )
    manifest = {
        "format": FORMAT,
        "pipeline": text.SPEC,
        "lunr": {"version": serialized["version"], "fields": [FIELD], "pipeline": serialized["pipeline"]},
        "indexed_fields": serialized["fields"],
        "shards": [[first, _file_name(o)] for first, o in zip(firsts, shards, strict=True)],
        "documents": {"count": len(store), "per_file": DOCS_PER_FILE, "files": [_file_name(o) for o in documents]},
    }
    return SearchFiles(manifest=_output("index", _json(manifest)), shards=tuple(shards), documents=documents)
