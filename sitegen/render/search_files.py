"""The search index as the site ships it: a manifest, term shards and one fragment per article.

A reader's query needs the postings of a few terms and what its twenty shown results show, not the
whole index; so it is cut, as Pagefind cuts its own, and a query fetches only what it shows:

- **term shards** `search/terms.<hash>.jz`: runs of terms in sorted order, each term with its
  postings `[ref delta, score × 1000, …]` (lunr's scores summed over the fields, `search_scores.py`),
  and `rows`: by ref, the result row (title, URL, date, tags) of the best `ROWS_PER_TERM` articles of
  each of its terms, so the page shows a query's first results as soon as its shards are in (and
  fills the excerpts from the fragments after);
- **fragments** `search/docs/<ref>.jz`: what a result shows of one article and the text its excerpt
  comes from (`search.SearchEntry.fragment`), fetched for the results on screen only. The file names
  stay (an edit rewrites one file, not a group of `FRAGMENTS_PER_GROUP`); the page fetches a fragment as
  `docs/<ref>.jz?v=<hash>`, the hash of its group of `FRAGMENTS_PER_GROUP` fragments, so a fragment can be
  cached for as long as a host lets it be and the manifest names groups, not articles;
- **the manifest** `search/index.<hash>.json`: the pipeline's data, lunr's field and pipeline
  names, the first term of every shard, and the hash of each fragment group in ref order.

Shards and fragments are packed: their JSON, zlib-deflated (`PACKED_SUFFIX`), as Pagefind ships its own
index chunks and fragments gzipped. A fragment is a second copy of its article's body text (the excerpt's
source), so unpacked they were half the built site's bytes beside its pages; packed, a third of that. The
browser inflates them with `DecompressionStream("deflate")`, and reads a file that a host already inflated
on the way (zlib's first byte is never JSON's) as it is. The manifest stays JSON: the search page reads it first.

`search-index.js` fetches the shards that can hold a query's terms (a prefix may span several) and
makes a `lunr.Index` of them: postings and field vectors holding the loaded terms only. lunr.js
scores a match as the dot product of the query vector with the field vector, divided by the query
vector's length (`lunr.Vector.similarity`), so vectors cut down to the query's terms give lunr's
very scores (tests/browser/test_search_parity.py checks them against lunr.py).

Terms are ordered by UTF-16 code units, the order of JavaScript's string comparison.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import zlib
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, islice
from typing import Any, Protocol

from lunr import __TARGET_JS_VERSION__ as LUNR_JS_VERSION

from sitegen import text
from sitegen.render.output import Output
from sitegen.render.search_scores import Postings, Scores, postings_json, term_order

__all__ = [
    "FIELD",
    "FORMAT",
    "Made",
    "Reuse",
    "FRAGMENTS_PER_GROUP",
    "INDEX_DIR",
    "PACKED_SUFFIX",
    "ROWS_PER_TERM",
    "SHARD_BYTES",
    "SearchFiles",
    "inflate",
    "pack",
    "term_order",
    "top_refs",
    "unpack",
]

INDEX_DIR = "search"
SHARD_BYTES = 24_000
"""A term shard is cut once its postings pass this many bytes of JSON; a term with more stays whole.
Small enough that a query fetches little more than its own terms' postings, large enough that a
digest of 5,000 articles ships tens of shards, not thousands (benchmarks/RESULTS.md)."""
FRAGMENTS_PER_GROUP = 128
"""Fragments per group. The manifest gives each group the hash of its fragments (40 at 5,000 articles), which the
page adds to their URLs: an edit changes the URLs of the 128 fragments of its group (their files keep their names,
and only the edited one is written), not every one."""
FRAGMENTS_DIR = "docs"
ROWS_PER_TERM = 20
"""A term shard carries the result rows of each of its terms' best this many articles (a page of results):
the first page of a one-word query shows from the shard alone, before any fragment arrives."""
FORMAT = 6
"""The layout of these files; `search-index.js` refuses another."""
PACKED_SUFFIX = ".jz"
"""The name ending of a packed file: JSON, zlib-deflated. Not `.gz` or `.Z`, which some servers send with a
`Content-Encoding` header the browser then undoes, or (`.Z`, x-compress) cannot."""
PACK_LEVEL = 6
"""zlib's level for fragments. The 1,000 fragments of the bench corpus (7.7 MB of JSON) pack to 2.49 MB at 1, 2.18
at 4, 2.12 at 6 and 9, in 0.32 / 0.40 / 0.50 CPU s at load 10 (a fragment is packed once, when its article is)."""
SHARD_PACK_LEVEL = 4
"""zlib's level for term shards. A body edit changes the article's score in each of its terms, so a cached build
packs again every shard holding one: about half of them (124 of 261 at 5,000 articles). Those 261 (8.9 MB of JSON)
pack to 2.66 MB at 6 in 0.58 CPU s, 2.71 at 5 in 0.35, 2.80 at 4 in 0.22, 3.12 at 1 in 0.14 (load 7): level 4
costs 0.14 MB of a 144 MB site, and a query fetches a few shards of about 10 kB."""
FIELD = "all"
"""The one field of the shipped index: a document's score for a term is the sum over the indexed fields
(search_scores.py says why that changes no score)."""


class Document(Protocol):
    """What the files take of an article: its fragment (`search.SearchEntry`, in memory or spooled). Documents are
    compared (and hashed) as wholes: one equal to the last index's has the same fragment."""

    @property
    def fragment(self) -> bytes: ...


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


