"""Old URLs of articles (`aliases:`) -> `Redirect`s, or errors naming the file and the line.

An alias is written as a path of the site, like every URL in sitegen (`/2026/02/old-name/`, read
relative to `base_url`; `/digest/2026/02/old-name/` with the base path in front means the same), or
as the full URL a reader had (`https://example.org/digest/2026/02/old-name/`). It is read against
the `base_url` of `sitegen.yaml` even when a preview replaces it, so `serve` writes its redirect
pages where the published site does. The page written there must lie inside the site: a URL on
another host, outside the base path or with `..` is an error, as is a query string or a fragment,
which a static host cannot redirect by.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from sitegen.config import SiteConfig
from sitegen.content.model import Redirect
from sitegen.errors import SitegenError, SourceError

_NOT_ALLOWED = re.compile(r"[\x00-\x20\x7f\\]")
_DECODED_NOT_ALLOWED = re.compile(r"[\x00-\x1f\x7f\\]")
_PAGE_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True, slots=True)
class AliasSource:
    """The aliases of one page as its front matter has them, and where."""

    page_id: str
    page_url: str
    """The page's own URL (root-relative, with the base path)."""
    aliases: tuple[str, ...]
    lines: tuple[int, ...]
    """The file line of each alias."""
    published: bool
    """False for a draft or a scheduled page: checked for collisions, but no redirect is written yet."""


class AliasError(ValueError):
    """Why an alias cannot be used; `build_redirects` reports it as a `SourceError` at the alias's line."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def resolve_alias(alias: str, config: SiteConfig) -> tuple[str, str]:
    """An alias -> (root-relative URL with the current base path, output path); `AliasError` when it cannot be."""
    home = config.file_base_url or config.base_url
    home_parts = urlsplit(home)
    home_path = home_parts.path or "/"
    example = "/2026/02/old-name/"
    if _NOT_ALLOWED.search(alias):
        raise AliasError(f"{alias!r} has a space, a backslash or a control character", "write spaces as %20")
    parts = urlsplit(alias)
    if parts.query or parts.fragment or alias.endswith(("?", "#")):
        raise AliasError(
            f"{alias} has a query or a fragment", f"a static site redirects paths only: write {parts.path or example}"
        )
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != home_parts.netloc.lower():
            raise AliasError(
                f"{alias} lies outside the base URL {home}",
                f"a redirect page can only be written inside the site; write its path, e.g. {example}",
            )
        path = parts.path or "/"
        if not path.startswith(home_path):
            raise AliasError(f"{alias} lies outside the base URL {home}", f"write its path, e.g. {example}")
        site_path = path[len(home_path) :]
    elif alias.startswith("/") and not alias.startswith("//"):
        path = parts.path
        site_path = path[len(home_path) :] if home_path != "/" and path.startswith(home_path) else path[1:]
    else:
        raise AliasError(f"{alias!r} is not a URL path", f"start it with /, e.g. {example}")
    decoded = unquote(site_path)
    segments = decoded.split("/")
    if any(s in (".", "..") for s in segments):
        raise AliasError(
            f"{alias} has . or .. parts, which can lead outside the base URL's path {home_path}",
            f"write the old path as the reader saw it, e.g. {example}",
        )
    if "" in segments[:-1] or _DECODED_NOT_ALLOWED.search(decoded):
        raise AliasError(f"{alias} has an empty part (//) or a control character", f"write it as, e.g., {example}")
    if not decoded:
        raise AliasError(f"{alias} is the home page", "the home page cannot be an alias of an article")
    last = segments[-1]
    if last and "." in last and not last.endswith(_PAGE_SUFFIXES):
        raise AliasError(
            f"{alias} ends in a file name that is not a page", "an alias ends with / or .html, e.g. /2026/02/old.html"
        )
    if last and not last.endswith(_PAGE_SUFFIXES):
        decoded += "/"  # `/2026/02/old` is the folder's page, as static hosts serve it
    out_path = decoded + "index.html" if decoded.endswith("/") else decoded
    return config.base_path + quote(decoded), out_path


def build_redirects(
    config: SiteConfig, sources: Sequence[AliasSource], problems: list[SitegenError], lines: dict[str, list[str]]
) -> tuple[Redirect, ...]:
    """Every published page's aliases as `Redirect`s; collisions with a page or another alias are problems.

    `lines` holds each page's source lines (for the line shown under an error).
    """
    owners = {source.page_url: source.page_id for source in sources}
    taken: dict[str, tuple[str, int]] = {}
    redirects: list[Redirect] = []
    for source in sources:
        text = lines.get(source.page_id, [])
        for alias, line in zip(source.aliases, source.lines, strict=True):
            found = _alias_problem(alias, source, config, owners, taken)
            if isinstance(found, tuple):
                taken[found[0]] = (source.page_id, line)
                if source.published:
                    redirects.append(Redirect(url=found[0], out_path=found[1], page_id=source.page_id, line=line))
                continue
            shown = text[line - 1] if 0 < line <= len(text) else None
            problems.append(
                SourceError(f"aliases: {found}", path=source.page_id, line=line, hint=found.hint, source_line=shown)
            )
    return tuple(sorted(redirects, key=lambda r: r.url))


def _alias_problem(
    alias: str, source: AliasSource, config: SiteConfig, owners: dict[str, str], taken: dict[str, tuple[str, int]]
) -> tuple[str, str] | AliasError:
    """(URL, output path) of an alias that is free, else what is wrong with it."""
    try:
        url, out_path = resolve_alias(alias, config)
    except AliasError as exc:
        return exc
    if url == source.page_url:
        return AliasError(f"{alias} is this page's own URL", "remove it from aliases")
    if url in owners:
        return AliasError(
            f"{alias} is the URL of {owners[url]}",
            "an alias cannot take the place of a page: remove it, or rename that page's file",
        )
    if url in taken:
        other, other_line = taken[url]
        where = "this page" if other == source.page_id else other
        return AliasError(f"{alias} is also an alias of {where} (line {other_line})", "keep it on one page")
    return url, out_path
