"""The date archive: `/archive/` (years and months with counts), `/<yyyy>/` and `/<yyyy>/<mm>/` (paginated).

Month headings use the stand-alone (nominative) month, "лютий 2026"; dates the format
(genitive) one, "12 лютого 2026" (CLDR `LLLL` vs `MMMM`, features.md §2.3).
"""

from __future__ import annotations

import functools
from datetime import date
from typing import TypedDict

from sitegen.content.model import ArchiveMonth, ArchiveYear, Site
from sitegen.render.cache import RenderCache
from sitegen.render.output import Output
from sitegen.render.pages import _base, _render
from sitegen.render.pagination import chunks, out_path, page_title, page_url, pagination
from sitegen.render.strings import Strings
from sitegen.render.theme import Theme
from sitegen.render.views import ArticleSummaryView, BaseContext, LinkView, PaginationView, summary_view


class MonthLinkView(TypedDict):
    name: str
    """`лютий` inside its year, `лютий 2026` alone."""
    url: str
    count: int
    count_text: str


class YearView(TypedDict):
    year: int
    url: str
    count_text: str
    months: list[MonthLinkView]


class DayView(TypedDict):
    """The articles of one day in a month page, under a heading in the genitive ("12 лютого 2026")."""

    date_iso: str
    date_text: str
    articles: list[ArticleSummaryView]


class ArchiveContext(BaseContext):
    years: list[YearView]


class YearContext(BaseContext):
    year: YearView
    prev_year: LinkView | None
    """The year before (older)."""
    next_year: LinkView | None


class MonthContext(BaseContext):
    heading: str
    count_text: str
    year: LinkView
    days: list[DayView]
    pagination: PaginationView | None
    prev_month: LinkView | None
    next_month: LinkView | None


def _month_link(month: ArchiveMonth, s: Strings, *, with_year: bool) -> MonthLinkView:
    first = date(month.year, month.month, 1)
    return MonthLinkView(
        name=s.month(first) if with_year else s.month_name(first),
        url=month.url,
        count=len(month.page_ids),
        count_text=s.plural("articles", len(month.page_ids)),
    )


def _year_view(year: ArchiveYear, s: Strings, *, with_year: bool) -> YearView:
    return YearView(
        year=year.year,
        url=year.url,
        count_text=s.plural("articles", year.count),
        months=[_month_link(m, s, with_year=with_year) for m in year.months],
    )


def render_archive(site: Site, theme: Theme, cache: RenderCache | None = None) -> list[Output]:
    """`/archive/`, one page per year and the (paginated) month pages (month pages reused from `cache`)."""
    cache = cache or RenderCache()
    s = theme.strings_for(site.config.language)
    lang = site.config.language
    index = ArchiveContext(
        **_base(site, s, lang, "archive", s.archive, s.archive_intro, site.absolute_url(site.url("archive/"))),
        years=[_year_view(y, s, with_year=False) for y in site.archive],
    )
    outputs = [_render(theme, "archive.html", index, "archive/index.html", "archive")]
    years = site.archive
    for i, year in enumerate(years):
        view = _year_view(year, s, with_year=True)
        context = YearContext(
            **_base(site, s, lang, "year", str(year.year), view["count_text"], site.absolute_url(year.url)),
            year=view,
            prev_year=_year_link(years[i + 1]) if i + 1 < len(years) else None,
            next_year=_year_link(years[i - 1]) if i > 0 else None,
        )
        outputs.append(_render(theme, "year.html", context, out_path(site, year.url), f"archive {year.year}"))
    months = [m for y in years for m in y.months]  # newest first
    for i, month in enumerate(months):
        older = months[i + 1] if i + 1 < len(months) else None
        newer = months[i - 1] if i > 0 else None
        key = (month, older and older.url, newer and newer.url, cache.list_key(month.page_ids))
        outputs.extend(
            cache.memo(
                "month",
                month.url,
                key,
                functools.partial(_month_pages, site, theme, s, month, older=older, newer=newer),
            )
        )
    return outputs


def _year_link(year: ArchiveYear) -> LinkView:
    return LinkView(title=str(year.year), url=year.url)


def _month_pages(
    site: Site, theme: Theme, s: Strings, month: ArchiveMonth, *, older: ArchiveMonth | None, newer: ArchiveMonth | None
) -> list[Output]:
    ids = month.page_ids
    pages = chunks(ids, site.config.per_page)
    heading = s.month(date(month.year, month.month, 1))
    count_text = s.plural("articles", len(ids))
    outputs = []
    for n, chunk in enumerate(pages, 1):
        url = page_url(month.url, n)
        title = page_title(heading, n, len(pages), s)
        days: list[DayView] = []
        for page_id in chunk:
            page = site.pages[page_id]
            day = page.local_date.date()
            if not days or days[-1]["date_iso"] != day.isoformat():
                days.append(DayView(date_iso=day.isoformat(), date_text=s.date(day), articles=[]))
            view = summary_view(site, page, s)
            view["date_text"] = s.time(page.local_date)  # the day is the heading above
            days[-1]["articles"].append(view)
        context = MonthContext(
            **_base(site, s, site.config.language, "month", title, f"{heading}: {count_text}", site.absolute_url(url)),
            heading=heading,
            count_text=count_text,
            year=LinkView(title=str(month.year), url=f"{site.config.base_path}{month.year:04d}/"),
            days=days,
            pagination=pagination(month.url, n, len(pages)),
            prev_month=_month_nav(older, s),
            next_month=_month_nav(newer, s),
        )
        outputs.append(
            _render(theme, "month.html", context, out_path(site, url), f"archive {month.year}-{month.month:02d}")
        )
    return outputs


def _month_nav(month: ArchiveMonth | None, s: Strings) -> LinkView | None:
    if month is None:
        return None
    return LinkView(title=s.month(date(month.year, month.month, 1)), url=month.url)
