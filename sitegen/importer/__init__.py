"""`sitegen import`: raw scraped articles -> curated pages under `seeds/<yyyy>/<mm>/<slug>.md`.

Never overwrites a page without `force`; a raw file already imported (same sha256 in a page's
`imported_from`) is `unchanged`, whatever the editor did to the page since. A bad file is reported
with its line and skipped; the others are still imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.config import SiteConfig
from sitegen.content.duplicates import Story, find_near_duplicates, story_text
from sitegen.content.slugs import slugify
from sitegen.errors import SitegenError, site_relative
from sitegen.importer.emit import render_page, sweep_temp_files, write_page
from sitegen.importer.raw import RawArticle, parse_raw
from sitegen.source.frontmatter import parse_front_matter


@dataclass
class ImportReport:
    """What one `sitegen import` run did, file by file."""

    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def has_failures(self) -> bool:
        return bool(self.failed)

    def lines(self) -> list[str]:
        """One line per file and warning, then the summary."""
        would = "would import" if self.dry_run else "imported"
        summary = (
            f"{len(self.imported)} {would}, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed"
        )
        return [*self.imported, *self.unchanged, *self.skipped, *self.warnings, *self.failed, summary]


def raw_files(paths: Sequence[Path]) -> list[Path]:
    """The files named, and the `*.txt` files of the folders named (sorted)."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()) if path.is_dir() else [path])
    return found


def _existing_pages(seeds: Path) -> tuple[dict[str, Path], dict[Path, tuple[str, datetime | None]]]:
    """sha256 of the raw file each existing page was imported from -> the page; and each page's story text."""
    pages: dict[str, Path] = {}
    stories: dict[Path, tuple[str, datetime | None]] = {}
    for page in sorted(seeds.rglob("*.md")) if seeds.is_dir() else []:
        try:
            fm = parse_front_matter(page.read_text("utf-8"), str(page))
        except (SitegenError, OSError, UnicodeDecodeError):
            continue  # `sitegen build` reports a broken page; here it just cannot be matched
        data = fm.data
        source = data.get("imported_from")
        if isinstance(source, dict) and isinstance(source.get("sha256"), str):
            pages[source["sha256"]] = page
        stories[page] = (story_text(data.get("title"), data.get("summary"), fm.body), _date(data.get("date")))
    return pages, stories


def _date(value: object) -> datetime | None:
    """A page's date if it reads as an aware ISO 8601 date-time (the build reports it otherwise)."""
    try:
        found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return found if found.utcoffset() is not None else None


DUPLICATE_WINDOW = timedelta(days=31)
"""Pages dated this far from every imported article are not compared with them: one story is
retold within days, and a nightly import into years of pages should not read them all."""


def _warn_duplicates(
    report: ImportReport,
    stories: dict[Path, tuple[str, datetime | None]],
    written: dict[Path, str],
    config: SiteConfig,
) -> None:
    """A warning for each imported article that tells the same story as a page or another imported file."""
    dates = [stories[path][1] for path in written]
    known = [d for d in dates if d is not None]
    if not known:
        return
    since, until = min(known) - DUPLICATE_WINDOW, max(known) + DUPLICATE_WINDOW
    pool = [
        Story(site_relative(path, config.site_dir), text)
        for path, (text, date) in stories.items()
        if path in written or date is None or since <= date <= until
    ]
    names = {
        site_relative(path, config.site_dir): f"{site_relative(path, config.site_dir)} (from {raw})"
        for path, raw in written.items()
    }
    for dup in find_near_duplicates(pool, among=names):
        first, second = (names.get(n, n) for n in (dup.first, dup.second))
        if dup.first not in names:  # the imported page first
            first, second = second, first
        report.warnings.append(
            f"warning {first} tells the same story as {second} ({dup.score:.0%} of the shorter text's word pairs "
            "shared; keep one of them)"
        )


def _target(seeds: Path, article: RawArticle, taken: set[Path]) -> Path:
    """`seeds/<yyyy>/<mm>/<slug>.md`, with `-2`, `-3`… when another article has the slug in that month."""
    folder = seeds / f"{article.date.year:04d}" / f"{article.date.month:02d}"
    slug = slugify(article.title) or "stattia"
    path, n = folder / f"{slug}.md", 2
    while path.exists() or path in taken:
        path, n = folder / f"{slug}-{n}.md", n + 1
    return path


def import_articles(
    config: SiteConfig, paths: Sequence[Path], *, force: bool = False, dry_run: bool = False
) -> ImportReport:
    """Import every raw file under `paths` into `config.seeds_dir`; see the module docstring."""
    report = ImportReport(dry_run=dry_run)
    if not dry_run:
        sweep_temp_files(config.seeds_dir)
    zone = ZoneInfo(config.timezone)
    existing, stories = _existing_pages(config.seeds_dir)
    taken: set[Path] = set()
    written: dict[Path, str] = {}
    for raw_path in raw_files(paths):
        shown = str(raw_path)
        try:
            raw = raw_path.read_bytes()
        except OSError as exc:
            report.failed.append(f"failed {shown}: cannot read it: {exc.strerror}")
            continue
        try:
            article = parse_raw(raw, raw_path.name, zone)
        except SitegenError as exc:
            exc.path = shown
            report.failed.append(f"failed {exc.format()}")
            continue
        report.warnings.extend(f"warning {shown}: {w}" for w in article.warnings)
        page = existing.get(article.sha256)
        if page is not None and not force:
            report.unchanged.append(f"unchanged {site_relative(page, config.site_dir)} (from {shown})")
            continue
        target = page if page is not None else _target(config.seeds_dir, article, taken)
        if not dry_run:
            try:
                write_page(target, render_page(article))
            except OSError as exc:  # a full or read-only disk: this page is not written, none is half-written
                report.failed.append(
                    f"failed {shown}: cannot write {site_relative(target, config.site_dir)}: {exc.strerror or exc}"
                )
                continue
        taken.add(target)
        written[target] = shown
        stories[target] = (story_text(article.title, article.summary, "\n\n".join(article.blocks)), article.date)
        verb = "would write" if dry_run else ("overwrote" if page is not None else "imported")
        report.imported.append(f"{verb} {site_relative(target, config.site_dir)} (from {shown})")
    _warn_duplicates(report, stories, written, config)
    return report
