"""`sitegen check`: build the site afresh in memory (never into `site/`), then run every check over it.

The sources are validated by the build itself (front matter, URL collisions: all problems at
once). Each check is a function `BuiltSite -> list[CheckError]` in `CHECKS`; a check marked as
not failing only warns (for advisory checks such as near-duplicate stories). `publish` runs the
same checks over its own build before it touches the target.
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sitegen.build import BuildOptions, BuildResult, build, load_all_pages
from sitegen.check.built import BuiltSite, Unpublished, everything_failed, unpublished_of
from sitegen.check.duplicates import check_duplicates, near_duplicates
from sitegen.check.external import TIMEOUT, check_external_links
from sitegen.check.files import check_feeds_and_sitemap, check_required_files
from sitegen.check.images import check_alt_text
from sitegen.check.leaks import check_leaks
from sitegen.check.links import check_links, check_unsafe_html
from sitegen.check.redirects import check_redirects
from sitegen.check.search import check_search_index
from sitegen.config import load_config
from sitegen.content.model import Site
from sitegen.engine import Engine, EngineOptions
from sitegen.errors import CheckError, SitegenError
from sitegen.workers import Forked, fork_pays

log = logging.getLogger(__name__)

CheckFunction = Callable[[BuiltSite], list[CheckError]]
Where = Literal["here", "pages", "sources"]


@dataclass(frozen=True, slots=True)
class Check:
    """One named check; `fails=False` makes its findings warnings.

    On a large site the checks run in three processes (see `_run_checks`); `where` says in which.
    """

    name: str
    run: CheckFunction
    fails: bool = True
    where: Where = "here"
    """`pages`: reads the parsed built pages (in a process of its own, which parses each page once);
    `sources`: needs only the drafts-included model, `from_sources` (in a process started before the build)."""
    from_sources: Callable[[Site, Path], list[CheckError]] | None = None
    """`where="sources"`: the check over the drafts-included model and the site folder alone."""


PARALLEL_MIN_PAGES = 300
"""Below this many pages, forking processes for the checks costs more than it saves."""

CHECKS: list[Check] = [
    Check("required files", check_required_files),
    Check("links and anchors", check_links, where="pages"),
    Check("aliases", check_redirects, where="pages"),
    Check("unsafe HTML", check_unsafe_html, where="pages"),
    Check("drafts and future pages", check_leaks),
    Check("feeds and sitemap", check_feeds_and_sitemap),
    Check("search index", check_search_index),
    Check("near-duplicate stories", check_duplicates, fails=False, where="sources", from_sources=near_duplicates),
    Check("pictures without alt text", check_alt_text, fails=False),
]


@dataclass(frozen=True, slots=True)
class SourceFindings:
    """What the `sources` process found: the unpublished pages and the `sources` checks' findings."""

    warning: CheckError | None
    """Why the drafts-included model could not be loaded (then the rest is None)."""
    unpublished: tuple[Unpublished, ...] | None
    found: dict[str, list[CheckError]] | None
    """By check name."""


def _from_sources(site_dir: Path, now: datetime, checks: list[Check]) -> SourceFindings:
    """The drafts-included model's unpublished pages and the `sources` checks over it (run in a forked process)."""
    try:
        everything = load_all_pages(site_dir, now)
    except SitegenError as exc:  # e.g. a draft whose slug collides with a page: only with drafts included
        return SourceFindings(everything_failed(exc), None, None)
    found = {c.name: c.from_sources(everything, site_dir) for c in checks if c.from_sources is not None}
    return SourceFindings(None, unpublished_of(everything, now), found)


def _parallel(pages: int) -> bool:
    """Whether the checks of a site with this many pages run in forked processes."""
    return fork_pays(pages, PARALLEL_MIN_PAGES)


def start_sources(site_dir: Path, now: datetime, checks: list[Check] | None = None) -> Forked[SourceFindings]:
    """Load the drafts-included model and run the `sources` checks in a forked process, from now on."""
    selected = [c for c in (CHECKS if checks is None else checks) if c.where == "sources"]
    return Forked(lambda: _from_sources(site_dir, now, selected), "sitegen-check-sources")


def _source_count(site_dir: Path) -> int:
    """How many files the sources folder holds (0 when the config does not load: the build says why)."""
    try:
        seeds = load_config(site_dir).seeds_dir
    except SitegenError:
        return 0
    return sum(len(names) for _, _, names in os.walk(seeds))


@dataclass(frozen=True, slots=True)
class ExternalOptions:
    """`check --external`: fetch external links, each within `timeout` seconds."""

    timeout: float = TIMEOUT
    use_cache: bool = True


@dataclass
class CheckReport:
    """What the checks found in one build."""

    build: BuildResult
    problems: list[CheckError] = field(default_factory=list)
    warnings: list[CheckError] = field(default_factory=list)
    warning_kinds: list[str] = field(default_factory=list)
    """The name of the check behind each warning (same order), for summaries of repeated warnings."""
    external: int | None = None
    """External URLs fetched (`--external`; None: not checked)."""
    pages: int = 0
    """HTML pages checked."""
    files: int = 0
    seconds: float = 0.0
    """Time spent checking, after the build."""

    @property
    def ok(self) -> bool:
        return not self.problems


