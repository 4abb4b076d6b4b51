"""Source files -> `Site`: validates every page, drops drafts once, assigns URLs, groups tags, rubrics, authors.

A page's URL comes from its file: `seeds/<yyyy>/<mm>/<name>.md` -> `/<yyyy>/<mm>/<name>/` (year and
month of its date in the site time zone; `slug:` overrides the name), so editing a title never
moves a page. All problems of all pages are collected and raised together. Two pages with one URL
fail the build and name every source (Zola), never "last writer wins" (Hugo, reliability.md §1)
and never a silent `-2`.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import io
import logging
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from sitegen.config import SiteConfig
from sitegen.content.aliases import AliasSource, build_redirects
from sitegen.content.archive import build_archive
from sitegen.content.bodies import BodySource, text_digest
from sitegen.content.editions import (
    build_editions,
    check_edition_orders,
    edition_key,
    is_edition_source,
    read_edition_pages,
)
from sitegen.content.model import Page, Redirect, Site, Tag
from sitegen.content.related import with_related
from sitegen.content.schema import PageMeta, share_names, validate_page
from sitegen.content.slugs import file_slug, slugify
from sitegen.content.typography import typeset_meta
from sitegen.errors import SitegenError, SourceError, raise_all
from sitegen.source.files import Seen, SourceFile, SourceStream, read_source
from sitegen.source.frontmatter import FrontMatter, parse_front_matter
from sitegen.workers import fork_pays, run_in_workers

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Loaded:
    source: SourceFile
    """Without its text when the body is read from disk (`lean`), unless errors may quote it (aliases, `slug:`)."""
    fm: FrontMatter
    """Without its body when the body is read from disk, and then without its data and item lines too unless
    errors may need them (aliases, `slug:`): the model reads `meta`, the key lines and the body line (`_kept_fm`)."""
    meta: PageMeta
    body: BodySource


def build_site(
    config: SiteConfig,
    sources: Iterable[SourceFile],
    *,
    drafts: bool = False,
    future: bool = False,
    now: datetime | None = None,
    read_problems: Sequence[SitegenError] = (),
    cache: LoadCache | None = None,
    related: bool = True,
    lean: bool = False,
) -> Site:
    """Validate and link all pages; raise every problem of the run at once.

    Drafts (unless `drafts`) and pages dated after `now` (unless `future`; default: the real UTC
    now) are dropped here, once, before URLs, tags, feeds, sitemap or search see them.

    `cache` (kept by `serve` between builds) skips parsing the front matter of unchanged files.
    Without `related`, pages get no related stories (`check` reads such a model only for titles and text).
    With `lean` (`sitegen build`), pages keep no body and no source text: a body is read from its file when
    rendered (`bodies.BodySource`); `sources` may then be an iterator that reads each file as it is asked
    for, and `read_problems` a list it fills meanwhile (read once the sources are consumed).
    """
    page_problems: list[SitegenError] = []
    loaded: list[_Loaded] = []
    edition_sources: list[SourceFile] = []
    source_ids: list[str] = []
    for source, outcome in _each_loaded(sources, config.timezone, cache, lean):
        source_ids.append(source.rel_path)
        if outcome is None:
            edition_sources.append(source)  # edition pages curate weeks; they are not articles (DESIGN "Editions")
            continue
        item, found = outcome
        if cache is not None:
            if source.seen is not None and item is not None and not found:
                cache.stats[source.rel_path] = source.seen
            else:
                cache.stats.pop(source.rel_path, None)
        page_problems.extend(found)
        if item is not None:
            loaded.append(item)
    problems = [*read_problems, *page_problems]
    if cache is not None:  # forget deleted pages
        cache.entries = {i: cache.entries[i] for i in source_ids if i in cache.entries}
        cache.stats = {i: cache.stats[i] for i in source_ids if i in cache.stats}
    # Drafts and scheduled pages are dropped here, once, before URLs, tags, feeds, sitemap or search see them.
    cutoff = now or datetime.now(UTC)
    kept = [it for it in loaded if (drafts or not it.meta.draft) and (future or it.meta.date <= cutoff)]
    inputs = ModelInputs(config, tuple(edition_sources), tuple(it.source.rel_path for it in kept), loaded)
    if cache is not None and not problems:
        patched = _with_new_bodies(cache.last, inputs)
        cache.last = None
        if patched is not None:
            cache.last = (inputs, patched)
            return patched
    urls = _page_urls(config, loaded, problems)
    pages = [_page(config, it, *urls[it.source.rel_path]) for it in kept if it.source.rel_path in urls]
    redirects = _redirects(config, loaded, kept, urls, problems)
    edition_pages = read_edition_pages(edition_sources, problems, config.editions)
    kept_ids = {id(it) for it in kept}
    left_out = {urls[it.source.rel_path][0] for it in loaded if id(it) not in kept_ids and it.source.rel_path in urls}
    check_edition_orders(config, edition_pages, pages, left_out, problems)
    raise_all(problems)
    site = _link(config, pages, redirects)
    if related:
        site = with_related(site, cache.related if cache is not None else None)
    newest = site.newest()
    site = replace(site, editions=build_editions(config, newest, edition_pages), archive=build_archive(config, newest))
    if cache is not None:
        cache.last = (inputs, site)
    return site


@dataclass(frozen=True, slots=True)
class ModelInputs:
    """What one `build_site` made its `Site` from (`LoadCache.last`): compared by `_with_new_bodies`."""

    config: SiteConfig
    edition_sources: tuple[SourceFile, ...]
    kept_ids: tuple[str, ...]
    """The published pages' ids (drafts and scheduled pages left out), in source order."""
    loaded: list[_Loaded]
    """Every page that loaded, drafts and scheduled ones too."""


