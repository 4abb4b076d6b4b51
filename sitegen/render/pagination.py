"""Paginated lists (tag pages, month pages, `/editions/`): how items are cut into pages, their URLs and titles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sitegen.content.model import Site
from sitegen.render.strings import Strings
from sitegen.render.views import PaginationView

T = TypeVar("T")


def chunks(items: Sequence[T], per_page: int) -> list[Sequence[T]]:
    """`items` cut into pages of `per_page`; an empty list is one empty page (the list page still exists)."""
    return [items[i : i + per_page] for i in range(0, len(items), per_page)] or [items[:0]]


def page_url(root: str, n: int) -> str:
    """Page `n` of a list rooted at `root`: the root itself, then `<root>page/<n>/`."""
    return root if n == 1 else f"{root}page/{n}/"


def out_path(site: Site, url: str) -> str:
    """The output file of a root-relative page URL."""
    return url[len(site.config.base_path) :] + "index.html"


def page_title(heading: str, n: int, total: int, s: Strings) -> str:
    """The heading on page 1; `heading — Сторінка n з total` after it."""
    return heading if n == 1 else f"{heading} — {s.format('page_of', n=n, total=total)}"


def pagination(root: str, n: int, total: int) -> PaginationView:
    """Where page `n` of `total` is, and its neighbours' URLs."""
    return PaginationView(
        current=n,
        total=total,
        prev_url=page_url(root, n - 1) if n > 1 else None,
        next_url=page_url(root, n + 1) if n < total else None,
    )
