"""Checks front matter against the DESIGN contract and returns `PageMeta`, or located errors.

`FIELDS` is the table of every key a page may have and how its value is read; any other key is
an error with a "did you mean" hint (the editor's own data goes under `extra:`), so a typo such
as `tag:` is never silently ignored. Every problem of a page is collected (not only the first),
each with the line of its key (or of the list item).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from babel import Locale, UnknownLocaleError

from sitegen.content.dates import LocalTimeError, YearRangeError, parse_site_datetime
from sitegen.content.slugs import is_valid_slug
from sitegen.content.urls import is_safe_url
from sitegen.errors import FrontMatterError, SitegenError, did_you_mean
from sitegen.source.frontmatter import FrontMatter

"""The years a date may have. Inside them every date computation is safe (ISO weeks, time zones,
feeds, `status`); `0001-01-01` or `9999-12-31T23:59:59+02:00` crashed them (issue 17, fault 3)."""


MAX_TAGS = 50
"""Tags one page may have. Each tag page lists the story with all of its tags, so the site grows with
the square of this number: 5,000 tags on one page took 223 s and wrote 2 GB (issue 17, fault 2)."""


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where the story came from."""

    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class ImageMeta:
    """The story's photo: a caption and credit from the source, optionally the picture itself."""

    caption: str
    credit: str
    src: str | None
    """A file relative to the page, else to `media/` (resolved and processed by `sitegen.images`)."""
    alt: str
    """What the picture shows, for readers who cannot see it; empty when the page gives none."""


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Validated front matter of one article."""

    title: str
    date: datetime
    """Aware: the offset written in the file, or the site time zone's for a date without one."""
    updated: datetime | None
    """When the story was last changed (aware), if the page says so: "Оновлено …", `dateModified`."""
    tags: tuple[str, ...]
    category: str | None
    """The rubric."""
    summary: str | None
    authors: tuple[str, ...]
    """From `authors: [..]` or a single `author:`."""
    location: str | None
    source: SourceRef | None
    lang: str | None
    image: ImageMeta | None
    draft: bool
    featured: bool
    curator_note: str | None
    slug: str | None
    """Set by the editor; `None`: the file name gives the URL."""
    aliases: tuple[str, ...]
    """Old URLs of the page, as written (resolved against the base URL in `content/aliases.py`)."""
    imported_from: Mapping[str, Any] | None
    extra: Mapping[str, Any]
    """The editor's own data for templates (`extra:`)."""

    @property
    def author(self) -> str | None:
        """The authors' names in one line (`Олена Ткачук, Іван Петренко`), or `None`."""
        return ", ".join(self.authors) or None


