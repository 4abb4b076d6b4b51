"""`build()`: read -> model -> render -> write. The one entry point for build, serve, publish and check."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sitegen.config import SiteConfig, load_config
from sitegen.content.model import Site
from sitegen.content.site import build_site
from sitegen.output.writer import check_out_dir, write_site
from sitegen.render.site import render_site
from sitegen.render.theme import load_theme
from sitegen.source.files import read_sources

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to build: where to, with drafts or not, under which base URL."""

    out_dir: Path | None = None
    """Default: `output_dir` of `sitegen.yaml` (`site/`)."""
    drafts: bool = False
    future: bool = False
    """Keep pages dated after `now` (scheduled pages); by default they are left out."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    """The instant that decides what is published; aware. Tests freeze it."""
    base_url: str | None = None
    progress: Callable[[int, int], None] | None = None
    """Called with (done, total) while rendering."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What one build made."""

    out_dir: Path
    articles: int
    tags: int
    feeds: int
    files: int
    bytes: int
    seconds: float
    site: Site | None = None
    """The loaded content model the build rendered (for `check` and `publish`)."""


def load_site(site_dir: Path, options: BuildOptions) -> tuple[SiteConfig, Site]:
    """Config and content model, with every source problem raised at once; nothing is written."""
    config = load_config(site_dir)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    sources, problems = read_sources(config.site_dir, config.seeds_dir)
    log.info("read %d source files from %s", len(sources), config.seeds_dir)
    site = build_site(
        config, sources, drafts=options.drafts, future=options.future, now=options.now, read_problems=problems
    )
    return config, site


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildResult:
    """Build the site in `site_dir`; raise `SitegenError` on user errors, leaving the old output as it was."""
    options = options or BuildOptions()
    started = time.perf_counter()
    config, site = load_site(site_dir, options)
    out_dir = (options.out_dir or config.output_path).resolve()
    check_out_dir(out_dir, protected=[config.site_dir, config.seeds_dir, config.themes_dir])
    theme = load_theme(config)
    log.info("rendering %d articles, %d tags with theme %s", len(site.pages), len(site.tags), config.theme)
    outputs = render_site(site, theme, options.progress)
    log.info("writing %d files to %s", len(outputs), out_dir)
    report = write_site(outputs, out_dir)
    return BuildResult(
        out_dir=report.out_dir,
        articles=len(site.pages),
        tags=len(site.tags),
        feeds=sum(1 for o in outputs if o.out_path.endswith(("feed.xml", "feed.json"))),
        files=report.files,
        bytes=report.bytes,
        seconds=time.perf_counter() - started,
        site=site,
    )


def load_all_pages(site_dir: Path, now: datetime) -> Site:
    """The content model with drafts and future-dated pages kept: what `check` looks for in the output."""
    _, site = load_site(site_dir, BuildOptions(drafts=True, future=True, now=now))
    return site