def _with_new_bodies(last: tuple[ModelInputs, Site] | None, inputs: ModelInputs) -> Site | None:
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
    before, site = last
    if (
        before.config != inputs.config
        or before.edition_sources != inputs.edition_sources
        or before.kept_ids != inputs.kept_ids
        or len(before.loaded) != len(inputs.loaded)
    ):
        return None
    bodies: dict[str, _Loaded] = {}
    for old, new in zip(before.loaded, inputs.loaded, strict=True):
        if old is new:
            continue
        if (
            old.source.rel_path != new.source.rel_path
            or old.meta != new.meta
            or old.fm.data != new.fm.data  # (both empty for a lean page: the model reads `meta` of them)
            or old.fm.key_lines != new.fm.key_lines
            or old.fm.item_lines != new.fm.item_lines
            or old.fm.body_line != new.fm.body_line
        ):
            return None
        bodies[new.source.rel_path] = new
    if not bodies:
        return site
    pages = dict(site.pages)
    for page_id, item in bodies.items():
        if page_id in pages:  # (a draft's body is in no page)
            pages[page_id] = replace(pages[page_id], body_source=item.body)
    return replace(site, pages=MappingProxyType(pages))


class LoadCache:
    """Parsed and validated pages by source path, reused while the source text is the same."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, _Loaded | None, list[SitegenError]]] = {}
        """By source path: (the text's digest, the page, its problems)."""
        self.timezone: str | None = None
        """The site time zone the entries were validated in (it places dates written without an offset)."""
        self.related: dict[str, object] = {}
        """The last related-stories result and its inputs (`related.with_related`)."""
        self.last: tuple[ModelInputs, Site] | None = None
        """The last site and what it was built from (`_with_new_bodies`)."""
        self.stats: dict[str, Seen] = {}
        """By source path: the file's stamp when its entry was made from it (`build` only: `SourceStream`'s `known`)."""

    def known(self, timezone: str) -> dict[str, tuple[Seen, str]]:
        """Files a `SourceStream` need not read: by path, the stamp and text digest of each entry made without
        problems in `timezone` whose page keeps no source text (one with `aliases:` or `slug:` keeps it for errors)."""
        if self.timezone != timezone:
            return {}
        known = {}
        for rel, seen in self.stats.items():
            entry = self.entries.get(rel)
            if entry is not None and entry[1] is not None and not entry[2] and entry[1].body.inline is None:
                if not (entry[1].meta.aliases or entry[1].meta.slug):
                    known[rel] = (seen, entry[0])
        return known

    def __getstate__(self) -> dict[str, object]:
        """What `build` keeps in `.sitegen-cache/`: without the source texts (the next build reads them again),
        and only pages that loaded (a build that saves its state had no problems)."""
        stripped: dict[int, _Loaded] = {}

        def strip(item: _Loaded) -> _Loaded:
            if not item.source.text and not item.fm.body:  # (kept as it is: the same object, build after build)
                return item
            if id(item) not in stripped:
                stripped[id(item)] = replace(item, source=replace(item.source, text=""))
            return stripped[id(item)]

        entries: dict[str, tuple[str, _Loaded | None, list[SitegenError]]] = {
            k: entry if (kept := strip(it)) is it else (d, kept, [])
            for k, entry in self.entries.items()
            if (it := entry[1]) is not None and not entry[2] and (d := entry[0])
        }
        last = None
        if self.last is not None:
            inputs, site = self.last
            last = (replace(inputs, loaded=[strip(it) for it in inputs.loaded]), site)
        state = {"entries": entries, "timezone": self.timezone, "related": self.related, "last": last}
        return {**state, "stats": self.stats}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]
        self.__dict__.update(state)


