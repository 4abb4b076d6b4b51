"""`RenderCache`: outputs kept between renders of one process (`serve`), each under the inputs it came from.

A content edit must re-render only what depends on it, yet the result must equal a clean build
(reliability.md §4: Hugo's and Zola's incremental rebuilds drifted from full builds). So every
cached output is stored under a key made of *all* it reads:

- each page gets a version number that changes whenever the `Page` value changes (its text,
  URL, tags, neighbours…);
- a page also gets a *summary* version, which ignores the fields a list entry never shows
  (`SUMMARY_IGNORES`: the body, its line, neighbours): so a body edit does not re-render the
  tag pages that list the article. `views.summary_view` must not read those fields;
- an article's key is its own version and the summary versions (with tag counts) of every page
  it names by id (any `Page` field called `*_id` or `*_ids`, so `prev_id`, `next_id`,
  `related_ids`, and relations added later, are covered without touching this file): an article
  shows the pages it names as a link or a list entry (`views.link_view`, `views.summary_view`),
  never their bodies, so a body edit re-renders that one article, not its neighbours and the
  articles that list it as related;
- a tag's pages are keyed by the tag and the summary versions (and tag counts) of its
  articles; its feed, which carries the bodies, by the full versions;
- everything else the cached templates can see (config, every tag's, rubric's and author's name and URL, each
  edition's title, dates and URL, any other `Site` field) is one site-wide key: when it changes,
  the cache is emptied and the next render is a full one.

The theme is not part of any key: the caller (`engine.Engine`) starts a new cache when the theme
or the config changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from operator import attrgetter
from typing import Any, TypeVar

from sitegen.content.model import Page, Site, Tag
from sitegen.render.output import Output

T = TypeVar("T")
_SITE_OWN = ("pages", "order", "tags", "rubrics", "authors", "editions", "archive", "config")
"""`Site` fields the site-wide key covers in its own way: pages by version, tags, rubrics and authors by name and URL,
editions by what an article's edition link shows; the archive is read only by archive pages,
whose own keys hold their months. Any other field (added later) is compared whole."""
_REF_FIELDS = tuple(f.name for f in fields(Page) if f.name.endswith(("_id", "_ids")))
SUMMARY_IGNORES = frozenset({"body_source", "body_line", "key_lines", *_REF_FIELDS})
"""`Page` fields no list entry shows (see `views.summary_view`)."""
_SUMMARY_FIELDS = tuple(f.name for f in fields(Page) if f.name not in SUMMARY_IGNORES)


def _fields_of(names: Sequence[str]) -> Callable[[Page], tuple[Any, ...]]:
    """The values of these `Page` fields, as a tuple (one `attrgetter` call)."""
    if len(names) > 1:
        return attrgetter(*names)
    return (lambda page: (getattr(page, names[0]),)) if names else (lambda page: ())


_summary_part = _fields_of(_SUMMARY_FIELDS)
_one_refs = _fields_of([name for name in _REF_FIELDS if name.endswith("_id")])
"""A page's references to one page each (`prev_id`, …): an id or `None`."""
_many_refs = _fields_of([name for name in _REF_FIELDS if name.endswith("_ids")])
"""A page's references to several pages each (`related_ids`, …): a tuple of ids."""


