"""The search index of the whole article: what a worker takes of each article, and the index of them all.

Indexed (`FIELDS`, with their boosts): title, tags, rubric, author, summary, the curator's note and
every word of the body. Words are compared after the `sitegen.text` pipeline, registered with lunr
under the labels `uk-normalize`, `uk-stopwords` and `uk-stemmer`; the theme's `uk-text.js` registers
the same labels in lunr.js, so the browser runs the very same steps on a query (search-uk.md §4.1).

lunr is the scoring model, but lunr.py's `Builder` takes minutes and gigabytes for full bodies at
thousands of articles, so the index is made in two steps (benchmarks/RESULTS.md):
- `search_entry`, in the worker process that has just rendered the article's body: its terms and
  how often each occurs, per field, in a compact form, and the fragment a result shows of it;
- `render_search_index`, once in the main process: lunr's BM25 scores of every term in every article
  from those counts, exactly as lunr.py's `Builder` computes them (`search_scores.py`; tests compare
  refs, order and scores with lunr.py's own index), cut into the files the site ships
  (`search_files.py`).
Refs are positions from the oldest article (`"0"`), so adding an article leaves the others' alone.
"""

from __future__ import annotations

import os
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lunr.pipeline import Pipeline
from lunr.token import Token

from sitegen import text
from sitegen.content.model import Page, Site
from sitegen.render.cache import RenderCache
from sitegen.render.markdown import render_markdown
from sitegen.render.memory import release_freed
from sitegen.render.output import Output
from sitegen.render.search_files import Made, Reuse, SearchFiles, json_bytes, pack, render_search_files
from sitegen.render.search_scores import Counts, Scores, term_order
from sitegen.render.search_spool import Spool, spool
from sitegen.render.strings import Strings

FIELDS: tuple[tuple[str, int], ...] = (
    ("title", 10),
    ("tags", 5),
    ("rubric", 3),
    ("author", 3),
    ("summary", 3),
    ("note", 2),
    ("body", 1),
)
"""Indexed fields and their boosts (lunr's field boosts: a word of the title weighs ten of the body)."""
SUMMARY = 4
BODY = 6
"""Positions in `FIELDS` of the texts a fragment ships for the excerpt."""


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """One article as the index needs it: small, so 20,000 of them wait in the main process cheaply."""

    fragment: bytes
    """What a result shows of it, as shipped: the JSON `[title, url, date, date_text, [[tag, tag url], …],
    summary, body text]` packed (`search_files.pack`), as its file `docs/<ref>.jz` holds it. Packed here,
    in the worker: the body text is most of an entry, a third of it packed, and the main process packs nothing."""
    row: bytes
    """Its result row, `[title, url, date, date_text, [[tag, tag url], …]]` (JSON): what a term shard carries of
    the articles a term ranks first (search_files.py)."""
    terms: bytes
    """Per field of `FIELDS`: its distinct terms, in order of first occurrence, and how often each occurs; packed
    (`counts_of` unpacks them): the length of the terms' text, the text (each field's terms joined by spaces, the
    fields by newlines, UTF-8), then every field's counts (`array("H")` bytes, capped at 65,535), zlib-compressed.
    One bytes object: the counts were seven more, a third of an entry's memory beside the fragment."""

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes, bytes]]:
        # Sent from a render worker: the main process spools it as it arrives (`SpooledEntry`); else as it is.
        return (_spooled if os.getpid() != _MAIN else SearchEntry), (self.fragment, self.row, self.terms)


_MAIN = os.getpid()
"""The process that imported this module: the one the render workers are forked from."""


