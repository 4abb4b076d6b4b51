"""Source files -> `Site`: validates every page, drops drafts once, assigns URLs, groups tags.

All problems of all pages are collected and raised together. Two pages with one URL fail the
build and name every source (Zola), never "last writer wins" (Hugo, reliability.md §1).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from sitegen.config import SiteConfig
from sitegen.content.archive import build_archive
from sitegen.content.editions import build_editions, check_edition_orders, is_edition_source, read_edition_pages
from sitegen.content.model import Page, Site, Tag
from sitegen.content.related import with_related
from sitegen.content.schema import PageMeta, validate_page
from sitegen.content.slugs import slugify
from sitegen.errors import SitegenError, SourceError, raise_all
from sitegen.source.files import SourceFile
from sitegen.source.frontmatter import FrontMatter, parse_front_matter

log = logging.getLogger(__name__)

FALLBACK_SLUG = "stattia"


@dataclass(frozen=True, slots=True)
class _Loaded:
    source: SourceFile
    fm: FrontMatter
    meta: PageMeta


def build_site(
    config: SiteConfig,
    sources: Sequence[SourceFile],
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
    read_problems: Sequence[SitegenError] = (),
    cache: LoadCache | None = None,
    related: bool = True,
) -> Site:
    """Validate and link all pages; raise every problem of the run at once.

    Drafts (unless `drafts`) and pages dated after `now` (unless `future`; default: the real UTC
    now) are dropped here, once, before URLs, tags, feeds, sitemap or search see them.

    `cache` (kept by `serve` between builds) skips parsing the front matter of unchanged files.
    Without `related`, pages get no related stories (`check` reads such a model only for titles and text).
    """
    problems: list[SitegenError] = list(read_problems)
    loaded: list[_Loaded] = []
    edition_sources: list[SourceFile] = []
    for source in sources:
        if is_edition_source(source.rel_path):
            edition_sources.append(source)  # edition pages curate weeks; they are not articles (DESIGN "Editions")
            continue
        item, page_problems = _load(source, config.timezone, cache)
        problems.extend(page_problems)
        if item is not None:
            loaded.append(item)
    if cache is not None:  # forget deleted pages
        cache.entries = {s.rel_path: cache.entries[s.rel_path] for s in sources if s.rel_path in cache.entries}
    # Drafts and scheduled pages are dropped here, once, before URLs, tags, feeds, sitemap or search see them.
    cutoff = now or datetime.now(UTC)
    kept = [it for it in loaded if (drafts or not it.meta.draft) and (future or it.meta.date <= cutoff)]
    if cache is not None and not problems:
        state = (config, tuple(edition_sources), tuple(it.source.rel_path for it in kept), loaded)
        patched = _with_new_bodies(cache.last, state)
        cache.last = None
        if patched is not None:
            cache.last = (state, patched)
            return patched
    pages = _assign_urls(config, kept, problems)
    edition_pages = read_edition_pages(edition_sources, problems, config.editions)
    kept_ids = {id(it) for it in kept}
    left_out = {it.meta.slug or slugify(it.meta.title) for it in loaded if id(it) not in kept_ids}
    check_edition_orders(config, edition_pages, pages, left_out, problems)
    raise_all(problems)
    site = _link(config, pages)
    if related:
        site = with_related(site, cache.related if cache is not None else None)
    newest = site.newest()
    site = replace(site, editions=build_editions(config, newest, edition_pages), archive=build_archive(config, newest))
    if cache is not None:
        cache.last = ((config, tuple(edition_sources), tuple(it.source.rel_path for it in kept), loaded), site)
    return site


_State = tuple[SiteConfig, tuple[SourceFile, ...], tuple[str, ...], list[_Loaded]]


def _with_new_bodies(last: tuple[_State, Site] | None, state: _State) -> Site | None:
    """The last `Site` with new article bodies, when nothing but bodies changed since; else `None`.

    The model reads an article's body into `Page.body` and nowhere else (URLs, tags, neighbours,
    related stories, editions and the archive come from front matter), so when every changed
    file kept its front matter byte for byte, with the same config, edition pages and published
    set, a full `build_site` would return the last site with those bodies replaced. `serve`
    takes this path for the most common edit; tests/test_builder.py checks it equals a clean build.
    Anything that starts deriving model data from bodies must make this return `None`.
    """
    if last is None:
        return None
    (config, editions, kept_ids, loaded), site = last
    if config != state[0] or editions != state[1] or kept_ids != state[2] or len(loaded) != len(state[3]):
        return None
    bodies: dict[str, _Loaded] = {}
    for old, new in zip(loaded, state[3], strict=True):
        if old is new:
            continue
        if (
            old.source.rel_path != new.source.rel_path
            or old.meta != new.meta
            or old.fm.data != new.fm.data
            or old.fm.key_lines != new.fm.key_lines
            or old.fm.body_line != new.fm.body_line
        ):
            return None
        bodies[new.source.rel_path] = new
    if not bodies:
        return site
    pages = dict(site.pages)
    for page_id, item in bodies.items():
        if page_id in pages:  # (a draft's body is in no page)
            pages[page_id] = replace(pages[page_id], body=item.fm.body)
    return replace(site, pages=MappingProxyType(pages))


class LoadCache:
    """Parsed and validated pages by source path, reused while the source text is the same."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, _Loaded | None, list[SitegenError]]] = {}
        self.timezone: str | None = None
        """The site time zone the entries were validated in (it places dates written without an offset)."""
        self.related: dict[str, object] = {}
        """The last related-stories result and its inputs (`related.with_related`)."""
        self.last: tuple[_State, Site] | None = None
        """The last site and what it was built from (`_with_new_bodies`)."""


