"""`render_site`: the whole render phase, `Site` + `Theme` -> every `Output`. Writes nothing.

Article pages (Markdown body + template) are most of the work and independent of each other, so
on a large site they are rendered in worker processes while this process renders the list pages;
the result does not depend on how many workers ran (outputs keep one order).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sitegen.content.model import Page, Site
from sitegen.errors import SitegenError, SourceError, raise_all
from sitegen.render.archive import render_archive
from sitegen.render.cache import RenderCache
from sitegen.render.curation import (
    curation_urls,
    render_edition,
    render_edition_feed,
    render_edition_index,
    render_home,
)
from sitegen.render.feeds import FeedEntry, feed_entry, render_atom, render_json_feed
from sitegen.render.markdown import RenderedBody, render_markdown
from sitegen.render.output import Output
from sitegen.render.pages import (
    render_article,
    render_not_found,
    render_search_page,
    render_tag_index,
    render_tag_pages,
)
from sitegen.render.search import SearchDocument, render_search_index, search_document
from sitegen.render.sitemap import render_robots, render_sitemap
from sitegen.render.theme import Theme

Progress = Callable[[int, int], None]

PARALLEL_MIN_PAGES = 300
"""Below this many articles, starting worker processes costs more than it saves."""
CHUNK = 64
"""Articles per task sent to a worker: large enough to amortise the hand-over, small enough to balance."""


@dataclass(frozen=True, slots=True)
class RenderedArticle:
    """One article's page and what the feeds need of it (computed once, shared by every feed)."""

    page_id: str
    output: Output
    feed: FeedEntry
    search: SearchDocument


def render_body(page: Page) -> RenderedBody:
    """An article's Markdown rendered, or a `SourceError` naming the file when markdown-it gives up."""
    try:
        return render_markdown(page.body)
    except (RecursionError, ValueError, AssertionError) as exc:  # markdown-it-py CVE-2023-26303 class
        raise SourceError(f"cannot render the Markdown body: {exc}", path=page.id, line=page.body_line) from None


def render_articles(site: Site, theme: Theme, pages: Sequence[Page]) -> list[RenderedArticle | SitegenError]:
    """Render each page; a user error is returned in its place so every problem can be reported."""
    results: list[RenderedArticle | SitegenError] = []
    for page in pages:
        try:
            body = render_body(page)
            results.append(
                RenderedArticle(
                    page.id,
                    render_article(site, theme, page, body),
                    feed_entry(site, page, body),
                    search_document(site, page, theme.strings_for(page.lang), body.text),
                )
            )
        except SitegenError as exc:
            results.append(exc)
    return results


# The site and theme a forked worker renders from: inherited from the parent at fork, never pickled.
_WORKER_STATE: tuple[Site, Theme] | None = None


def init_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them; SIGTERM (from `Pool.terminate`) just ends them.

    A forked worker inherits the CLI's SIGTERM handler, which would turn the pool's own shutdown
    into an exception inside the worker and hang the pool.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_chunk(page_ids: Sequence[str]) -> list[RenderedArticle | SitegenError]:
    assert _WORKER_STATE is not None, "worker started without a site"
    site, theme = _WORKER_STATE
    return render_articles(site, theme, [site.pages[i] for i in page_ids])


def worker_count(pages: int) -> int:
    """How many processes render articles: one per available core on a large site, else none."""
    if pages < PARALLEL_MIN_PAGES or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)


def _articles_in_workers(
    site: Site, theme: Theme, pages: Sequence[Page], workers: int, list_pages: Callable[[], list[Output]]
) -> tuple[Iterator[list[RenderedArticle | SitegenError]], list[Output]]:
    """Articles rendered by `workers` forked processes while this one renders the list pages."""
    global _WORKER_STATE
    chunks = [[p.id for p in pages[i : i + CHUNK]] for i in range(0, len(pages), CHUNK)]
    _WORKER_STATE = (site, theme)
    try:
        # fork: workers share the loaded site and compiled templates copy-on-write (no pickling).
        with multiprocessing.get_context("fork").Pool(workers, initializer=init_worker) as pool:
            pending = pool.imap(_render_chunk, chunks)
            lists = list_pages()
            done = list(pending)
    finally:
        _WORKER_STATE = None
    return iter(done), lists


def collapse_repeats(problems: Sequence[SitegenError]) -> list[SitegenError]:
    """One error per template fault: a broken `article.html` fails every article the same way."""
    groups: dict[tuple[object, ...], list[SitegenError]] = {}
    for problem in problems:
        what = problem.message.split(" (while rendering ", 1)[0]
        groups.setdefault((type(problem), problem.path, problem.line, what), []).append(problem)
    collapsed = []
    for same in groups.values():
        first = same[0]
        if len(same) > 1 and first.message.endswith(")"):
            first.message = first.message[:-1] + f" and {len(same) - 1} more pages)"
        collapsed.append(first)
    return collapsed