class SpooledEntry:
    """A `SearchEntry` whose bytes wait in a `Spool` (read back on each use): what the main process keeps of an
    entry a render worker sent, some 150 bytes instead of 3.8 KB. Equal to a `SearchEntry` (or another one) of the
    same bytes, with the same hash; saved (pickled) as a `SearchEntry`."""

    __slots__ = ("_at", "_hash", "_sizes", "_spool")

    def __init__(self, fragment: bytes, row: bytes, terms: bytes) -> None:
        self._spool: Spool = spool()
        self._at = self._spool.add(fragment, row, terms)
        self._sizes = (len(fragment), len(row), len(terms))
        self._hash = hash((fragment, row, terms))  # (a `SearchEntry`'s: its fields' tuple)

    @property
    def fragment(self) -> bytes:
        return self._spool.read(self._at, self._sizes[0])

    @property
    def row(self) -> bytes:
        return self._spool.read(self._at + self._sizes[0], self._sizes[1])

    @property
    def terms(self) -> bytes:
        return self._spool.read(self._at + self._sizes[0] + self._sizes[1], self._sizes[2])

    def _fields(self) -> tuple[bytes, bytes, bytes]:
        data = self._spool.read(self._at, sum(self._sizes))
        first, second = self._sizes[0], self._sizes[0] + self._sizes[1]
        return data[:first], data[first:second], data[second:]

    def plain(self) -> SearchEntry:
        """The entry in memory."""
        return SearchEntry(*self._fields())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpooledEntry):
            if other is self:
                return True
            return self._hash == other._hash and self._sizes == other._sizes and self._fields() == other._fields()
        if isinstance(other, SearchEntry):
            return self._hash == hash(other) and self._fields() == (other.fragment, other.row, other.terms)
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[Any, tuple[bytes, bytes, bytes]]:
        return SearchEntry, self._fields()


def _spooled(fragment: bytes, row: bytes, terms: bytes) -> SpooledEntry:
    return SpooledEntry(fragment, row, terms)


Entry = SearchEntry | SpooledEntry
"""A search entry, in memory or spooled."""


_TEXT_LENGTH = 4


def field_terms(value: str) -> tuple[str, bytes]:
    """The terms of one field's text and their counts, as `SearchEntry` holds them."""
    counts = text.term_counts(value)
    try:
        tfs = array("H", counts.values())
    except OverflowError:  # (a term more than 65,535 times in one field)
        tfs = array("H", [min(n, 65535) for n in counts.values()])
    return " ".join(counts), tfs.tobytes()


def entry_of(fields: Sequence[str], row: Sequence[Any]) -> SearchEntry:
    """The entry of an article whose fields (in `FIELDS` order) have these texts, and whose result row is
    `row` (`[title, url, date, date_text, [[tag, tag url], …]]`); its fragment adds the summary and body."""
    pairs = [field_terms(value) for value in fields]
    head = json_bytes(list(row))
    fragment = pack(head[:-1] + b"," + json_bytes([fields[SUMMARY], fields[BODY]])[1:])
    text = "\n".join(t for t, _ in pairs).encode("utf-8")
    packed = zlib.compress(b"".join([len(text).to_bytes(_TEXT_LENGTH, "big"), text, *(c for _, c in pairs)]), 1)
    return SearchEntry(fragment=fragment, row=head, terms=packed)


def counts_of(entry: Entry) -> Counts:
    """Per field of `FIELDS`, the entry's distinct terms joined by spaces and their counts (as `field_terms` gave
    them)."""
    data = zlib.decompress(entry.terms)
    at = _TEXT_LENGTH + int.from_bytes(data[:_TEXT_LENGTH], "big")
    terms = data[_TEXT_LENGTH:at].decode("utf-8").split("\n")
    counts = []
    for held in terms:
        end = at + 2 * (held.count(" ") + 1) if held else at
        counts.append(data[at:end])
        at = end
    return terms, tuple(counts)


def field_terms_of(entry: Entry) -> list[str]:
    """Per field of `FIELDS`, the entry's distinct terms joined by spaces (as `field_terms` gave them)."""
    return list(counts_of(entry)[0])


def search_entry(site: Site, page: Page, s: Strings, body_text: str) -> SearchEntry:
    """The search entry of one article (`s`: the strings of its language; `body_text`: its rendered body)."""
    meta = page.meta
    tags = [[site.tags[slug].name, site.tags[slug].url] for slug in page.tag_slugs]
    note = render_markdown(meta.curator_note, page.lang).text if meta.curator_note else ""
    summary = meta.summary or ""
    date = page.local_date
    row = [page.title, page.url, date.date().isoformat(), s.date(date), tags]
    texts = (page.title, " ".join(name for name, _ in tags), meta.category or "", meta.author or "", summary)
    return entry_of((*texts, note, body_text), row)


# lunr pipeline functions: the same three labels as themes/default/static/js/uk-text.js. The build
# does not run them (`text.term_counts` gives the same terms faster); lunr.py's `Index.load` of the
# shipped index needs them registered, and tests build lunr.py's own index with them.
def _uk_normalize(token: Token, i: int, tokens: list[Token]) -> list[Token]:
    return [token.clone(lambda _s, _m, piece=piece: piece) for piece in text.tokenize(token.string)]


