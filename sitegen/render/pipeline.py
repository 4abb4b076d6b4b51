"""`render_site`: the whole render phase, `Site` + `Theme` -> every `Output`. Writes nothing.

Article pages (Markdown body + template) are most of the work and independent of each other, so
on a large site they are rendered in worker processes (`parallel.py`) while this process renders the list pages;
the result does not depend on how many workers ran (outputs keep one order).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence

from sitegen.config import CONFIG_NAME
from sitegen.content.model import Page, Site
from sitegen.errors import SitegenError, raise_all
from sitegen.images import ImageSet
from sitegen.render.archive import render_archive
from sitegen.render.articles import RenderedArticle, in_site_feed, render_articles
from sitegen.render.cache import RenderCache
from sitegen.render.editions import (
    curation_urls,
    render_edition,
    render_edition_feed,
    render_edition_index,
    render_home,
)
from sitegen.render.feeds import render_atom, render_json_feed
from sitegen.render.output import Output
from sitegen.render.pages import (
    GROUP_KINDS,
    render_not_found,
    render_search_page,
    render_tag_index,
    render_tag_pages,
)
from sitegen.render.parallel import CHUNK, articles_in_workers, worker_count
from sitegen.render.pictures import image_outputs
from sitegen.render.redirects import render_redirects
from sitegen.render.search import render_search_index
from sitegen.render.search_files import SearchFiles
from sitegen.render.sharing import card_view
from sitegen.render.sitemap import render_robots, render_sitemap
from sitegen.render.theme import Theme

Progress = Callable[[int, int], None]


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
    images: ImageSet | None = None,
    problems: Sequence[SitegenError] = (),
) -> list[Output]:
    """All pages, feeds, sitemap, pictures and theme assets of the site, in a fixed order.

    With a `cache` (kept by `serve`), outputs whose inputs did not change since the last render
    are reused; the result is the same as without it. `images` (from `sitegen.images`) holds the
    pictures the pages name; its problems, and `problems` found before (`static/`), are reported with
    the render's own.
    """
    images = images or ImageSet()
    cache = cache or RenderCache()
    default_image = images.get(CONFIG_NAME, site.config.image or "")
    # Pictures reach articles, lists of feeds and every page's card: any change of one renders afresh.
    cache.begin(site, (default_image.digest if default_image else None, tuple(sorted(images.by_owner().items()))))
    # Every page's sharing card falls back to the site's picture: a template global, like `asset()`.
    theme.env.globals["site_card"] = card_view(site, default_image, site.config.title)
    theme.teasers.clear()  # list items of the last render: its articles may have changed
    pages = site.newest()
    article_keys = {p.id: cache.article_key(p) for p in pages}
    done: dict[str, RenderedArticle] = {}
    in_feed = in_site_feed(site)
    for page in pages:
        hit = cache.get("article", page.id, article_keys[page.id])
        if hit is not None and (hit.feed is not None or page.id not in in_feed):  # (one that just entered the feed)
            done[page.id] = hit
    todo = [p for p in pages if p.id not in done]
    total = len(todo) + sum(len(kind.groups(site)) for kind in GROUP_KINDS)
    workers = worker_count(len(todo)) if workers is None else workers

    def list_pages() -> tuple[list[Output], list[str]]:
        """The list pages, and the URLs of those the sitemap names."""
        list_urls = [site.url()]
        outputs = [render_home(site, theme), render_not_found(site, theme)]
        for kind in GROUP_KINDS:  # tags, rubrics, authors: one list page machinery
            outputs.append(render_tag_index(site, theme, kind))
            list_urls.append(site.url(f"{kind.folder}/"))
            for tag in kind.groups(site).values():
                key = cache.tag_key(tag)
                tag_pages = cache.get(kind.kind, tag.slug, key) or cache.put(
                    kind.kind, tag.slug, key, render_tag_pages(site, theme, tag, kind)
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
        theme.teasers.clear()  # every list is made: its items would wait for the build's end (4 KB an article)
        return outputs + curated, list_urls

    problems = [*problems, *images.problems]

    def taken(chunks: Iterable[list[RenderedArticle | SitegenError]]) -> list[RenderedArticle]:
        """Every article, the rendered ones taken into the cache; their problems raised, all at once."""
        rendered = 0
        for chunk in chunks:
            for result in chunk:
                if isinstance(result, SitegenError):
                    problems.extend(getattr(result, "errors", [result]))
                else:
                    done[result.page_id] = cache.put("article", result.page_id, article_keys[result.page_id], result)
                rendered += 1
            if progress:
                progress(rendered, total)
        raise_all(collapse_repeats(problems))
        return [done[p.id] for p in pages]

    def made_of(articles: list[RenderedArticle]) -> tuple[list[Output], SearchFiles]:
        """What is made of the rendered articles: feeds and the search index."""
        return _feeds(site, theme, cache, pages, articles), render_search_index([a.search for a in articles], cache)

    if workers > 1:
        # Forked workers render the articles, then one of them the lists; meanwhile this process makes feeds and
        # search of the articles as soon as they are all in (the lists no longer wait for it, nor it for them).
        (articles, (feeds, search_index)), (lists, list_urls) = articles_in_workers(
            site,
            theme,
            todo,
            images,
            workers,
            list_pages,
            cache,
            lambda chunks: ((articles := taken(chunks)), made_of(articles)),
            cache.sink,
        )
        if progress:
            progress(total, total)
    else:
        chunks = (
            render_articles(site, theme, todo[i : i + CHUNK], images, cache.sink) for i in range(0, len(todo), CHUNK)
        )
        articles = taken(chunks)
        lists, list_urls = list_pages()
        if progress:
            progress(total, total)
        feeds, search_index = made_of(articles)
    sitemap_key = (tuple(list_urls), tuple((p.url, p.meta.date) for p in pages))
    sitemap = cache.get("sitemap", "", sitemap_key) or cache.put(
        "sitemap", "", sitemap_key, render_sitemap(site, list_urls)
    )
    cache.end()
    outputs = [
        *(a.output for a in articles),
        *lists,
        *feeds,
        sitemap,
        render_robots(site),
        *search_index.outputs,
        render_search_page(site, theme, site.url(search_index.manifest.out_path), []),
        *image_outputs(images),
        *theme.assets.values(),
    ]
    return outputs + render_redirects(site, theme, {o.out_path for o in outputs})


def _feeds(
    site: Site, theme: Theme, cache: RenderCache, pages: list[Page], articles: list[RenderedArticle]
) -> list[Output]:
    """The group feeds, the site's Atom and JSON feeds and the edition feeds, from the rendered articles."""
    entries = {a.page_id: a.feed for a in articles}
    leads = {a.page_id: a.lead for a in articles}
    limit = site.config.group_feed_limit
    feeds = []
    for kind in GROUP_KINDS:
        for tag in kind.groups(site).values():
            key = cache.feed_key(tag, limit)
            feeds.append(
                cache.get(f"{kind.kind}-feed", tag.slug, key)
                or cache.put(
                    f"{kind.kind}-feed",
                    tag.slug,
                    key,
                    render_atom(
                        site,
                        [leads[i] for i in tag.page_ids[:limit]],
                        out_path=f"{kind.folder}/{tag.slug}/feed.xml",
                        title=f"{site.config.title}: {tag.name}",
                        page_url=tag.url,
                    ),
                )
            )
    newest = pages[: site.config.feed_limit]
    latest = [entry for p in newest if (entry := entries[p.id]) is not None]
    assert len(latest) == len(newest), "an article of the site feed without its entry"
    feeds.append(render_atom(site, latest, out_path="feed.xml", title=site.config.title, page_url=site.url()))
    feeds.append(render_json_feed(site, latest))
    feeds.extend(
        cache.memo(
            "edition-feed",
            edition.key,
            (edition, cache.versions(edition.page_ids)),
            functools.partial(render_edition_feed, site, theme, edition, leads),
        )
        for edition in site.editions.values()
    )
    return feeds