def pack(data: bytes, level: int = PACK_LEVEL) -> bytes:
    """A file's JSON as shipped packed (`PACKED_SUFFIX`)."""
    return zlib.compress(data, level)


def inflate(data: bytes) -> bytes:
    """The JSON text of a packed file (`data` itself when it is not zlib's: a host may have inflated it on
    the way, and the browser side reads it as it is too); `ValueError` when it is zlib's and broken."""
    if data[:1] != b"\x78":
        return data
    try:
        return zlib.decompress(data)
    except zlib.error as exc:
        raise ValueError(f"not packed JSON: {exc}") from None


def unpack(data: bytes) -> Any:
    """The JSON value of a packed file; `ValueError` when it is neither packed JSON nor JSON."""
    return json.loads(inflate(data))


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
    return best_refs(list(accumulate(flat[0::2])), flat[1::2], k)


def best_refs(refs: Sequence[int], scores: Sequence[int], k: int) -> list[int]:
    """`top_refs` of postings given as refs (ascending) and their scores."""
    if len(refs) <= k:
        return list(refs)
    cut = heapq.nlargest(k, scores)[-1]
    above = list(compress(refs, map(cut.__lt__, scores)))
    tied = compress(reversed(refs), map(cut.__eq__, reversed(scores)))
    return above + list(islice(tied, k - len(above)))


def _best_again(postings: Postings, known: tuple[int, int, tuple[int, ...]] | None) -> tuple[int, ...]:
    """The `ROWS_PER_TERM` best refs of a term whose postings changed (as a sorted tuple: the set is what
    matters); `known` is what the last index had for it. When only a few refs' postings changed since
    (`Postings.since`), none of them among the best and each now below the least of the best, the best stay."""
    refs, scores = postings.refs, postings.scores
    if known is not None and postings.since is not None and postings.since[0] == known[0]:
        best = known[2]
        if len(best) == ROWS_PER_TERM < len(refs) and not set(postings.since[1]) & set(best):
            spots = [bisect_left(refs, ref) for ref in best]
            if all(at < len(refs) and refs[at] == ref for at, ref in zip(spots, best, strict=True)):
                least = min(scores[at] for at in spots)
                stays = True
                for ref in postings.since[1]:
                    at = bisect_left(refs, ref)
                    if at < len(refs) and refs[at] == ref and scores[at] >= least:
                        stays = False
                        break
                if stays:
                    return best
    return tuple(sorted(best_refs(refs, scores, ROWS_PER_TERM)))


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
    scores: Scores,
    order: Sequence[str],
    documents: Sequence[Document],
    rows: Callable[[int], bytes],
    reuse: Reuse,
    *,
    indexed_fields: Sequence[tuple[str, int]],
    pipeline: Sequence[str],
    sink: Callable[[Output], Output] | None = None,
) -> tuple[SearchFiles, Made]:
    """The shipped files of the index: the postings of `scores`, terms in `order` (`term_order`), and the
    fragments of the articles by ref (`documents`: each `fragment` packed, `pack`: the files' very bytes; read once
    for a group made again, never held), and their result rows
    (`rows(ref)`); `indexed_fields` and `pipeline` (lunr's labels) for the manifest. A shard or fragment group
    made of what `reuse` says the last index's was made of is that very output (no JSON made, nothing hashed or
    written again). A fragment file made is passed to `sink` at once (a build writes it and keeps it without its
    bytes), so the fragments are never all in memory."""
    made = Made()
    fresh: dict[str, str] = {}
    shards = []
    firsts = []
    for terms, versions, shown in _cut(scores, order, rows, reuse, made, fresh):
        key = (tuple(terms), tuple(versions), tuple(sorted(shown.items())))
        output = reuse.shards.get(key)
        if output is None:
            lists = [fresh.get(term) or postings_json(scores.terms[term]) for term in terms]
            data = _shard(terms, lists, shown)
            output = _output(f"terms.{_digest(data)}{PACKED_SUFFIX}", pack(data, SHARD_PACK_LEVEL))
        shards.append(output)
        made.shard_keys.append(key)
        firsts.append(terms[0])
    groups: list[str] = []
    files: list[Output] = []
    before = {start: (batch, kept) for (start, batch), kept in reuse.groups.items()}
    for start in range(0, len(documents), FRAGMENTS_PER_GROUP):
        batch = tuple(documents[start : start + FRAGMENTS_PER_GROUP])
        kept = reuse.groups.get((start, batch))
        if kept is None:  # (its hash is of the JSON, as ever)
            fragments = [document.fragment for document in batch]
            kept = (
                _digest(*map(zlib.decompress, fragments)),
                _group_files(start, batch, fragments, before.get(start), sink),
            )
            del fragments
        groups.append(kept[0])
        files += kept[1]
        made.group_keys.append((start, batch))
        made.group_hashes.append(kept[0])
    manifest = {
        "format": FORMAT,
        "pipeline": text.SPEC,
        "lunr": {"version": LUNR_JS_VERSION, "fields": [FIELD], "pipeline": list(pipeline)},
        "indexed_fields": [[name, boost] for name, boost in indexed_fields],
        "shards": [[first, o.out_path.rsplit("/", 1)[1]] for first, o in zip(firsts, shards, strict=True)],
        "documents": {"count": len(documents), "per_group": FRAGMENTS_PER_GROUP, "groups": groups},
    }
    data = json_bytes(manifest)
    files_made = SearchFiles(
        manifest=_output(f"index.{_digest(data)}.json", data), shards=tuple(shards), fragments=tuple(files)
    )
    return files_made, made