Outcome = tuple[_Loaded | None, list[SitegenError]]
"""A page source loaded: the page (`None` if it has problems) and its problems."""


def _each_loaded(
    sources: Iterable[SourceFile], timezone: str, cache: LoadCache | None, lean: bool
) -> Iterator[tuple[SourceFile, Outcome | None]]:
    """Each source in turn, loaded (`None` for an edition page's source, which is not an article): by this process
    alone, or, for a large site read from disk from scratch, half of them by a forked worker (`_loaded_in_two`)."""
    if (
        lean
        and isinstance(sources, SourceStream)
        and not sources.known
        and (cache is None or not cache.entries)
        and fork_pays(len(sources), PARALLEL_MIN_SOURCES)
    ):
        yield from _loaded_in_two(sources, timezone, cache)
        return
    for source in sources:
        yield source, None if is_edition_source(source.rel_path) else _load(source, timezone, cache, lean)


PARALLEL_MIN_SOURCES = 500
"""From this many page files, a clean `sitegen build` reads and parses them in two processes."""
LOAD_BLOCK = 64
"""Files read and parsed in one go by either process (the worker hands each block back as one message)."""

_Read = tuple[SourceFile | None, list[SitegenError], Outcome | None, str]
"""One file as `_load_block` made it: the source (`None`: not read), the problems of reading it, its outcome
(`None`: an edition page's source, or not read) and the digest of its text."""


