"""Paginated lists (tag pages, month pages, `/editions/`): how items are cut into pages, their URLs and titles,
and the numbered links under each page (first, last and a window around the current one, as Hugo's and
Zola's paginators let a theme show)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sitegen.content.model import Site
from sitegen.render.strings import Strings
from sitegen.render.views import PageLinkView, PaginationView

T = TypeVar("T")

WINDOW = 2
"""Pages linked on each side of the current one (besides the first and the last)."""


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
    """Where page `n` of `total` is: its neighbours' URLs and the numbered links to show."""
    return PaginationView(
        current=n,
        total=total,
        prev_url=page_url(root, n - 1) if n > 1 else None,
        next_url=page_url(root, n + 1) if n < total else None,
        pages=[
            PageLinkView(number=k, url=page_url(root, k) if k else None, current=k == n) for k in page_numbers(n, total)
        ],
    )


def page_numbers(n: int, total: int, window: int = WINDOW) -> list[int]:
    """`[1, 0, 8, 9, 10, 11, 12, 0, 43]` for page 10 of 43: first, last, `window` pages around `n`; 0 is a gap.

    A gap stands for two or more pages; a single page between two shown ones is shown instead.
    """
    shown = sorted({1, total, *range(max(1, n - window), min(total, n + window) + 1)})
    numbers: list[int] = []
    for k in shown:
        if numbers and k - numbers[-1] == 2:
            numbers.append(k - 1)
        elif numbers and k - numbers[-1] > 2:
            numbers.append(0)
        numbers.append(k)
    return numbers