def _group_files(
    start: int,
    batch: tuple[Document, ...],
    fragments: Sequence[bytes],
    before: tuple[tuple[Document, ...], Group] | None,
    sink: Callable[[Output], Output] | None,
) -> tuple[Output, ...]:
    """The fragment files of the group from ref `start` (`fragments`: its documents' fragments): a document equal
    to the one it was in the last index's group (`before`: its documents and shipped group) is that very output,
    so only the edited ones are written again."""
    old_batch, old_files = (before[0], before[1][1]) if before is not None else ((), ())
    files = []
    for n, document in enumerate(batch):
        if n < len(old_batch) and n < len(old_files) and old_batch[n] == document:
            files.append(old_files[n])
            continue
        output = _output(f"{FRAGMENTS_DIR}/{start + n}{PACKED_SUFFIX}", fragments[n])
        files.append(sink(output) if sink is not None else output)
    return tuple(files)


def _cut(
    scores: Scores, order: Sequence[str], rows: Callable[[int], bytes], reuse: Reuse, made: Made, fresh: dict[str, str]
) -> Iterator[tuple[list[str], list[int], dict[int, bytes]]]:
    """(terms, their postings versions, the rows they show by ref) of each shard: runs of `order`, each cut once
    past `SHARD_BYTES`. A shard carries the result rows (`rows`, by ref) of the `ROWS_PER_TERM` best articles of
    each of its terms. A term whose postings changed since `reuse` gets its JSON made (into `fresh`)."""
    terms: list[str] = []
    versions: list[int] = []
    shown: dict[int, bytes] = {}
    size = 0
    for term in order:
        postings = scores.terms[term]
        known = reuse.terms.get(term)  # (version, JSON length, best refs)
        if known is None or known[0] != postings.version:
            fresh[term] = postings_json(postings)
            known = (postings.version, len(fresh[term]), _best_again(postings, known))
        made.terms[term] = known
        terms.append(term)
        versions.append(known[0])
        size += len(term) + known[1] + 4
        for ref in known[2]:
            if ref not in shown:
                shown[ref] = rows(ref)
                size += len(shown[ref]) + 8
        if size >= SHARD_BYTES:
            yield terms, versions, shown
            terms, versions, shown, size = [], [], {}, 0
    if terms:
        yield terms, versions, shown


Group = tuple[str, tuple[Output, ...]]
"""A group of fragments as shipped: its hash (in the manifest) and its files."""


@dataclass(slots=True)
class Reuse:
    """What the last index's pieces were made of, and those pieces: one made of the same is shipped as it was."""

    terms: dict[str, tuple[int, int, tuple[int, ...]]] = field(default_factory=dict)
    """By term: (its `Postings.version`, the length of its postings' JSON, its `ROWS_PER_TERM` best refs)."""
    shards: dict[Hashable, Output] = field(default_factory=dict)
    """By (terms, their versions, rows shown): the term shard."""
    groups: dict[tuple[int, tuple[Document, ...]], Group] = field(default_factory=dict)
    """By (first ref, documents): the hash and the fragment files of a group."""


@dataclass(slots=True)
class Made:
    """What this index's pieces are made of, in shipping order (`Reuse` once they are written)."""

    terms: dict[str, tuple[int, int, tuple[int, ...]]] = field(default_factory=dict)
    shard_keys: list[Hashable] = field(default_factory=list)
    group_keys: list[tuple[int, tuple[Document, ...]]] = field(default_factory=list)
    group_hashes: list[str] = field(default_factory=list)

    def reuse(self, shipped: SearchFiles) -> Reuse:
        """`Reuse` of these pieces, as `shipped` holds them now (streamed: written, their bytes dropped)."""
        groups = {
            key: (self.group_hashes[n], shipped.fragments[n * FRAGMENTS_PER_GROUP : (n + 1) * FRAGMENTS_PER_GROUP])
            for n, key in enumerate(self.group_keys)
        }
        return Reuse(terms=self.terms, shards=dict(zip(self.shard_keys, shipped.shards, strict=True)), groups=groups)
