"""`BuiltSite`: one finished build as the checks see it — its files, its pages and how URLs map onto them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.check.html import ParsedPage, parse_page
from sitegen.content.model import Site

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
    site: Site
    """The production model: the pages that are meant to be published."""
    everything: Site | None = None
    """Every page of the sources, drafts and future-dated ones included (None: not known)."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    files: frozenset[str] = field(default_factory=frozenset)
    _parsed: dict[str, ParsedPage] = field(default_factory=dict, repr=False)
    _resolved: dict[tuple[str, str], LinkTarget | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.files:
            self.files = list_files(self.out_dir)

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

    def read_text(self, rel_path: str) -> str:
        return (self.out_dir / rel_path).read_text(encoding="utf-8", errors="replace")

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