def _loaded_in_two(
    stream: SourceStream, timezone: str, cache: LoadCache | None
) -> Iterator[tuple[SourceFile, Outcome | None]]:
    """`_each_loaded` of a clean lean build, every other block of files read and parsed by a forked worker
    meanwhile. The same sources, pages and problems, in the same order (tests/test_render_pipeline.py): the loop
    that takes them in (`build_site`) cannot tell. (~2 CPU s of 2.5 at 5,000 bench pages were these two steps.)"""
    if cache is not None and cache.timezone != timezone:
        cache.entries.clear()
        cache.timezone = timezone
    blocks = [range(i, min(i + LOAD_BLOCK, len(stream))) for i in range(0, len(stream), LOAD_BLOCK)]
    task = functools.partial(_load_block, stream, timezone)
    theirs, mine = run_in_workers(
        lambda block: _portable(task(block)), blocks[1::2], 1, lambda: [task(block) for block in blocks[::2]]
    )
    shares = [mine, [_settled(pickle.loads(packed)) for packed in theirs]]
    for number in range(len(blocks)):
        for source, read_problems, outcome, digest in shares[number % 2][number // 2]:
            stream.noted(read_problems)
            if source is None:
                continue
            if outcome is not None and cache is not None:
                cache.entries[source.rel_path] = (digest, *outcome)
            yield source, outcome


def _load_block(stream: SourceStream, timezone: str, block: range) -> list[_Read]:
    """Files `block` of `stream` read and loaded, as `_load` without a cache loads them; a page's source without its
    text (the loop that takes it in reads only its path and stamp)."""
    found: list[_Read] = []
    for index in block:
        problems: list[SitegenError] = []
        source = stream.read_at(index, problems)
        if source is None or is_edition_source(source.rel_path):
            found.append((source, problems, None, ""))
            continue
        digest = text_digest(source.text)
        outcome = _parsed(source, timezone, True, digest)
        found.append((replace(source, text=""), problems, outcome, digest))
    return found


def _portable(found: list[_Read]) -> bytes:
    """A block pickled to be sent by a worker: the model's read-only mappings as dicts (pickle cannot save them)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _as_dict}
    pickler.dump(found)
    return buffer.getvalue()


def _as_dict(mapping: MappingProxyType[Any, Any]) -> tuple[Callable[..., Any], tuple[dict[Any, Any]]]:
    return _read_only, (dict(mapping),)


def _read_only(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


def _settled(found: list[_Read]) -> list[_Read]:
    """A block from a worker with what the model shares made shared again, as this process loading it would have:
    repeated names (`share_names`), key-line layouts and the empty data of a lean page (`_kept_fm`)."""
    settled: list[_Read] = []
    for source, problems, outcome, digest in found:
        if outcome is not None and outcome[0] is not None:
            item = outcome[0]
            meta = share_names(item.meta)
            keep = bool(meta.aliases or meta.slug)
            fm = replace(
                item.fm,
                key_lines=_shared_key_lines(item.fm.key_lines),
                data=item.fm.data if keep else _NO_DATA,
                item_lines=item.fm.item_lines if keep else _NO_ITEMS,
            )
            outcome = (replace(item, meta=meta, fm=fm), outcome[1])
        settled.append((source, problems, outcome, digest))
    return settled


def _load(source: SourceFile, timezone: str, cache: LoadCache | None, lean: bool = False) -> Outcome:
    """One page's front matter parsed and checked against the contract (pure in `source` and `timezone`)."""
    if cache is not None and cache.timezone != timezone:  # a date without offset now means another instant
        cache.entries.clear()
        cache.timezone = timezone
    hit = cache.entries.get(source.rel_path) if cache is not None else None
    if source.digest:  # not read: its stamp vouches that the text is the one this entry was made from
        if hit is not None and hit[0] == source.digest:
            return hit[1], hit[2]
        problems: list[SitegenError] = []
        read = read_source(source.src_path, source.rel_path, problems)
        if read is None:
            return None, problems
        source = read
    digest = text_digest(source.text) if cache is not None or lean else ""
    if hit is not None and hit[0] == digest:
        reused = hit[1]
        if reused is not None and reused.source is not source:  # (a state saved by `build` keeps no texts)
            if lean:  # the same text: the body starts where it did
                start = reused.body.start if reused.body.inline is None else len(source.text) - len(reused.fm.body)
                if _unchanged_on_disk(reused, source, start, digest):
                    return reused, hit[2]  # (the very object: the build cache's piece holding it is kept)
                body = replace(
                    reused.body,
                    inline=None,
                    path=source.src_path,
                    rel_path=source.rel_path,
                    start=start,
                    source_digest=digest,
                )
                reused = replace(
                    reused, source=_kept_source(source, reused.meta), fm=_kept_fm(reused.fm, reused.meta), body=body
                )
            else:
                reused = replace(reused, source=source)
            cache.entries[source.rel_path] = (digest, reused, hit[2])  # type: ignore[union-attr]
        return reused, hit[2]
    item, problems = _parsed(source, timezone, lean, digest)
    if cache is not None:
        cache.entries[source.rel_path] = (digest, item, problems)
    return item, problems


def _parsed(source: SourceFile, timezone: str, lean: bool, digest: str) -> Outcome:
    """A source's text parsed and checked (`digest`: its text's, for a `lean` page's body)."""
    item: _Loaded | None = None
    try:
        fm = parse_front_matter(source.text, source.rel_path)
    except SitegenError as exc:
        problems = list(getattr(exc, "errors", [exc]))
    else:
        meta, problems = validate_page(fm, source.rel_path, source.text.split("\n"), timezone=timezone)
        if meta is None:
            pass
        elif lean:
            body = BodySource.on_disk(source.src_path, source.rel_path, source.text, fm.body, digest)
            item = _Loaded(_kept_source(source, meta), _kept_fm(fm, meta), meta, body)
        else:
            item = _Loaded(source, fm, meta, BodySource.kept(fm.body))
    return item, problems


def _unchanged_on_disk(reused: _Loaded, source: SourceFile, start: int, digest: str) -> bool:
    """Whether a lean entry made from this text at this path is already what `_load` would make of it again."""
    body = reused.body
    return (
        body.inline is None
        and body.path == source.src_path
        and body.rel_path == source.rel_path
        and body.start == start
        and body.source_digest == digest
        and reused.source.src_path == source.src_path
        and reused.source.text == _kept_source(source, reused.meta).text
        and _kept_fm(reused.fm, reused.meta) is reused.fm
    )


_NO_DATA: Mapping[str, Any] = MappingProxyType({})
_NO_ITEMS: Mapping[str, tuple[int, ...]] = MappingProxyType({})


def _kept_fm(fm: FrontMatter, meta: PageMeta) -> FrontMatter:
    """What a lean model keeps of a page's front matter: no body; its key lines (as read-only, shared with the
    page's `key_lines`), and its data and item lines only when an error about an alias may quote them.

    The data is a second copy of `meta`'s texts (some 1.3 KB a page): `_with_new_bodies` compares `meta` instead.
    `fm` itself when it is kept so already."""
    keep_data = bool(meta.aliases or meta.slug)
    data = fm.data if keep_data else _NO_DATA
    item_lines = fm.item_lines if keep_data else _NO_ITEMS
    key_lines = fm.key_lines if type(fm.key_lines) is MappingProxyType else _shared_key_lines(fm.key_lines)
    if not fm.body and fm.data is data and fm.item_lines is item_lines and fm.key_lines is key_lines:
        return fm
    return replace(fm, body="", data=data, item_lines=item_lines, key_lines=key_lines)


SHARED_LAYOUTS = 4096
"""At most this many front matter layouts (keys and their lines) are kept as one mapping each (`_shared_key_lines`)."""
_LAYOUTS: dict[tuple[tuple[str, int], ...], Mapping[str, int]] = {}


def _shared_key_lines(key_lines: Mapping[str, int]) -> Mapping[str, int]:
    """The key lines of a freshly parsed page, read-only, and one mapping for every page with the same ones: pages
    written from one template share their layout (16 MiB less after loading 20,000 bench pages)."""
    layout = tuple(key_lines.items())
    shared = _LAYOUTS.get(layout)
    if shared is None:
        shared = MappingProxyType(dict(key_lines))
        if len(_LAYOUTS) < SHARED_LAYOUTS:
            _LAYOUTS[layout] = shared
    return shared


def _kept_source(source: SourceFile, meta: PageMeta) -> SourceFile:
    """What a lean model keeps of a source: its text only when an error about its URL may quote it."""
    return source if meta.aliases or meta.slug else replace(source, text="")


def _page_urls(config: SiteConfig, items: list[_Loaded], problems: list[SitegenError]) -> dict[str, tuple[str, str]]:
    """Each page's slug and site path (`2026/02/<slug>/`) by id: its file name (or `slug:`) under its date's month.

    Drafts and scheduled pages are included: a URL is decided by the file, so a clash is an error
    now, not on the day the later page is published. Never a silent `-2` (issue 15).
    """
    tz = ZoneInfo(config.timezone)
    found: dict[str, tuple[str, str]] = {}
    by_path: dict[str, list[_Loaded]] = defaultdict(list)
    for it in items:
        slug = it.meta.slug or file_slug(it.source.rel_path)
        if not slug:
            problems.append(
                SourceError(
                    "the file name gives no URL: it has no letters or digits",
                    path=it.source.rel_path,
                    hint="rename the file, e.g. perehovory-z-kremlem.md, or set `slug:`",
                )
            )
            continue
        path = f"{it.meta.date.astimezone(tz):%Y/%m}/{slug}/"
        found[it.source.rel_path] = (slug, path)
        by_path[path].append(it)
    for path, group in by_path.items():
        if len(group) > 1:
            problems.append(_clash(path, sorted(group, key=lambda it: it.source.rel_path)))
    return found


def _clash(path: str, group: list[_Loaded]) -> SourceError:
    """One error for pages that would share a URL, at the one whose `slug:` causes it (else the second)."""
    set_slug = [it for it in group if it.meta.slug]
    at = set_slug[-1] if set_slug else group[1]
    files = ", ".join(it.source.rel_path for it in group)
    line = at.fm.key_lines.get("slug") if at.meta.slug else None
    src = at.source.text.split("\n", line)[line - 1] if line else None
    return SourceError(
        f"{'slug: ' if at.meta.slug else ''}/{path} is the URL of {len(group)} pages: {files}",
        path=at.source.rel_path,
        line=line,
        hint="each page needs its own URL: rename one file (its name is its URL) or give it its own `slug:`",
        source_line=src,
    )


def _page(config: SiteConfig, it: _Loaded, slug: str, path: str) -> Page:
    local_date = it.meta.date.astimezone(ZoneInfo(config.timezone))
    return Page(
        id=it.source.rel_path,
        meta=typeset_meta(it.meta, it.meta.lang or config.language),
        slug=slug,
        url=config.base_path + path,
        out_path=path + "index.html",
        local_date=local_date,
        lang=it.meta.lang or config.language,
        tag_slugs=(),
        edition_key=edition_key(local_date, config.editions),
        body_source=it.body,
        body_line=it.fm.body_line,
        key_lines=it.fm.key_lines
        if type(it.fm.key_lines) is MappingProxyType
        else MappingProxyType(dict(it.fm.key_lines)),
    )


def _redirects(
    config: SiteConfig,
    items: list[_Loaded],
    kept: list[_Loaded],
    urls: dict[str, tuple[str, str]],
    problems: list[SitegenError],
) -> tuple[Redirect, ...]:
    """The aliases of every page (collisions checked over drafts too); redirects for the published ones."""
    published = {id(it) for it in kept}
    sources = [
        AliasSource(
            page_id=it.source.rel_path,
            page_url=config.base_path + urls[it.source.rel_path][1],
            aliases=it.meta.aliases,
            lines=_alias_lines(it),
            published=id(it) in published,
        )
        for it in items
        if it.source.rel_path in urls
    ]
    lines = {it.source.rel_path: it.source.text.split("\n") for it in items if it.meta.aliases}
    return build_redirects(config, sources, problems, lines)


def _alias_lines(it: _Loaded) -> tuple[int, ...]:
    """The file line of each alias: its list item's line (a repeated alias: its first), else the key's."""
    if not it.meta.aliases:
        return ()
    written = [str(item).strip() for item in it.fm.data.get("aliases") or ()]
    item_lines = it.fm.item_lines.get("aliases", ())
    key_line = it.fm.key_lines.get("aliases", 1)
    return tuple(
        item_lines[written.index(a)] if written.index(a) < len(item_lines) else key_line for a in it.meta.aliases
    )


def _link(config: SiteConfig, pages: list[Page], redirects: tuple[Redirect, ...]) -> Site:
    # Newest first; ties broken by path so two builds agree.
    pages.sort(key=lambda p: (-p.meta.date.timestamp(), p.id))
    tags, tag_slugs = _group(config, pages, "tags", lambda p: p.meta.tags)
    rubrics, rubric_slugs = _group(config, pages, "rubrics", lambda p: (p.meta.category,) if p.meta.category else ())
    authors, author_slugs = _group(config, pages, "authors", lambda p: p.meta.authors)
    # One `replace` per page: `serve` rebuilds the model after every edit, and it adds up.
    linked = [
        replace(
            page,
            tag_slugs=tag_slugs[i],
            rubric_slug=rubric_slugs[i][0] if rubric_slugs[i] else None,
            author_slugs=author_slugs[i],
            next_id=pages[i - 1].id if i > 0 else None,
            prev_id=pages[i + 1].id if i + 1 < len(pages) else None,
        )
        for i, page in enumerate(pages)
    ]
    return Site(
        config=config,
        pages=MappingProxyType({p.id: p for p in linked}),
        order=tuple(p.id for p in linked),
        tags=tags,
        rubrics=rubrics,
        authors=authors,
        redirects=redirects,
    )


def _group(
    config: SiteConfig, pages: list[Page], folder: str, names_of: Callable[[Page], Sequence[str]]
) -> tuple[Mapping[str, Tag], list[tuple[str, ...]]]:
    """Tags, rubrics or authors (`folder`: `tags`, `rubrics`, `authors`) by slug, and each page's slugs.

    Names that transliterate alike are one list, named by the spelling most pages use ("НАТО" over "нато").
    """
    names: dict[str, Counter[str]] = defaultdict(Counter)
    written_in: dict[tuple[str, str], str] = {}  # (slug, spelling) -> a file that writes it so
    members: dict[str, list[str]] = defaultdict(list)
    page_slugs: list[tuple[str, ...]] = []
    fallback = folder.removesuffix("s") + "-"
    for page in pages:
        slugs: dict[str, None] = {}  # ordered and O(1) to look up: a page may have many tags
        for name in names_of(page):
            slug = slugify(name) or fallback + hashlib.sha1(name.encode()).hexdigest()[:8]
            names[slug][name] += 1
            written_in.setdefault((slug, name), page.id)
            if slug not in slugs:
                slugs[slug] = None
                members[slug].append(page.id)
        page_slugs.append(tuple(slugs))
    groups = {
        slug: Tag(
            slug=slug,
            name=sorted(names[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
            url=f"{config.base_path}{folder}/{slug}/",
            page_ids=tuple(members[slug]),
        )
        for slug in sorted(members)
    }
    _warn_shared_urls(folder.removesuffix("s"), groups, names, written_in)
    return MappingProxyType(groups), page_slugs


SHOWN_SHARED_URLS = 5
"""Names written two ways shown as warnings; the rest go to `-v`, so a large import does not flood the terminal."""


def _warn_shared_urls(
    kind: str, groups: Mapping[str, Tag], names: Mapping[str, Counter[str]], written_in: dict[tuple[str, str], str]
) -> None:
    """A warning for each tag (rubric, author) written two ways that give one URL (`Київ`, `Kyiv`): they are one."""
    shared = [
        f"{kind}s {', '.join(f'{name!r} ({written_in[slug, name]})' for name in sorted(names[slug]))} give one URL, "
        f"{group.url}, and are one {kind} named {group.name!r}; write them one way, or make them different words"
        for slug, group in groups.items()
        if len(names[slug]) > 1
    ]
    for message in shared[:SHOWN_SHARED_URLS]:
        log.warning("%s", message)
    if len(shared) > SHOWN_SHARED_URLS:
        log.warning("%d more %ss are written two ways (-v lists them)", len(shared) - SHOWN_SHARED_URLS, kind)
        for message in shared[SHOWN_SHARED_URLS:]:
            log.info("%s", message)