def _uk_stopwords(token: Token, i: int, tokens: list[Token]) -> Token | None:
    return None if text.is_stop_word(token.string) else token


def _uk_stemmer(token: Token, i: int, tokens: list[Token]) -> Token:
    return token.update(lambda s, _m: text.stem(s))


PIPELINE = ((_uk_normalize, "uk-normalize"), (_uk_stopwords, "uk-stopwords"), (_uk_stemmer, "uk-stemmer"))
for _fn, _label in PIPELINE:
    if Pipeline.registered_functions.get(_label) is not _fn:
        Pipeline.register_function(_fn, _label)


@dataclass(slots=True)
class SearchIndex:
    """The index of the last build, kept in the render cache so the next one redoes only what an edit changed."""

    entries: list[Entry]
    """Oldest first: by ref."""
    scores: Scores
    order: list[str]
    """Every term of `scores`, in `term_order`."""
    reuse: Reuse


STATE = ("search-index", "")
"""Where the render cache holds the `SearchIndex` (kept as is: no output of it goes to the sink)."""


def _articles(entries: Iterable[Entry]) -> Iterator[Counts]:
    """Each entry's terms and counts, unpacked one entry at a time."""
    return map(counts_of, entries)


def _scored(old: SearchIndex | None, articles: list[Entry]) -> tuple[Scores, list[str]]:
    """The scores and term order of `articles` (oldest first), from `old`'s where only some articles changed."""
    boosts = [boost for _, boost in FIELDS]
    if old is not None and len(old.entries) == len(articles) and list(old.scores.boosts) == boosts:
        changed = {
            ref: (old_entry, entry)
            for ref, (old_entry, entry) in enumerate(zip(old.entries, articles, strict=True))
            if old_entry is not entry and old_entry != entry
        }
        pairs = {ref: (next(_articles([a])), next(_articles([b]))) for ref, (a, b) in changed.items()}
        touched = old.scores.update(pairs)
        if touched is not None:
            order = old.order
            for term in touched:
                at = bisect_left(order, term_order(term), key=term_order)
                held = at < len(order) and order[at] == term
                if held and term not in old.scores.terms:
                    del order[at]
                elif not held and term in old.scores.terms:
                    order.insert(at, term)
            return old.scores, order
    # first build, an article added or removed (every idf changes), or a field's rounded average moved
    scores = Scores.of(_articles(articles), boosts, counter=old.scores.counter if old is not None else 0)
    return scores, sorted(scores.terms, key=term_order)


def _index_files(
    old: SearchIndex | None, entries: Sequence[Entry], sink: Callable[[Output], Output] | None = None
) -> tuple[SearchIndex, SearchFiles, Made]:
    oldest_first = list(entries[::-1])
    release_freed()  # (what the feeds and lists freed: the scores grow next)
    scores, order = _scored(old, oldest_first)
    release_freed()  # (the counts unpacked to score them)
    files, made = render_search_files(
        scores,
        order,
        oldest_first,
        lambda ref: oldest_first[ref].row,
        old.reuse if old is not None else Reuse(),
        indexed_fields=FIELDS,
        pipeline=[label for _, label in PIPELINE],
        sink=sink,
    )
    return SearchIndex(entries=oldest_first, scores=scores, order=order, reuse=Reuse()), files, made


def render_search_index(entries: Sequence[Entry], cache: RenderCache | None = None) -> SearchFiles:
    """The search index of `entries` (newest first) as the site ships it: manifest, term shards, fragments.

    With a `cache`, the index of its last render is brought up to date (`SearchIndex`) instead of made anew:
    the same bytes (tests/test_search_incremental.py), the work of the articles that changed.
    """
    if cache is None:
        return _index_files(None, entries)[1]
    key = tuple(entries)
    old = cache.held(*STATE)
    files: SearchFiles | None = cache.get("search", "", key)
    if files is not None:
        return files
    try:
        index, files, made = _index_files(old if isinstance(old, SearchIndex) else None, entries, cache.sink)
        files = cache.put("search", "", key, files)
        index.reuse = made.reuse(files)
        cache.hold(*STATE, index)
    except BaseException:
        cache.drop(*STATE)  # (it may be half updated)
        raise
    finally:
        release_freed()  # (the shards' JSON, packed and written)
    return files
