"""`BuiltSite`: one finished build as the checks see it — its files, its pages and how URLs map onto them."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.check.html import ParsedPage, parse_page
from sitegen.content.model import Site
from sitegen.errors import CheckError, SitegenError
from sitegen.render.search_files import PACKED_SUFFIX, inflate

BUILD_MARKER = ".sitegen-build"
"""Written by the build's writer; not part of the published site."""


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where an internal URL leads."""

    url: str
    """Absolute, as resolved (fragment removed)."""
    rel_path: str | None
    """The file under the output folder it is served from, or None when there is none."""
    fragment: str
    outside: bool = False
    """Written root-relative (`/tags/`) but not under the base path: a link that forgot `/digest/`."""


def everything_failed(exc: SitegenError) -> CheckError:
    """The warning when the drafts-included model does not load (the leak search cannot run)."""
    return CheckError(f"cannot look for leaked drafts: with drafts included the sources fail: {exc.format()}")


@dataclass(frozen=True, slots=True)
class Unpublished:
    """A page of the sources that must not be in the output, and why (plain data: it crosses processes)."""

    id: str
    title: str
    url: str
    out_path: str
    reason: str
    """`draft` or `future-dated page`."""
    line: int | None
    """The line of its `draft:` or `date:` key."""


def unpublished_of(everything: Site, now: datetime) -> tuple[Unpublished, ...]:
    """The pages of `everything` that are drafts or dated after `now`, in its order."""
    found = []
    for page in everything.pages.values():
        if page.meta.draft or page.meta.date > now:
            draft = page.meta.draft
            reason, key = ("draft", "draft") if draft else ("future-dated page", "date")
            found.append(Unpublished(page.id, page.title, page.url, page.out_path, reason, page.key_lines.get(key)))
    return tuple(found)


def list_files(root: Path) -> frozenset[str]:
    """Every file under `root` as a `/`-separated relative path, the build marker left out."""
    found: set[str] = set()
    for dirpath, _dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        found.update(prefix + name for name in filenames)
    found.discard(BUILD_MARKER)
    return frozenset(found)


@dataclass
class BuiltSite:
    """A built output folder and the content model it was rendered from."""

    site_dir: Path
    out_dir: Path
    """Where the build wrote its files (unused when `contents` holds them)."""
    site: Site
    """The production model: the pages that are meant to be published."""
    everything: Site | None = None
    """Every page of the sources, drafts and future-dated ones included (None: not known); see `all_pages`."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    files: frozenset[str] = field(default_factory=frozenset)
    contents: Mapping[str, bytes] | None = field(default=None, repr=False)
    """Every file of a build held in memory, by path (`check` builds in memory): nothing is read from `out_dir`."""
    load_everything: Callable[[], Site] | None = field(default=None, repr=False)
    """Loads `everything` when a check first asks for it (`all_pages`): only the checks that need it pay,
    in whichever process runs them."""
    everything_warning: CheckError | None = None
    """Why `everything` could not be loaded (the sources fail with drafts included)."""
    unpublished: tuple[Unpublished, ...] | None = None
    """The drafts and future-dated pages of the sources (see `unpublished_pages`)."""
    load_unpublished: Callable[[], tuple[Unpublished, ...] | None] | None = field(default=None, repr=False)
    """Gives `unpublished` without loading `everything` here (`check` loads it in another process)."""
    _parsed: dict[str, ParsedPage] = field(default_factory=dict, repr=False)
    _resolved: dict[tuple[str, str], LinkTarget | None] = field(default_factory=dict, repr=False)
    _json: dict[str, tuple[Any, ValueError | None]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.files:
            self.files = (
                frozenset(self.contents) - {BUILD_MARKER} if self.contents is not None else list_files(self.out_dir)
            )

    def all_pages(self) -> Site | None:
        """Every page of the sources, drafts and future-dated ones included; None when not known."""
        if self.everything is None and self.load_everything is not None:
            load, self.load_everything = self.load_everything, None
            try:
                self.everything = load()
            except SitegenError as exc:  # e.g. a draft whose slug collides with a page: only with drafts included
                self.everything_warning = everything_failed(exc)
        return self.everything

    def unpublished_pages(self) -> tuple[Unpublished, ...] | None:
        """The drafts and future-dated pages of the sources (see `unpublished_of`); None when not known."""
        if self.unpublished is None and self.load_unpublished is not None:
            load, self.load_unpublished = self.load_unpublished, None
            self.unpublished = load()
        if self.unpublished is None:
            everything = self.all_pages()
            if everything is not None:
                self.unpublished = unpublished_of(everything, self.now)
        return self.unpublished

    @property
    def base_url(self) -> str:
        return self.site.config.base_url

    @property
    def base_path(self) -> str:
        return self.site.config.base_path

    @property
    def html_files(self) -> list[str]:
        return sorted(f for f in self.files if f.endswith(".html"))

    def page_url(self, rel_path: str) -> str:
        """Root-relative URL a file is served at: `tags/index.html` -> `/digest/tags/`."""
        if rel_path == "index.html" or rel_path.endswith("/index.html"):
            rel_path = rel_path[: -len("index.html")]
        return self.base_path + rel_path

    def size(self, rel_path: str) -> int:
        """The file's size in bytes."""
        if self.contents is not None:
            return len(self.contents[rel_path])
        return (self.out_dir / rel_path).stat().st_size

    def read_bytes(self, rel_path: str) -> bytes:
        if self.contents is not None:
            return self.contents[rel_path]
        return (self.out_dir / rel_path).read_bytes()

    def read_text(self, rel_path: str) -> str:
        """The file as text, line ends made `\\n` (as a file opened in text mode reads)."""
        data = self.read_bytes(rel_path)
        if rel_path.endswith(PACKED_SUFFIX):  # (the search index's packed JSON: its text)
            try:
                data = inflate(data)
            except ValueError:
                pass
        text = data.decode("utf-8", errors="replace")
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text

    def read_json(self, rel_path: str) -> Any:
        """The file parsed as JSON (a packed file's, unpacked), once for every check that reads it; `ValueError`
        when it is not JSON."""
        found = self._json.get(rel_path)
        if found is None:
            try:
                data = self.read_bytes(rel_path)
                if rel_path.endswith(PACKED_SUFFIX):
                    data = inflate(data)
                found = self._json[rel_path] = (json.loads(data), None)
            except ValueError as exc:
                found = self._json[rel_path] = (None, exc)
        value, error = found
        if error is not None:
            raise error
        return value

    def parsed(self, rel_path: str) -> ParsedPage:
        """The page's references and ids, parsed once."""
        page = self._parsed.get(rel_path)
        if page is None:
            page = self._parsed[rel_path] = parse_page(self.read_text(rel_path))
        return page

    def resolve(self, url: str, from_url: str) -> LinkTarget | None:
        """The target of `url` written on the page at `from_url`; None for external links and non-web schemes.

        External: another host, or an absolute URL of this host outside the base path (the newsroom's
        own pages around a digest hosted at `/digest/`).
        """
        # Theme links (stylesheet, navigation, feeds) repeat on every page: resolve each once.
        context = "" if url.startswith(("/", "http:", "https:")) and not url.startswith("//") else from_url
        key = (url, context)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(url, from_url)
        return self._resolved[key]

    def _resolve(self, url: str, from_url: str) -> LinkTarget | None:
        base = self.base_url
        origin = base[: len(base) - len(self.base_path)]
        absolute = urljoin(origin + from_url, url)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
            return None
        plain = parts._replace(fragment="").geturl()
        fragment = unquote(parts.fragment)
        path = unquote(parts.path)
        if not (path + "/").startswith(self.base_path):
            if urlsplit(url).netloc:  # written with its host: a page of this host, but not of this site
                return None
            return LinkTarget(plain, None, fragment, outside=True)
        rel = path[len(self.base_path) :]
        candidates = [rel + "index.html"] if rel == "" or rel.endswith("/") else [rel, rel + "/index.html"]
        for candidate in candidates:
            if candidate in self.files:
                return LinkTarget(plain, candidate, fragment)
        return LinkTarget(plain, None, fragment)