def render_site(
    site: Site,
    theme: Theme,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    cache: RenderCache | None = None,
) -> list[Output]:
    """All pages, feeds, sitemap and theme assets of the site, in a fixed order.

    With a `cache` (kept by `serve`), outputs whose inputs did not change since the last render
    are reused; the result is the same as without it.
    """
    cache = cache or RenderCache()
    cache.begin(site)
    pages = site.newest()
    article_keys = {p.id: cache.article_key(p) for p in pages}
    done: dict[str, RenderedArticle] = {}
    for page in pages:
        hit = cache.get("article", page.id, article_keys[page.id])
        if hit is not None:
            done[page.id] = hit
    todo = [p for p in pages if p.id not in done]
    total = len(todo) + len(site.tags)
    workers = worker_count(len(todo)) if workers is None else workers
    list_urls = [site.url(), site.url("tags/")]

    def list_pages() -> list[Output]:
        outputs = [render_home(site, theme), render_tag_index(site, theme), render_not_found(site, theme)]
        for tag in site.tags.values():
            key = cache.tag_key(tag)
            tag_pages = cache.get("tag", tag.slug, key) or cache.put(
                "tag", tag.slug, key, render_tag_pages(site, theme, tag)
            )
            outputs.extend(tag_pages)
            list_urls.extend(site.config.base_path + o.out_path.removesuffix("index.html") for o in tag_pages)
        curated = [*render_edition_index(site, theme), *render_archive(site, theme, cache)]
        curated += [
            cache.memo(
                "edition",
                edition.key,
                (edition, cache.list_key(edition.page_ids)),
                functools.partial(render_edition, site, theme, edition),
            )
            for edition in site.editions.values()
        ]
        list_urls.extend(curation_urls(site, curated))
        return outputs + curated

    if workers > 1:
        chunks, lists = _articles_in_workers(site, theme, todo, workers, list_pages)
    else:
        chunks = (render_articles(site, theme, todo[i : i + CHUNK]) for i in range(0, len(todo), CHUNK))
        lists = []
    problems: list[SitegenError] = []
    rendered = 0
    for chunk in chunks:
        for result in chunk:
            if isinstance(result, SitegenError):
                problems.append(result)
            else:
                done[result.page_id] = cache.put("article", result.page_id, article_keys[result.page_id], result)
            rendered += 1
        if progress:
            progress(rendered, total)
    raise_all(collapse_repeats(problems))
    articles = [done[p.id] for p in pages]
    if workers <= 1:
        lists = list_pages()
    if progress:
        progress(total, total)

    entries = {a.page_id: a.feed for a in articles}
    limit = site.config.feed_limit
    feeds = []
    for tag in site.tags.values():
        key = cache.feed_key(tag, limit)
        feeds.append(
            cache.get("tag-feed", tag.slug, key)
            or cache.put(
                "tag-feed",
                tag.slug,
                key,
                render_atom(
                    site,
                    [entries[i] for i in tag.page_ids[:limit]],
                    out_path=f"tags/{tag.slug}/feed.xml",
                    title=f"{site.config.title}: {tag.name}",
                    page_url=tag.url,
                ),
            )
        )
    latest = [entries[p.id] for p in pages[:limit]]
    feeds.append(render_atom(site, latest, out_path="feed.xml", title=site.config.title, page_url=site.url()))
    feeds.append(render_json_feed(site, latest))
    feeds.extend(
        cache.memo(
            "edition-feed",
            edition.key,
            (edition, cache.versions(edition.page_ids)),
            functools.partial(render_edition_feed, site, theme, edition, entries),
        )
        for edition in site.editions.values()
    )
    sitemap_key = (tuple(list_urls), tuple((p.url, p.meta.date) for p in pages))
    sitemap = cache.get("sitemap", "", sitemap_key) or cache.put(
        "sitemap", "", sitemap_key, render_sitemap(site, list_urls)
    )
    search_key = tuple(a.search for a in articles)
    search_index = cache.get("search", "", search_key) or cache.put(
        "search", "", search_key, render_search_index(search_key)
    )
    cache.end()
    return [
        *(a.output for a in articles),
        *lists,
        *feeds,
        sitemap,
        render_robots(site),
        *search_index.outputs,
        render_search_page(
            site,
            theme,
            site.url(search_index.manifest.out_path),
            [site.url(o.out_path) for o in search_index.documents],
        ),
        *theme.assets.values(),
    ]
