"""`sitegen check`: build the site afresh into a temporary folder, then run every check over it.

The sources are validated by the build itself (front matter, URL collisions: all problems at
once). Each check is a function `BuiltSite -> list[CheckError]` in `CHECKS`; a check marked as
not failing only warns (for advisory checks such as near-duplicate stories). `publish` runs the
same checks over its own build before it touches the target.
"""

from __future__ import annotations

import logging
import multiprocessing
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sitegen.build import BuildOptions, BuildResult, build, load_all_pages
from sitegen.check.built import BuiltSite
from sitegen.check.duplicates import check_duplicates
from sitegen.check.external import TIMEOUT, check_external_links
from sitegen.check.files import check_feeds_and_sitemap, check_required_files
from sitegen.check.images import check_alt_text
from sitegen.check.leaks import check_leaks
from sitegen.check.links import check_links, check_unsafe_html, report_links, scan_links
from sitegen.check.redirects import check_redirects
from sitegen.check.search import check_search_index
from sitegen.errors import CheckError
from sitegen.workers import available_cores, run_in_workers

log = logging.getLogger(__name__)

CheckFunction = Callable[[BuiltSite], list[CheckError]]


@dataclass(frozen=True, slots=True)
class Check:
    """One named check; `fails=False` makes its findings warnings."""

    name: str
    run: CheckFunction
    fails: bool = True
    aside: bool = False
    """Runs in a forked process beside the others on a large site (CPU-bound and independent of them)."""
    split: tuple[Callable[[BuiltSite, list[str]], Any], Callable[[list[Any]], list[CheckError]]] | None = None
    """(scan, report): on a large site, `scan` runs over consecutive parts of the HTML pages in separate
    processes and `report` makes the findings of all parts (in page order) into the check's problems."""


PARALLEL_MIN_PAGES = 300
"""Below this many pages, forking processes for the checks costs more than it saves."""

CHECKS: list[Check] = [
    Check("required files", check_required_files),
    Check("links and anchors", check_links, split=(scan_links, report_links)),
    Check("aliases", check_redirects),
    Check("unsafe HTML", check_unsafe_html),
    Check("drafts and future pages", check_leaks, aside=True),
    Check("feeds and sitemap", check_feeds_and_sitemap),
    Check("search index", check_search_index),
    Check("near-duplicate stories", check_duplicates, fails=False, aside=True),
    Check("pictures without alt text", check_alt_text, fails=False),
]
SPLIT_SHARE = 0.5
"""The share of a split check's pages that a forked process takes; this one takes the rest, and the other
checks that are not `aside`."""

# The build and checks a forked checker runs: inherited from the parent at fork, never pickled.
_CHILD_STATE: tuple[BuiltSite, list[Check]] | None = None


def _run_forked(job: tuple[str, int, list[str]]) -> tuple[object, CheckError | None]:
    """One job of a forked checker: ("aside", -1, []) runs every `aside` check; ("scan", i, files) a part of check i."""
    assert _CHILD_STATE is not None, "checker forked without a build"
    built, checks = _CHILD_STATE
    kind, index, files = job
    if kind == "aside":
        found: object = [check.run(built) if check.aside else None for check in checks]
    else:
        split = checks[index].split
        assert split is not None
        found = split[0](built, files)
    return found, built.everything_warning


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

    On a large site the work is spread over forked processes: one runs the `aside` checks (near-duplicate
    detection reads every body through the text pipeline; the leak search loads the sources again with
    drafts and reads every built text file), another a part of each split check (the link checks parse
    every built page), and this one the rest of those parts and the remaining checks.
    """
    if len(built.site.pages) < PARALLEL_MIN_PAGES or "fork" not in multiprocessing.get_all_start_methods():
        return [check.run(built) for check in checks], built.everything_warning
    pages = built.html_files
    share = int(len(pages) * SPLIT_SHARE) if available_cores() > 1 else 0
    jobs: list[tuple[str, int, list[str]]] = []
    if any(check.aside for check in checks):
        jobs.append(("aside", -1, []))
    if share:
        jobs += [("scan", i, pages[:share]) for i, check in enumerate(checks) if check.split is not None]
    if not jobs:
        return [check.run(built) for check in checks], built.everything_warning

    def here() -> dict[int, object]:
        done: dict[int, object] = {}
        for i, check in enumerate(checks):
            if check.split is not None and share:
                done[i] = check.split[0](built, pages[share:])
            elif not check.aside:
                done[i] = check.run(built)
        return done

    global _CHILD_STATE
    _CHILD_STATE = (built, checks)
    try:
        forked, done_here = run_in_workers(_run_forked, jobs, len(jobs), here)
    finally:
        _CHILD_STATE = None
    results: dict[int, list[CheckError]] = {}
    warning = built.everything_warning
    for (kind, index, _), (found, load_warning) in zip(jobs, forked, strict=True):
        warning = warning or load_warning
        if kind == "aside":
            assert isinstance(found, list)
            results |= {i: part for i, part in enumerate(found) if part is not None}
        else:
            split = checks[index].split
            assert split is not None
            results[index] = split[1]([found, done_here.pop(index)])
    for i, found in done_here.items():
        assert isinstance(found, list)
        results[i] = found
    return [results[i] for i in range(len(checks))], warning


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
