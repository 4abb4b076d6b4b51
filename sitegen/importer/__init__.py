"""`sitegen import`: raw scraped articles -> curated pages under `seeds/<yyyy>/<mm>/<slug>.md`.

Never overwrites a page without `force`; a raw file already imported (same sha256 in a page's
`imported_from`) is `unchanged`, whatever the editor did to the page since. A bad file is reported
with its line and skipped; the others are still imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.config import SiteConfig
from sitegen.content.slugs import slugify
from sitegen.errors import SitegenError
from sitegen.importer.emit import render_page, write_page
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


def _existing_pages(seeds: Path) -> dict[str, Path]:
    """sha256 of the raw file each existing page was imported from -> the page."""
    pages: dict[str, Path] = {}
    for page in sorted(seeds.rglob("*.md")) if seeds.is_dir() else []:
        try:
            data = parse_front_matter(page.read_text("utf-8"), str(page)).data
        except (SitegenError, OSError, UnicodeDecodeError):
            continue  # `sitegen build` reports a broken page; here it just cannot be matched
        source = data.get("imported_from")
        if isinstance(source, dict) and isinstance(source.get("sha256"), str):
            pages[source["sha256"]] = page
    return pages


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
    zone = ZoneInfo(config.timezone)
    existing = _existing_pages(config.seeds_dir)
    taken: set[Path] = set()
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
            report.unchanged.append(f"unchanged {_rel(page, config)} (from {shown})")
            continue
        target = page if page is not None else _target(config.seeds_dir, article, taken)
        taken.add(target)
        if not dry_run:
            write_page(target, render_page(article))
        verb = "would write" if dry_run else ("overwrote" if page is not None else "imported")
        report.imported.append(f"{verb} {_rel(target, config)} (from {shown})")
    return report


def _rel(path: Path, config: SiteConfig) -> str:
    try:
        return path.relative_to(config.site_dir).as_posix()
    except ValueError:
        return str(path)
