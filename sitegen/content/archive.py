"""The date archive: years and months of the site time zone, each with its articles newest first."""

from __future__ import annotations

from collections.abc import Sequence

from sitegen.config import SiteConfig
from sitegen.content.model import ArchiveMonth, ArchiveYear, Page


def build_archive(config: SiteConfig, pages: Sequence[Page]) -> tuple[ArchiveYear, ...]:
    """Years newest first, months newest first, from `pages` (newest first): `/<yyyy>/`, `/<yyyy>/<mm>/`."""
    months: dict[tuple[int, int], list[str]] = {}
    for page in pages:
        months.setdefault((page.local_date.year, page.local_date.month), []).append(page.id)
    years: dict[int, list[ArchiveMonth]] = {}
    for (year, month), ids in sorted(months.items(), reverse=True):
        url = f"{config.base_path}{year:04d}/{month:02d}/"
        years.setdefault(year, []).append(ArchiveMonth(year=year, month=month, url=url, page_ids=tuple(ids)))
    return tuple(
        ArchiveYear(year=year, url=f"{config.base_path}{year:04d}/", months=tuple(ms)) for year, ms in years.items()
    )
