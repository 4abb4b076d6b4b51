"""The worker pool of the render phase: article pages rendered in forked processes while this one renders lists.

The result does not depend on how many workers ran: chunks come back in the order they were sent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from sitegen.content.model import Page, Site
from sitegen.errors import SitegenError
from sitegen.images import ImageSet
from sitegen.render.articles import RenderedArticle, render_articles
from sitegen.render.feeds import FeedEntry
from sitegen.render.output import Output
from sitegen.render.theme import Theme
from sitegen.workers import available_cores, can_fork, run_in_workers

PARALLEL_MIN_PAGES = 300
"""Below this many articles, starting worker processes costs more than it saves."""
CHUNK = 64
"""Articles per task sent to a worker: large enough to amortise the hand-over, small enough to balance."""


# The site and theme a forked worker renders from: inherited from the parent at fork, never pickled.
_WORKER_STATE: tuple[Site, Theme, ImageSet, Callable[[Output], Output] | None] | None = None


def _render_chunk(page_ids: Sequence[str]) -> list[RenderedArticle | SitegenError]:
    assert _WORKER_STATE is not None, "worker started without a site"
    site, theme, images, sink = _WORKER_STATE
    return render_articles(site, theme, [site.pages[i] for i in page_ids], images, sink)


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
    list_pages: Callable[[], list[Output]],
    sink: Callable[[Output], Output] | None = None,
) -> tuple[Iterator[list[RenderedArticle | SitegenError]], list[Output]]:
    """Articles rendered by `workers` forked processes while this one renders the list pages.

    A `sink` runs in the workers: it must be safe there (the build's staging writer only creates files).
    """
    global _WORKER_STATE
    chunks = [[p.id for p in pages[i : i + CHUNK]] for i in range(0, len(pages), CHUNK)]
    _WORKER_STATE = (site, theme, images, sink)
    try:
        # Forked workers (sitegen/workers.py): they share the loaded site and compiled templates
        # copy-on-write, and Ctrl-C at any moment stops them without a hang (issue 17, fault 9).
        done, lists = run_in_workers(
            _render_chunk, chunks, workers, list_pages, functools.partial(_with_model_strings, site)
        )
    finally:
        _WORKER_STATE = None
    return iter(done), lists
