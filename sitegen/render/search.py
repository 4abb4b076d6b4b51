"""The search index: lunr.py with the Ukrainian pipeline, plus a small document store.

The index is lunr's own serialized form, built with the `sitegen.text` pipeline registered under the
labels `uk-normalize`, `uk-stopwords` and `uk-stemmer`; the theme's `uk-text.js` registers the same
labels in lunr.js, so the browser runs the very same steps on a query (search-uk.md §4.1). Indexed:
title (boost 10), tags (5), summary (3) and the lead of the body (1), under numeric refs that index
the document store (the oldest article is `"0"`). Drafts never get here: they are gone from the
`Site` already. How the index travels to the browser, cut into files a query fetches a few of:
`search_files.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.token import Token

from sitegen import text
from sitegen.content.model import Page, Site
from sitegen.render.search_files import SearchFiles, StoreRow, render_search_files
from sitegen.render.strings import Strings

FIELDS: tuple[tuple[str, int], ...] = (("title", 10), ("tags", 5), ("summary", 3), ("lead", 1))
"""Indexed fields and their boosts."""
LEAD_WORDS = 60
"""How much of the body is indexed: its first words (index size and build time grow with it; 60 words
keep a 5,000-article digest under 400 B gzip per article, benchmarks/RESULTS.md)."""
STORE_SUMMARY = 240
"""Characters of the summary the document store keeps for the result list."""


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """What the index and the result list know of one article."""

    title: str
    url: str
    date: str
    """ISO date in the site time zone: `2026-02-12`."""
    date_text: str
    """The date as the page shows it: `12 лютого 2026`."""
    summary: str
    tags: tuple[tuple[str, str], ...]
    """(name, URL) of each tag."""
    lead: str
    """The first `LEAD_WORDS` words of the body text."""


def search_document(site: Site, page: Page, s: Strings, body_text: str) -> SearchDocument:
    """What the index and the result list need of one article (`s`: the strings of the page's language)."""
    tags = tuple((site.tags[slug].name, site.tags[slug].url) for slug in page.tag_slugs)
    return SearchDocument(
        title=page.title,
        url=page.url,
        date=page.local_date.date().isoformat(),
        date_text=s.date(page.local_date),
        summary=page.meta.summary or "",
        tags=tags,
        lead=lead_words(body_text),
    )


# lunr pipeline functions: the same three labels as themes/default/static/js/uk-text.js.
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


class _IndexBuilder(Builder):  # type: ignore[misc]
    """lunr.py's Builder without the token set, which serialization never uses (lunr.js rebuilds it)."""

    def _create_token_set(self) -> None:
        self.token_set = None

    def _calculate_average_field_lengths(self) -> None:
        if self.document_count:
            super()._calculate_average_field_lengths()
        else:  # an empty site: lunr.py would divide 0 by 0
            self.average_field_length = dict.fromkeys(self._fields, 0)


def lead_words(body_text: str, words: int = LEAD_WORDS) -> str:
    """The first `words` words of an article's plain text."""
    return " ".join(body_text.split(maxsplit=words)[:words])


def build_index(docs: Sequence[SearchDocument]) -> dict[str, Any]:
    """lunr's serialized index of `docs`; refs are positions in `docs` (`"0"`, `"1"`, …)."""
    builder = _IndexBuilder()
    for fn, _label in PIPELINE:
        builder.pipeline.add(fn)
        builder.search_pipeline.add(fn)
    builder.ref("ref")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    # Fields go in as lists of tokens already through `text.tokenize` (what uk-normalize does to each
    # token): lunr.py's tokenizer then only wraps them (its character loop was the largest cost of the
    # build, benchmarks/RESULTS.md) and uk-normalize is skipped at indexing, where it would change
    # nothing (tokenize is idempotent). Same terms, same index; the search pipeline keeps all three.
    builder.pipeline.skip(_uk_normalize, [name for name, _ in FIELDS])
    tokenize = text.tokenize
    for ref, doc in enumerate(docs):
        builder.add(
            {
                "ref": ref,
                "title": tokenize(doc.title),
                "tags": tokenize(" ".join(name for name, _ in doc.tags)),
                "summary": tokenize(doc.summary),
                "lead": tokenize(doc.lead),
            }
        )
    serialized: dict[str, Any] = builder.build().serialize()
    return serialized


def _short(summary: str) -> str:
    return summary if len(summary) <= STORE_SUMMARY else summary[:STORE_SUMMARY].rsplit(" ", 1)[0] + "…"


def store_rows(docs: Sequence[SearchDocument]) -> list[StoreRow]:
    """What the result list shows of each document, by ref."""
    return [([d.title, d.url, d.date, d.date_text, _short(d.summary)], d.tags) for d in docs]


def render_search_index(docs: Sequence[SearchDocument]) -> SearchFiles:
    """The search index of `docs` (newest first) as the site ships it: a manifest, term shards, document files.

    Refs count from the oldest document, so adding an article leaves the others' refs alone.
    """
    oldest_first = docs[::-1]
    return render_search_files(build_index(oldest_first), store_rows(oldest_first))
