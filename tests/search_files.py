"""Reading the search index a build shipped, and asking it through lunr.py, as search-index.js does in lunr.js."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lunr.builder import Builder
from lunr.field_ref import FieldRef
from lunr.index import Index
from lunr.query import Query, QueryPresence

from sitegen.render.search import FIELDS, PIPELINE, SearchEntry, entry_of
from sitegen.render.search_files import PACKED_SUFFIX, unpack
from sitegen.render.search_scores import rounded_average
from tests.conftest import REPO

Clauses = Sequence[tuple[str, bool]]
"""(term, prefix?) of one query, terms already through the pipeline."""


@dataclass(frozen=True)
class Shipped:
    """The files of one search index: the manifest, and every file it names, by path under `search/`."""

    manifest: dict[str, Any]
    files: Mapping[str, bytes]

    @property
    def shards(self) -> list[dict[str, Any]]:
        return [unpack(self.files[name]) for _, name in self.manifest["shards"]]

    @property
    def rows(self) -> list[list[Any]]:
        """The fragments by ref: `[title, url, date, date_text, [[tag, url], …], summary, body]`."""
        names = [f"docs/{ref}{PACKED_SUFFIX}" for ref in range(self.manifest["documents"]["count"])]
        return [unpack(self.files[name]) for name in names]


def read_shipped(out: Path) -> Shipped:
    """The search index of the site built in `out`."""
    [manifest_file] = (out / "search").glob("index.*.json")
    manifest = json.loads(manifest_file.read_bytes())
    names = [name for _, name in manifest["shards"]]
    names += [f"docs/{r}{PACKED_SUFFIX}" for r in range(manifest["documents"]["count"])]
    return Shipped(manifest, {name: (out / "search" / name).read_bytes() for name in names})


def from_outputs(outputs: Any) -> Shipped:
    """The same from `render_search_files`' `SearchFiles`, before anything is written."""
    files = {o.out_path.split("/", 1)[1]: o.data for o in outputs.outputs}
    return Shipped(json.loads(outputs.manifest.data), files)


def decode(flat: Sequence[int]) -> list[tuple[int, int]]:
    """(ref, score × 1000) of a shipped posting list `[ref delta, score × 1000, …]`."""
    pairs, ref = [], 0
    for k in range(0, len(flat), 2):
        ref += flat[k]
        pairs.append((ref, flat[k + 1]))
    return pairs


def lunr_form(shipped: Shipped) -> dict[str, Any]:
    """lunr's serialized form of the shipped index (one field), which lunr.py's `Index.load` reads."""
    field = shipped.manifest["lunr"]["fields"][0]
    inverted: list[list[Any]] = []
    vectors: dict[int, list[float]] = {}
    for shard in shipped.shards:
        for term, flat in zip(shard["terms"], shard["postings"], strict=True):
            term_index, refs = len(inverted), {}
            for ref, score in decode(flat):
                refs[str(ref)] = {}
                vectors.setdefault(ref, []).extend((term_index, score / 1000))
            inverted.append([term, {"_index": term_index, field: refs}])
    inverted.sort(key=lambda tp: tp[0])
    return {
        "version": shipped.manifest["lunr"]["version"],
        "fields": [field],
        "fieldVectors": [[f"{field}/{ref}", elements] for ref, elements in sorted(vectors.items())],
        "invertedIndex": inverted,
        "pipeline": shipped.manifest["lunr"]["pipeline"],
    }


def answers(serialized: dict[str, Any], clauses: Clauses, required: bool = True) -> list[tuple[str, float]]:
    """(ref, score) of a query through lunr.py's API, as search.js builds it; best first, ties newest first."""
    index = Index.load(serialized)
    query = index.create_query()
    for term, prefix in clauses:
        query.term(
            term,
            use_pipeline=False,
            presence=QueryPresence.REQUIRED if required else QueryPresence.OPTIONAL,
            wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE,
        )
    hits = [(r["ref"], round(r["score"], 9)) for r in index.query(query)]
    return sorted(hits, key=lambda hit: (-hit[1], -int(hit[0])))