def _load(source: SourceFile, timezone: str, cache: LoadCache | None) -> tuple[_Loaded | None, list[SitegenError]]:
    """One page's front matter parsed and checked against the contract (pure in `source` and `timezone`)."""
    if cache is not None and cache.timezone != timezone:  # a date without offset now means another instant
        cache.entries.clear()
        cache.timezone = timezone
    hit = cache.entries.get(source.rel_path) if cache is not None else None
    if hit is not None and hit[0] == source.text:
        return hit[1], hit[2]
    item: _Loaded | None = None
    try:
        fm = parse_front_matter(source.text, source.rel_path)
    except SitegenError as exc:
        problems: list[SitegenError] = list(getattr(exc, "errors", [exc]))
    else:
        meta, problems = validate_page(fm, source.rel_path, source.text.split("\n"), timezone=timezone)
        item = _Loaded(source, fm, meta) if meta is not None else None
    if cache is not None:
        cache.entries[source.rel_path] = (source.text, item, problems)
    return item, problems


def _assign_urls(config: SiteConfig, items: list[_Loaded], problems: list[SitegenError]) -> list[Page]:
    tz = ZoneInfo(config.timezone)
    # Oldest first, so an older article keeps its slug when a newer one repeats its title.
    items = sorted(items, key=lambda it: (it.meta.date, it.source.rel_path))
    explicit: dict[str, list[_Loaded]] = defaultdict(list)
    for it in items:
        if it.meta.slug:
            local = it.meta.date.astimezone(tz)
            explicit[f"{local:%Y/%m}/{it.meta.slug}"].append(it)
    for key, group in explicit.items():
        if len(group) > 1:
            files = ", ".join(g.source.rel_path for g in group)
            problems.append(
                SourceError(
                    f"slug: {len(group)} pages set the same slug for /{key}/: {files}",
                    path=group[1].source.rel_path,
                    line=group[1].fm.key_lines.get("slug"),
                    hint="give each page its own slug",
                )
            )
    taken: dict[str, _Loaded] = {key: group[0] for key, group in explicit.items()}
    pages: list[Page] = []
    clashes: list[str] = []
    for it in items:
        local = it.meta.date.astimezone(tz)
        month = f"{local:%Y/%m}"
        if it.meta.slug:
            slug = it.meta.slug
        else:
            base = slugify(it.meta.title) or FALLBACK_SLUG
            slug, n = base, 2
            while f"{month}/{slug}" in taken:
                slug, n = f"{base}-{n}", n + 1
            if slug != base:
                clashes.append(
                    f"{it.source.rel_path}: title gives the same URL as {taken[f'{month}/{base}'].source.rel_path}; "
                    f"using /{month}/{slug}/ (set `slug:` to choose)"
                )
            taken[f"{month}/{slug}"] = it
        path = f"{month}/{slug}/"
        pages.append(
            Page(
                id=it.source.rel_path,
                meta=it.meta,
                slug=slug,
                url=config.base_path + path,
                out_path=path + "index.html",
                local_date=local,
                lang=it.meta.lang or config.language,
                tag_slugs=(),
                body=it.fm.body,
                body_line=it.fm.body_line,
                key_lines=MappingProxyType(dict(it.fm.key_lines)),
            )
        )
    _warn_clashes(clashes)
    return pages


SHOWN_CLASHES = 5
"""Slug clashes shown as warnings; the rest go to `-v` so a large import does not flood the terminal."""


def _warn_clashes(clashes: list[str]) -> None:
    for message in clashes[:SHOWN_CLASHES]:
        log.warning("%s", message)
    if len(clashes) > SHOWN_CLASHES:
        log.warning(
            "%d more pages share a title-made URL in their month and got a suffix (-v lists them)",
            len(clashes) - SHOWN_CLASHES,
        )
        for message in clashes[SHOWN_CLASHES:]:
            log.info("%s", message)


def _link(config: SiteConfig, pages: list[Page]) -> Site:
    # Newest first; ties broken by path so two builds agree.
    pages.sort(key=lambda p: (-p.meta.date.timestamp(), p.id))
    names: dict[str, Counter[str]] = defaultdict(Counter)
    members: dict[str, list[str]] = defaultdict(list)
    page_tags: list[tuple[str, ...]] = []
    for page in pages:
        slugs: list[str] = []
        for name in page.meta.tags:
            slug = slugify(name) or "tag-" + hashlib.sha1(name.encode()).hexdigest()[:8]
            names[slug][name] += 1
            if slug not in slugs:
                slugs.append(slug)
                members[slug].append(page.id)
        page_tags.append(tuple(slugs))
    # One `replace` per page: `serve` rebuilds the model after every edit, and it adds up.
    linked = [
        replace(
            page,
            tag_slugs=page_tags[i],
            next_id=pages[i - 1].id if i > 0 else None,
            prev_id=pages[i + 1].id if i + 1 < len(pages) else None,
        )
        for i, page in enumerate(pages)
    ]
    tags = {
        slug: Tag(
            slug=slug,
            # The spelling most pages use names the tag ("НАТО" over "нато").
            name=sorted(names[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
            url=f"{config.base_path}tags/{slug}/",
            page_ids=tuple(members[slug]),
        )
        for slug in sorted(members)
    }
    return Site(
        config=config,
        pages=MappingProxyType({p.id: p for p in linked}),
        order=tuple(p.id for p in linked),
        tags=MappingProxyType(tags),
    )
