"""The worker pool of the render phase: article pages rendered in forked processes while this one renders lists.

The result does not depend on how many workers ran: chunks come back in the order they were sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TypeVar, cast

from sitegen.content.model import Page, Site
from sitegen.errors import SitegenError
from sitegen.images import ImageSet
from sitegen.render.articles import RenderedArticle, render_articles
from sitegen.render.cache import Recorded, RenderCache
from sitegen.render.feeds import FeedEntry
from sitegen.render.output import Output
from sitegen.render.theme import Theme
from sitegen.workers import available_cores, can_fork, run_in_workers_reading

L = TypeVar("L")
M = TypeVar("M")

PARALLEL_MIN_PAGES = 300
"""Below this many articles, starting worker processes costs more than it saves."""
CHUNK = 64
"""Articles per task sent to a worker: large enough to amortise the hand-over, small enough to balance."""


# What a forked worker renders from: inherited from the parent at fork, never pickled.
_WORKER_STATE: (
    tuple[Site, Theme, ImageSet, Callable[[Output], Output] | None, Callable[[], object], RenderCache] | None
) = None
_LISTS = "lists"
"""The last item a worker is given: the list pages (`articles_in_workers`)."""


_Chunk = list[RenderedArticle | SitegenError]
_Result = _Chunk | tuple[object, Recorded]


def _render_item(item: Sequence[str]) -> _Result:
    """A chunk of articles (their ids), or `_LISTS`: the list pages, and what making them did to the cache."""
    assert _WORKER_STATE is not None, "worker started without a site"
    site, theme, images, sink, list_pages, cache = _WORKER_STATE
    if item == _LISTS:
        return cache.recorded(list_pages)
    return render_articles(site, theme, [site.pages[i] for i in item], images, sink)


def _with_model_strings(
    site: Site, chunk: list[RenderedArticle | SitegenError]
) -> list[RenderedArticle | SitegenError]:
    """A chunk's results, their texts that repeat the model's (id, path, title, summary, authors) made the model's
    very objects: each came back from a worker as a copy of its own, and the main process keeps every result to
    the build's end (about 1 KB an article). Equal values only: nothing a result says changes."""
    return [
        result if isinstance(result, SitegenError) else _shared(site.pages[result.page_id], result) for result in chunk
    ]


def _shared(page: Page, result: RenderedArticle) -> RenderedArticle:
    output = result.output
    if output.out_path == page.out_path and output.source == page.id:
        output = replace(output, out_path=page.out_path, source=page.id)
    feed = _shared_entry(page, result.feed) if result.feed is not None else None
    return replace(result, page_id=page.id, output=output, feed=feed, lead=_shared_entry(page, result.lead))


def _shared_entry(page: Page, entry: FeedEntry) -> FeedEntry:
    meta = page.meta
    return replace(
        entry,
        title=page.title if entry.title == page.title else entry.title,
        summary=meta.summary if entry.summary == meta.summary else entry.summary,
        authors=meta.authors if entry.authors == meta.authors else entry.authors,
    )


def worker_count(pages: int) -> int:
    """How many processes render articles: one per available core on a large site, else none."""
    if pages < PARALLEL_MIN_PAGES or not can_fork():
        return 0
    return available_cores()


def articles_in_workers(
    site: Site,
    theme: Theme,
    pages: Sequence[Page],
    images: ImageSet,
    workers: int,
    list_pages: Callable[[], L],
    cache: RenderCache,
    meanwhile: Callable[[Iterator[_Chunk]], M],
    sink: Callable[[Output], Output] | None = None,
) -> tuple[M, L]:
    """Articles rendered by `workers` forked processes, then `list_pages()` by one of them, while this one runs
    `meanwhile` with the articles' chunks as soon as they are all in. `cache` is this render's: the worker's
    copy of it records what `list_pages` asked of it, and this one adopts that (`RenderCache.recorded`).

    A `sink` runs in the workers: it must be safe there (the build's staging writer only creates files).
    """
    global _WORKER_STATE
    chunks: list[Sequence[str]] = [[p.id for p in pages[i : i + CHUNK]] for i in range(0, len(pages), CHUNK)]
    _WORKER_STATE = (site, theme, images, sink, list_pages, cache)

    def received(result: _Result) -> _Result:
        return _with_model_strings(site, result) if isinstance(result, list) else result

    def when_articles_are_in(first: Callable[[int], list[_Result]]) -> M:
        return meanwhile(cast(_Chunk, chunk) for chunk in first(len(chunks)))

    try:
        # Forked workers (sitegen/workers.py): they share the loaded site and compiled templates
        # copy-on-write, and Ctrl-C at any moment stops them without a hang (issue 17, fault 9).
        done, mine = run_in_workers_reading(_render_item, [*chunks, _LISTS], workers, when_articles_are_in, received)
    finally:
        _WORKER_STATE = None
    lists, recorded = cast(tuple[L, Recorded], done[-1])
    cache.adopt(recorded)
    return mine, lists