def refs(serialized: dict[str, Any], clauses: Clauses, required: bool = True) -> list[str]:
    return [ref for ref, _ in answers(serialized, clauses, required)]


def fixture_texts(count: int = 60) -> list[tuple[str, ...]]:
    """Articles cut from the example digest's pages, their words shuffled between the fields (`FIELDS` order)."""
    body = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").rglob("*.md")))
    words = body.split()
    docs = []
    for i in range(count):
        chunk = (words[i * 37 :] + words)[:300]
        docs.append(
            (
                " ".join(chunk[:9]),  # title
                " ".join(chunk[40:43]),  # tags
                chunk[43] if i % 3 else "",  # rubric
                " ".join(chunk[44:46]) if i % 4 else "",  # author
                " ".join(chunk[9:40]),  # summary
                " ".join(chunk[46:60]) if i % 5 == 0 else "",  # note
                " ".join(chunk[60 : 60 + 60 + (i * 7) % 240]),  # body, of many lengths
            )
        )
    return docs


def fixture_entries(count: int = 60) -> list[SearchEntry]:
    """`fixture_texts` as the workers make their entries, newest first (as `render_search_index` takes them)."""
    entries = [
        entry_of(fields, [fields[0], f"/a/{i}/", "2026-02-01", "", []]) for i, fields in enumerate(fixture_texts(count))
    ]
    return entries[::-1]


class RoundedAverageBuilder(Builder):  # type: ignore[misc]
    """lunr.py's `Builder`, its average field lengths rounded as sitegen's index rounds them (`rounded_average`):
    everything else (idf, BM25, boosts, rounding of field scores, the query) is lunr.py's own."""

    def _calculate_average_field_lengths(self) -> None:
        super()._calculate_average_field_lengths()
        totals: dict[str, int] = dict.fromkeys(self._fields, 0)
        counts: dict[str, int] = dict.fromkeys(self._fields, 0)
        for field_ref, length in self.field_lengths.items():
            name = FieldRef.from_string(field_ref).field_name
            totals[name] += length
            counts[name] += 1
        for name in self._fields:
            self.average_field_length[name] = rounded_average(totals[name], counts[name])


def lunr_builder_index(texts: Sequence[tuple[str, ...]], *, exact_average: bool = False) -> dict[str, Any]:
    """lunr.py's own `Builder` over the raw field texts (refs by position), with the uk pipeline: the reference.
    Its average field lengths are rounded as the index rounds them, unless `exact_average`."""
    builder = Builder() if exact_average else RoundedAverageBuilder()
    for fn, _label in PIPELINE:
        builder.pipeline.add(fn)
        builder.search_pipeline.add(fn)
    builder.ref("ref")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for ref, fields in enumerate(texts):
        builder.add({"ref": ref, **{name: value for (name, _), value in zip(FIELDS, fields, strict=True)}})
    serialized: dict[str, Any] = json.loads(json.dumps(builder.build().serialize()))
    return serialized


@functools.cache
def _fixture_lunr_json() -> str:
    return json.dumps(lunr_builder_index(fixture_texts()))


def fixture_lunr_index() -> dict[str, Any]:
    """`lunr_builder_index(fixture_texts())`, built once per test process (lunr.py's Builder takes a second
    for it; three tests compare against it); each caller gets its own copy."""
    copy: dict[str, Any] = json.loads(_fixture_lunr_json())
    return copy


QUERIES: list[tuple[list[tuple[str, bool]], bool]] = [
    ([("україн", False)], True),
    ([("переговор", False)], True),
    ([("рют", False)], True),
    ([("нат", False), ("безпек", False)], True),
    ([("нат", False), ("безпек", False)], False),
    ([("макрон", False), ("путін", False)], False),
    ([("укр", True)], True),
    ([("п", True)], True),
    ([("делегац", False), ("брюс", True)], True),
    ([("getty", False)], True),
    ([("зебр", False)], True),
]
"""Queries as search.js makes them ([(term, prefix?)], all required?), for answers compared across forms."""