class _Checker:
    """Collects located problems while reading one page's front matter."""

    def __init__(self, fm: FrontMatter, rel_path: str, lines: list[str], timezone: str) -> None:
        self.fm = fm
        self.rel_path = rel_path
        self.lines = lines
        self.timezone = timezone
        """The site's: it places a date written without a UTC offset."""
        self.problems: list[SitegenError] = []

    def problem(
        self, key: str, message: str, hint: str | None = None, *, line: int | None = None, prefix: bool = True
    ) -> None:
        """A problem at the key's line (or `line`); the message starts with `key: ` unless `prefix` is off."""
        line = line or self.fm.key_lines.get(key, 1)
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        text = f"{key}: {message}" if prefix else message
        self.problems.append(FrontMatterError(text, path=self.rel_path, line=line, hint=hint, source_line=src))

    def item_line(self, key: str, index: int) -> int | None:
        """The file line of item `index` of the list under `key` (one item a line), else `None`."""
        lines = self.fm.item_lines.get(key, ())
        return lines[index] if index < len(lines) else None

    def unknown_keys(self, key: str, value: Mapping[Any, Any], known: Collection[str]) -> None:
        """An error for each key of the mapping `value` (under `key`) that is not in `known`."""
        for sub in value:
            if str(sub) not in known:
                hint = did_you_mean(str(sub), known) or "known keys: " + ", ".join(known)
                self.problem(key, f"unknown key '{sub}'", hint)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.fm.data.get(key)
        if value is None:
            if required:
                what = "required, but empty" if key in self.fm.data else "missing; every page needs one"
                self.problem(key, what, f'add `{key}: "…"` to the front matter')
            return None
        if not isinstance(value, str):
            self.problem(key, f"expected text, got {describe(value)}", _quote_hint(key, value))
            return None
        if required and not value.strip():
            self.problem(key, "required, but empty")
            return None
        return value.strip() or None

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of text items (`tags`, `authors`, `aliases`): stripped, each once, in order."""
        value = self.fm.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(
                key, f"expected a list such as {LIST_EXAMPLES[key]}, got {describe(value)}", f"write {key}: [a, b]"
            )
            return ()
        if key == "tags" and len(value) > MAX_TAGS:
            self.problem(
                key,
                f"{len(value)} tags; a page may have at most {MAX_TAGS}",
                "keep the tags that say what the story is about: every tag page lists the story with all its tags",
            )
            return ()
        items: dict[str, None] = {}  # ordered, and O(1) to look up: a list may be long
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                line = self.item_line(key, i)
                self.problem(key, f"item {i + 1}: expected text, got {describe(item)}", _ITEM_QUOTE_HINT, line=line)
            else:
                items[item.strip()] = None
        return tuple(items)

    def flag(self, key: str) -> bool:
        value = self.fm.data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {describe(value)}")
            return False
        return value

    def url(self, key: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(key, f"expected a URL, got {describe(value)}")
            return None
        if not is_safe_url(value.strip()):
            self.problem(key, f"unsafe URL {value!r}", "only http, https, mailto or relative links are allowed")
            return None
        return value.strip() or None

    def mapping(self, key: str, known: Collection[str] | None = None) -> Mapping[str, Any] | None:
        """A mapping under `key`; with `known`, any other sub-key is an error."""
        value = self.fm.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            example = "{" + ", ".join(f"{k}: …" for k in known) + "}" if known else "a mapping of `key: value`"
            self.problem(key, f"expected {example}, got {describe(value)}")
            return None
        if known is not None:
            self.unknown_keys(key, value, known)
        return MappingProxyType(value)


_Read = Callable[[_Checker, str], Any]


def _required_text(c: _Checker, key: str) -> str | None:
    return c.text(key, required=True)


def _text(c: _Checker, key: str) -> str | None:
    return c.text(key)


def _texts(c: _Checker, key: str) -> tuple[str, ...]:
    return c.texts(key)


def _flag(c: _Checker, key: str) -> bool:
    return c.flag(key)


SOURCE_KEYS = ("name", "url")
IMAGE_KEYS = ("src", "alt", "caption", "credit")
IMPORTED_FROM_KEYS = ("file", "sha256")
LIST_EXAMPLES = {"tags": "[НАТО, Україна]", "authors": "[Олена Ткачук, Іван Петренко]", "aliases": "[/2026/02/old/]"}


def _date(c: _Checker, key: str) -> datetime | None:
    if key not in c.fm.data or c.fm.data[key] is None:
        c.problem(key, "required", f"add `{key}: 2026-02-12T18:10:00+02:00`")
        return None
    raw = c.fm.data[key]
    if not isinstance(raw, str):
        c.problem(key, f"expected an ISO 8601 date-time, got {describe(raw)}")
        return None
    try:
        return parse_site_datetime(raw, c.timezone)
    except LocalTimeError as exc:
        hint = "write the time after the change, or give the UTC offset: 2026-03-29T04:30:00+03:00"
        c.problem(key, str(exc), hint)
    except YearRangeError as exc:
        c.problem(key, f"{raw!r}: {exc}", "check the year of the date")
    except ValueError as exc:
        c.problem(
            key,
            f"not a valid date-time {raw!r} ({exc})",
            "write it as 2026-02-12, 2026-02-12T18:10 (site time zone) or 2026-02-12T18:10:00+02:00",
        )
    return None


def _updated(c: _Checker, key: str) -> datetime | None:
    return _date(c, key) if c.fm.data.get(key) is not None else None


def _source(c: _Checker, key: str) -> SourceRef | None:
    value = c.fm.data.get(key)
    if isinstance(value, str):
        return SourceRef(name=value.strip(), url=None) if value.strip() else None
    fields = c.mapping(key, SOURCE_KEYS)
    if fields is None:
        return None
    name = fields.get("name")
    if name is not None and not isinstance(name, str):
        c.problem(key, f"name: expected text, got {describe(name)}")
        return None
    url = c.url(key, fields.get("url"))
    if not name and not url:
        return None
    return SourceRef(name=(name or "").strip() or (url or ""), url=url)


def _lang(c: _Checker, key: str) -> str | None:
    value = c.text(key)
    if value is None:
        return None
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        hint = "the code for Ukrainian is uk" if value.lower() == "ua" else "use a BCP 47 code such as uk, en, ru"
        c.problem(key, f"unknown language {value!r}", hint)
        return None
    return value


def _image(c: _Checker, key: str) -> ImageMeta | None:
    value = c.mapping(key, IMAGE_KEYS)
    if value is None:
        return None
    texts: dict[str, str] = {}
    for sub in ("caption", "credit", "alt"):
        item = value.get(sub)
        if item is not None and not isinstance(item, str):
            c.problem(key, f"{sub}: expected text, got {describe(item)}")
            return None
        texts[sub] = (item or "").strip()
    src = c.url(key, value.get("src"))
    return ImageMeta(caption=texts["caption"], credit=texts["credit"], src=src, alt=texts["alt"])


def _slug(c: _Checker, key: str) -> str | None:
    value = c.fm.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not is_valid_slug(value):
        c.problem(
            key,
            f"{value!r} is not a valid slug",
            "use lowercase latin letters, digits and single hyphens, e.g. perehovory-z-kremlem",
        )
        return None
    return value


def _imported_from(c: _Checker, key: str) -> Mapping[str, Any] | None:
    return c.mapping(key, IMPORTED_FROM_KEYS)


def _extra(c: _Checker, key: str) -> Mapping[str, Any]:
    return c.mapping(key) or MappingProxyType({})


FIELDS: Mapping[str, _Read] = {
    # key: how its value is read (each reader reports its own problems at the key's line)
    "title": _required_text,  # text, required
    "date": _date,  # ISO 8601: with a UTC offset, or without one in the site time zone; required
    "updated": _updated,  # ISO 8601 date-time with a UTC offset, not before `date`
    "tags": _texts,  # list of text
    "category": _text,  # text: the rubric
    "summary": _text,  # text
    "author": _text,  # text: one author (or `authors`)
    "authors": _texts,  # list of text
    "location": _text,  # text
    "source": _source,  # {name, url} or text
    "lang": _lang,  # BCP 47 code
    "image": _image,  # {src, alt, caption, credit}
    "draft": _flag,  # true/false
    "featured": _flag,  # true/false
    "curator_note": _text,  # text (Markdown)
    "slug": _slug,  # lowercase latin words joined by hyphens
    "aliases": _texts,  # list of old URLs
    "extra": _extra,  # mapping: the editor's own data for templates
    "imported_from": _imported_from,  # {file, sha256}: set by `sitegen import`
}
"""Every front matter key a page may have. Any other key is an error."""

SYNONYMS = {
    "description": "summary",
    "lead": "summary",
    "categories": "category",
    "rubric": "category",
    "keywords": "tags",
    "url": "slug",
    "permalink": "slug",
    "alias": "aliases",
    "redirect_from": "aliases",
}
"""What other generators (Hugo, Jekyll, Pelican) call a key sitegen names otherwise."""


def validate_page(
    fm: FrontMatter, rel_path: str, text_lines: list[str], *, timezone: str
) -> tuple[PageMeta | None, list[SitegenError]]:
    """Front matter -> `PageMeta`; `None` and the problems when anything is wrong.

    `timezone` (the site's) places a `date` or `updated` written without a UTC offset.
    """
    c = _Checker(fm, rel_path, text_lines, timezone)
    values = {key: read(c, key) for key, read in FIELDS.items()}
    for key in fm.data:
        if key not in FIELDS:
            hint = f"did you mean '{SYNONYMS[key]}'?" if key in SYNONYMS else did_you_mean(key, FIELDS)
            own = "keys of your own go under `extra:`"
            c.problem(key, f"unknown key '{key}'", f"{hint} {own}" if hint else own, prefix=False)
    author = values.pop("author")
    if author is not None and values["authors"]:
        line = fm.key_lines.get("author")
        c.problem("authors", f"`author` is set too (line {line})", "keep one: authors: [a, b] lists every author")
    if author is not None:
        values["authors"] = (author,)
    if values["date"] is not None and values["updated"] is not None and values["updated"] < values["date"]:
        c.problem(
            "updated", f"{values['updated'].isoformat()} is before the date of the page", "an update comes after `date`"
        )
    if c.problems or values["title"] is None or values["date"] is None:
        return None, sorted(c.problems, key=lambda p: p.line or 0)  # in the order of the file
    return PageMeta(**_shared_names(values)), []


_SHARED_NAMES = ("category", "location", "lang")


def _shared_names(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with the names many pages repeat (tags, rubric, authors, place, language, source) as one string
    each (`sys.intern`): the YAML reader makes a new one for every page (`Page.meta`: 1,446 -> 777 bytes deep,
    at 5,000 bench pages)."""
    values["tags"] = tuple(map(sys.intern, values["tags"]))
    values["authors"] = tuple(map(sys.intern, values["authors"]))
    for key in _SHARED_NAMES:
        if values[key] is not None:
            values[key] = sys.intern(values[key])
    source = values["source"]
    if source is not None:
        values["source"] = replace(source, name=sys.intern(source.name))
    return values


def share_names(meta: PageMeta) -> PageMeta:
    """`meta` with its repeated names shared as `validate_page` shares them (after a pickle copied them)."""
    names = ("tags", "authors", "source", *_SHARED_NAMES)
    return replace(meta, **_shared_names({key: getattr(meta, key) for key in names}))


_ITEM_QUOTE_HINT = "put the item in quotes; YAML reads no, yes, on and off as true/false and 2026 as a number"


def _quote_hint(key: str, value: Any) -> str:
    """How to write `value` as the text it probably meant."""
    if isinstance(value, (list, dict)):
        if key == "author":
            return "for several authors write authors: [a, b]"
        return f'write one line of text: {key}: "…"'
    if isinstance(value, bool):
        return f'put it in quotes: {key}: "…"; YAML reads no, yes, on and off as true/false'
    return f'put it in quotes: {key}: "{value}"'


def describe(value: Any) -> str:
    """How a wrong value reads in an error: `a yes/no value (False)`, `a list`, …"""
    kinds: list[tuple[type | tuple[type, ...], Callable[[Any], str]]] = [
        (bool, lambda v: f"a yes/no value ({str(v).lower()})"),
        ((int, float), lambda v: f"a number ({v})"),
        (str, lambda v: "text"),
        (list, lambda v: "a list"),
        (dict, lambda v: "a mapping"),
    ]
    if value is None:
        return "nothing"
    for kind, text in kinds:
        if isinstance(value, kind):
            return text(value)
    return type(value).__name__