class RenderCache:
    """Rendered outputs by (kind, name), each valid only for the exact key it was stored under."""

    def __init__(self) -> None:
        self._site_key: Any = None
        self._versions: dict[str, tuple[Page, int, int]] = {}
        """By page id: the page, its version and its summary version."""
        self._summaries: dict[str, Hashable] = {}
        self._counter = 0
        self._entries: dict[tuple[str, str], tuple[Hashable, Any]] = {}
        self._used: set[tuple[str, str]] = set()
        self.hits = 0
        self.misses = 0
        self.deferrable: frozenset[str] = frozenset()
        """Kinds whose stale value may stand in for one render (`serve` publishes first, then makes them)."""
        self.deferred = False
        """Whether this render handed out a stale value of a deferrable kind."""
        self.sink: Callable[[Output], Output] | None = None
        """Set by `build`: every `Output` stored is handed to it first (written to the staging folder) and
        the cache keeps what it returns (the output without its bytes), so a build never holds them all."""

    def __getstate__(self) -> dict[str, Any]:
        """What `build` keeps in `.sitegen-cache/`: entries and page versions, never a sink."""
        return {
            "site_key": self._site_key,
            "versions": self._versions,
            "counter": self._counter,
            "entries": self._entries,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        self._site_key = state["site_key"]
        self._versions = state["versions"]
        self._counter = state["counter"]
        self._entries = state["entries"]

    def begin(self, site: Site, extra: Hashable = None) -> None:
        """Start one render of `site`: number the page versions; empty the cache if site-wide inputs changed.

        `extra`: anything else every page shows (the site's default sharing picture).
        """
        site_key = (
            extra,
            site.config,
            tuple((t.slug, t.name, t.url) for group in (site.tags, site.rubrics, site.authors) for t in group.values()),
            tuple((k, e.title, e.url, e.start, e.end) for k, e in site.editions.items()),
            tuple(getattr(site, f.name) for f in fields(site) if f.name not in _SITE_OWN),
        )
        if site_key != self._site_key:
            self._site_key = site_key
            self._entries.clear()
        versions: dict[str, tuple[Page, int, int]] = {}
        for page_id, page in site.pages.items():
            old = self._versions.get(page_id)
            if old is not None and (old[0] is page or old[0] == page):
                # Hold this render's page, not the equal old one: the model and the cache then share one
                # object per page (the build cache pickles it once; `serve` keeps one copy in memory).
                versions[page_id] = old if old[0] is page else (page, old[1], old[2])
                continue
            self._counter += 1
            if old is not None and _summary_part(old[0]) == _summary_part(page):
                versions[page_id] = (page, self._counter, old[2])
            else:
                versions[page_id] = (page, self._counter, self._counter)
        self._versions = versions
        counts = {slug: len(tag.page_ids) for slug, tag in site.tags.items()}.__getitem__
        self._summaries = {i: (v[2], tuple(map(counts, v[0].tag_slugs))) for i, v in versions.items()}
        self._used = set()
        self.hits = self.misses = 0
        self.deferred = False

    def end(self) -> None:
        """Forget outputs this render did not ask for (deleted pages and tags)."""
        self._entries = {k: v for k, v in self._entries.items() if k in self._used}

    def version(self, page_id: str | None) -> int | None:
        """The version of a page in this render (`None` for no page)."""
        entry = self._versions.get(page_id) if page_id is not None else None
        return entry[1] if entry else None

    def article_key(self, page: Page) -> Hashable:
        """Everything an article page reads beyond the site-wide key: itself, and what it shows of the pages it
        names (as a list entry does: their summary versions and tag counts)."""
        summary = self._summaries.get  # (`None` for no page: no id is `None`)
        versions = self._versions.get(page.id)
        return (
            summary(page.id),
            versions[1] if versions else None,
            *map(summary, _one_refs(page)),
            *(tuple(map(summary, ids)) for ids in _many_refs(page)),
        )

    def list_key(self, page_ids: Sequence[str]) -> Hashable:
        """What list entries of these pages show: their summary versions and tag counts."""
        return tuple(self._summaries.get(i) for i in page_ids)

    def versions(self, page_ids: Sequence[str]) -> Hashable:
        """The full versions of these pages (for outputs that show their bodies: feeds)."""
        return tuple(self.version(i) for i in page_ids)

    def tag_key(self, tag: Tag) -> Hashable:
        """A tag's pages: the tag and the summaries of its articles."""
        return (tag, self.list_key(tag.page_ids))

    def feed_key(self, tag: Tag, limit: int) -> Hashable:
        """A tag's feed: the tag and the full versions of its newest `limit` articles."""
        return (tag, tuple(self.version(i) for i in tag.page_ids[:limit]))

    def get(self, kind: str, name: str, key: Hashable) -> Any | None:
        """The value stored for (kind, name) under exactly `key`, else `None`."""
        at = (kind, name)
        self._used.add(at)
        entry = self._entries.get(at)
        if entry is not None and entry[0] == key:
            self.hits += 1
            return entry[1]
        if entry is not None and kind in self.deferrable:
            self.deferred = True
            return entry[1]  # stale: the caller renders again without deferring right after
        self.misses += 1
        return None

    def memo(self, kind: str, name: str, key: Hashable, make: Callable[[], T]) -> T:
        """The value stored for (kind, name) under `key`, else `make()` stored under it."""
        hit = self.get(kind, name, key)
        return hit if hit is not None else self.put(kind, name, key, make())  # type: ignore[no-any-return]

    def held(self, kind: str, name: str) -> Any | None:
        """What `hold` kept for (kind, name), whatever this render's inputs; `None` when nothing is."""
        self._used.add((kind, name))
        entry = self._entries.get((kind, name))
        return entry[1] if entry is not None else None

    def hold(self, kind: str, name: str, value: Any) -> None:
        """Keep `value` for (kind, name) as it is (never passed to the sink): the state an output is updated
        from, not an output (`search.SearchIndex`). It is emptied with the rest when site-wide inputs change."""
        self._used.add((kind, name))
        self._entries[(kind, name)] = (None, value)

    def drop(self, kind: str, name: str) -> None:
        """Forget (kind, name)."""
        self._entries.pop((kind, name), None)

    def recorded(self, make: Callable[[], T]) -> tuple[T, Recorded]:
        """`make()`, and what it did to this cache: the entries it asked for (found or stored) and its hits and
        misses. A forked worker that runs `make` hands them back to the parent's cache (`adopt`): its own copy
        of the cache ends with it."""
        used, hits, misses = set(self._used), self.hits, self.misses
        value = make()
        asked = {k: self._entries[k] for k in self._used - used if k in self._entries}
        return value, Recorded(asked, self.hits - hits, self.misses - misses)

    def adopt(self, recorded: Recorded) -> None:
        """What `recorded` saw another process's copy of this cache do, done to this one."""
        self._entries.update(recorded.entries)
        self._used.update(recorded.entries)
        self.hits += recorded.hits
        self.misses += recorded.misses

    def put(self, kind: str, name: str, key: Hashable, value: Any) -> Any:
        """Store `value` for (kind, name) under `key`; return it."""
        self._used.add((kind, name))
        if self.sink is not None:
            value = _streamed(value, self.sink)
        self._entries[(kind, name)] = (key, value)
        return value


@dataclass(frozen=True, slots=True)
class Recorded:
    """What one piece of work did to a `RenderCache` (`RenderCache.recorded`)."""

    entries: dict[tuple[str, str], tuple[Hashable, Any]]
    hits: int
    misses: int


def _streamed(value: Any, sink: Callable[[Output], Output]) -> Any:
    """`value` with every `Output` in it (itself, a list or tuple of them, a dataclass field) passed to `sink`."""
    if isinstance(value, Output):
        return sink(value)
    if type(value) in (list, tuple):
        return type(value)(_streamed(v, sink) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if isinstance(item, Output | list | tuple):
                new = _streamed(item, sink)
                if new is not item:
                    changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value
