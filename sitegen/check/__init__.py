"""`sitegen check`: build the site afresh into a temporary folder, then run every check over it.

The sources are validated by the build itself (front matter, URL collisions: all problems at
once). Each check is a function `BuiltSite -> list[CheckError]` in `CHECKS`; a check marked as
not failing only warns (for advisory checks such as near-duplicate stories). `publish` runs the
same checks over its own build before it touches the target.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import multiprocessing
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from sitegen.build import BuildOptions, BuildResult, build, load_all_pages
from sitegen.check.built import BuiltSite
from sitegen.check.duplicates import check_duplicates
from sitegen.check.external import TIMEOUT, check_external_links
from sitegen.check.files import check_feeds_and_sitemap, check_required_files
from sitegen.check.images import check_alt_text
from sitegen.check.leaks import check_leaks, report_leaks, scan_leaks, text_files
from sitegen.check.links import (
    check_links,
    check_unsafe_html,
    html_files,
    report_links,
    report_unsafe_html,
    scan_links,
    scan_unsafe_html,
)
from sitegen.check.redirects import check_redirects
from sitegen.check.search import check_search_index
from sitegen.errors import CheckError
from sitegen.workers import available_cores, run_in_workers

log = logging.getLogger(__name__)

F = TypeVar("F")
CheckFunction = Callable[[BuiltSite], list[CheckError]]


@dataclass(frozen=True, slots=True)
class Split(Generic[F]):
    """A check that reads many built files in the same way, so that parts of them can be read in parallel."""

    files: Callable[[BuiltSite], list[str]]
    """The files it reads, in order."""
    scan: Callable[[BuiltSite, list[str]], F]
    """What it finds in some consecutive files of them."""
    report: Callable[[BuiltSite, list[F]], list[CheckError]]
    """The problems, from what `scan` found in all the parts (in order)."""
    ordered: bool = True
    """The parts must be consecutive runs of the files (the report keeps their order)."""

    def part(self, built: BuiltSite, index: int, shares: tuple[float, ...]) -> F:
        """`scan` over the `index`-th part of the files, with about its share of their bytes.

        Ordered: consecutive runs (bytes, not files: the tag and list pages at the end of the sorted
        names are the largest). Not ordered: dealt out in turns, so that each part gets its share of
        every kind of file (the JSON files of the search index cost several times their size).
        """
        files = self.files(built)
        if not self.ordered:
            turns = [part for part, share in enumerate(shares) for _ in range(max(1, round(share * 5)))]
            return self.scan(built, [rel for i, rel in enumerate(files) if turns[i % len(turns)] == index])
        ends = list(itertools.accumulate(built.size(rel) for rel in files))
        size = ends[-1] if ends else 0
        cuts = [bisect.bisect_left(ends, size * sum(shares[:k]) / sum(shares)) for k in range(len(shares))]
        cuts.append(len(files))
        return self.scan(built, files[cuts[index] : cuts[index + 1]])


@dataclass(frozen=True, slots=True)
class Check:
    """One named check; `fails=False` makes its findings warnings."""

    name: str
    run: CheckFunction
    fails: bool = True
    aside: bool = False
    """On a large site, runs in a forked process beside the others (CPU-bound and independent of them)."""
    split: Split[Any] | None = None
    """On a large site, its files are read in parts, one in each process (this one and the forked ones)."""


PARALLEL_MIN_PAGES = 300
"""Below this many pages, forking processes for the checks costs more than it saves."""

CHECKS: list[Check] = [
    Check("required files", check_required_files),
    Check("links and anchors", check_links, split=Split(html_files, scan_links, report_links)),
    Check("aliases", check_redirects),
    Check("unsafe HTML", check_unsafe_html, split=Split(html_files, scan_unsafe_html, report_unsafe_html)),
    Check("drafts and future pages", check_leaks, split=Split(text_files, scan_leaks, report_leaks, ordered=False)),
    Check("feeds and sitemap", check_feeds_and_sitemap),
    Check("search index", check_search_index),
    Check("near-duplicate stories", check_duplicates, fails=False, aside=True),
    Check("pictures without alt text", check_alt_text, fails=False),
]

Job = tuple[int, int, tuple[float, ...]]
"""(check, part, shares): a part of a split check, or a whole check (no shares)."""
HERE_SHARE = 0.8
"""This process's share of a split check's files, beside 1 for each forked process: it also runs the checks
that are not split (feeds, search index) and puts the parts together."""

# The build and checks a forked checker runs: inherited from the parent at fork, never pickled.
_CHILD_STATE: tuple[BuiltSite, list[Check]] | None = None


def _run_job(built: BuiltSite, checks: list[Check], job: Job) -> object:
    index, part, shares = job
    split = checks[index].split
    if shares:
        assert split is not None
        return split.part(built, part, shares)
    return checks[index].run(built)


def _run_forked(jobs: list[Job]) -> list[object]:
    """What one forked checker does: its jobs, in order."""
    assert _CHILD_STATE is not None, "checker forked without a build"
    built, checks = _CHILD_STATE
    return [_run_job(built, checks, job) for job in jobs]


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
) -> CheckReport:
    """Run the checks over a finished build (its folder and the model it rendered, built at `now`)."""
    started = time.perf_counter()
    if result.site is None:
        raise ValueError("check_build needs a BuildResult from build(), which carries the site")
    report = CheckReport(build=result)
    built = BuiltSite(
        site_dir, result.out_dir, result.site, now=now, load_everything=lambda: load_all_pages(site_dir, now)
    )
    report.pages, report.files = len(built.html_files), len(built.files)
    selected = CHECKS if checks is None else checks
    results, load_warning = _run_checks(built, selected)
    if load_warning is not None:
        report.warnings.append(load_warning)
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


def _run_checks(built: BuiltSite, checks: list[Check]) -> tuple[list[list[CheckError]], CheckError | None]:
    """Each check's findings, in the order of `checks`, and why the drafts-included model could not be loaded.

    On a large site the work is spread over this process and one forked process per further core:
    each reads a part of the files of every split check (the link check parses every built page, the
    leak search reads every built text file); the first forked one also runs the `aside` checks
    (near-duplicate detection reads every body through the text pipeline), this one the rest. Three
    processes on two cores: the system evens out what static parts cannot.
    """
    workers = available_cores() if "fork" in multiprocessing.get_all_start_methods() else 0
    if len(built.site.pages) < PARALLEL_MIN_PAGES or workers < 2:
        return [check.run(built) for check in checks], built.everything_warning
    built.all_pages()  # loaded once, before the fork, for every process that needs it
    shares = (*([1.0] * workers), HERE_SHARE)
    batches: list[list[Job]] = [[] for _ in shares]  # the last one is this process's
    for index, check in enumerate(checks):
        if check.split is not None:
            for part in range(len(shares)):
                batches[part].append((index, part, shares))
        else:
            batches[0 if check.aside else -1].append((index, 0, ()))
    global _CHILD_STATE
    _CHILD_STATE = (built, checks)
    try:
        forked, here = run_in_workers(
            _run_forked, batches[:-1], workers, lambda: [_run_job(built, checks, job) for job in batches[-1]]
        )
    finally:
        _CHILD_STATE = None
    found: dict[int, list[Any]] = {}
    for jobs, results in zip(batches, [*forked, here], strict=True):
        for (index, _, _), result in zip(jobs, results, strict=True):
            found.setdefault(index, []).append(result)  # parts in order: batch i holds part i
    outcome: list[list[CheckError]] = []
    for index, check in enumerate(checks):
        if check.split is not None:
            outcome.append(check.split.report(built, found[index]))
        else:
            [whole] = found[index]
            outcome.append(whole)
    return outcome, built.everything_warning


def check_site(
    site_dir: Path,
    *,
    now: datetime | None = None,
    after_build: Callable[[Path], None] | None = None,
    external: ExternalOptions | None = None,
) -> CheckReport:
    """Build `site_dir` as it is published at `now` into a temporary folder (never its `site/`); check it.

    `after_build` sees the built folder before the checks run (tests plant files with it).
    Source problems are raised by the build as `SitegenError`s, all at once.
    """
    now = now or datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="sitegen-check-") as tmp:
        result = build(site_dir, BuildOptions(out_dir=Path(tmp) / "site", now=now))
        if after_build is not None:
            after_build(result.out_dir)
        return check_build(site_dir, result, now, external=external)