def check_build(
    site_dir: Path,
    result: BuildResult,
    now: datetime,
    checks: list[Check] | None = None,
    *,
    external: ExternalOptions | None = None,
    sources: Forked[SourceFindings] | None = None,
    contents: Mapping[str, bytes] | None = None,
) -> CheckReport:
    """Run the checks over a finished build (its folder and the model it rendered, built at `now`).

    `sources`: the `sources` process, if the caller started it before the build (`start_sources`);
    `contents`: the build's files, when it was made in memory (then its folder is not read).
    """
    started = time.perf_counter()
    if result.site is None:
        raise ValueError("check_build needs a BuildResult from build(), which carries the site")
    report = CheckReport(build=result)
    built = BuiltSite(
        site_dir,
        result.out_dir,
        result.site,
        now=now,
        contents=contents,
        load_everything=lambda: load_all_pages(site_dir, now),
    )
    report.pages, report.files = len(built.html_files), len(built.files)
    selected = CHECKS if checks is None else checks
    results = _run_checks(built, selected, sources)
    if built.everything_warning is not None:
        report.warnings.append(built.everything_warning)
        report.warning_kinds.append("drafts and future pages")
    for check, found in zip(selected, results, strict=True):
        log.info("check %s: %d %s", check.name, len(found), "problems" if check.fails else "warnings")
        if check.fails:
            report.problems.extend(found)
        else:
            report.warnings.extend(found)
            report.warning_kinds.extend(check.name for _ in found)
    if external is not None:
        found, report.external = check_external_links(built, timeout=external.timeout, use_cache=external.use_cache)
        log.info("check external links: %d problems, %d URLs fetched", len(found), report.external)
        report.problems.extend(found)
    report.seconds = time.perf_counter() - started
    return report


def _run_checks(
    built: BuiltSite, checks: list[Check], sources: Forked[SourceFindings] | None
) -> list[list[CheckError]]:
    """Each check's findings, in the order of `checks`.

    On a large site the work is spread over three processes, each reading what it needs once: the
    `sources` one loads the drafts-included model and sketches every body for near-duplicates (started
    before the build by `check_site`, so it runs while the build waits on its serial parts); the
    `pages` one parses every built page for the link, alias and unsafe-HTML checks; this one runs the
    rest (leak search, feeds, search index), handed the unpublished pages by the `sources` one.
    """
    if not _parallel(len(built.site.pages)) and sources is None:
        return [check.run(built) for check in checks]
    with ExitStack() as stack:
        if sources is None and any(c.where == "sources" for c in checks):
            sources = start_sources(built.site_dir, built.now, checks)
        if sources is not None:
            stack.callback(sources.close)
        taken: list[SourceFindings] = []

        def take_sources() -> SourceFindings | None:
            if sources is not None and not taken:
                taken.append(sources.result())
                built.everything_warning = taken[0].warning
            return taken[0] if taken else None

        def unpublished() -> tuple[Unpublished, ...] | None:
            found = take_sources()
            return found.unpublished if found is not None else built.unpublished_pages()

        if sources is not None:
            built.load_everything = None  # loaded by the `sources` process
            built.load_unpublished = unpublished
        on_pages = [check for check in checks if check.where == "pages"]
        pages: Forked[list[list[CheckError]]] | None = None
        if on_pages:
            gc.freeze()  # the forked process's collector leaves the inherited objects alone: fewer copied pages
            try:
                pages = stack.enter_context(
                    Forked(lambda: [check.run(built) for check in on_pages], "sitegen-check-pages")
                )
            finally:
                gc.unfreeze()
        found: dict[int, list[CheckError]] = {}
        for index, check in enumerate(checks):
            if check.where == "here" or (check.where == "pages" and pages is None):
                found[index] = check.run(built)
        findings = take_sources()
        for index, check in enumerate(checks):
            if check.where == "sources":
                known = findings.found if findings is not None else None
                found[index] = known[check.name] if known is not None and check.name in known else check.run(built)
        if pages is not None:
            for check, result in zip(on_pages, pages.result(), strict=True):
                found[checks.index(check)] = result
    return [found[index] for index in range(len(checks))]


def check_site(
    site_dir: Path,
    *,
    now: datetime | None = None,
    after_build: Callable[[Path], None] | None = None,
    external: ExternalOptions | None = None,
) -> CheckReport:
    """Build `site_dir` as it is published at `now` in memory (never into its `site/`); check it.

    `after_build` sees a built folder before the checks run (tests plant files with it): with it, the
    build is written into a temporary folder and checked from there. Source problems are raised by the
    build as `SitegenError`s, all at once. On a large site the drafts-included model is loaded and
    sketched in a forked process while the build runs.
    """
    now = now or datetime.now(UTC)
    with ExitStack() as stack:
        sources = None
        if _parallel(_source_count(site_dir)):
            sources = stack.enter_context(start_sources(site_dir, now))
        if after_build is not None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="sitegen-check-"))
            result = build(site_dir, BuildOptions(out_dir=Path(tmp) / "site", now=now))
            after_build(result.out_dir)
            return check_build(site_dir, result, now, external=external, sources=sources)
        result, contents = build_in_memory(site_dir, now)
        return check_build(site_dir, result, now, external=external, sources=sources, contents=contents)


def build_in_memory(site_dir: Path, now: datetime) -> tuple[BuildResult, Mapping[str, bytes]]:
    """The build `build()` would write (the same bytes, as published at `now`), held in memory.

    Writing some 15,000 files of a large site to a temporary folder only to read and delete them took
    longer than the checks (a deleted file costs milliseconds on a disk mounted with `discard`).
    """
    memory = Engine(site_dir, EngineOptions(), clock=lambda: now).build_in_memory()
    assert memory.site is not None
    outputs = memory.outputs
    result = BuildResult(
        out_dir=site_dir / "(in memory)",
        articles=memory.articles,
        tags=memory.tags,
        feeds=sum(1 for path in outputs if path.endswith(("feed.xml", "feed.json"))),
        files=len(outputs),
        bytes=sum(len(data) for data in outputs.values()),
        seconds=memory.seconds,
        site=memory.site,
    )
    return result, outputs
