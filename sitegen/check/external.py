"""`check --external`: every external http(s) link of the built pages, fetched concurrently, with a timeout and a cache.

External means another host, or this host outside the site's base path (`BuiltSite.resolve`).
Each URL (fragment dropped) is asked for once however many pages carry it: a HEAD request, and
a GET when the server refuses HEAD (405, 501, some 403s). Redirects are followed; a status of 400
or more, a timeout or a connection failure is a problem, reported at the Markdown line that
wrote the link when an article's body did (as internal links are), else once with the pages.

A link that answered well is not asked again for `CACHE_DAYS` (`.sitegen-cache/external-links.json`
in the site folder); one that failed is asked again every run. At most `WORKERS` requests run at
once, `PER_HOST` of them to one host, so a digest whose 5,000 articles cite one outlet does not
hammer it.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from sitegen import __version__
from sitegen.atomic import write_atomic
from sitegen.check.built import BuiltSite
from sitegen.check.links import also_on
from sitegen.check.sources import SourceLinks, source_links
from sitegen.errors import CheckError

log = logging.getLogger(__name__)

TIMEOUT = 10.0
"""Seconds one request may take (`check --timeout`)."""
WORKERS = 8
PER_HOST = 2
CACHE_DAYS = 7
CACHE_FILE = Path(".sitegen-cache") / "external-links.json"
USER_AGENT = f"sitegen/{__version__} (link check)"
HINT = "fix or remove the link: the page may have moved, or the site may be down (check again later)"


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """What one external URL answered."""

    ok: bool
    reason: str
    """`HTTP 404`, `timed out after 10 s`, `cannot connect (…)`; empty when ok."""


Fetcher = Callable[[str, float], LinkStatus]


def fetch_status(url: str, timeout: float) -> LinkStatus:
    """HEAD `url` (then GET if HEAD is refused), following redirects; never raises for network trouble."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if method == "GET":
                    response.read(1)
                return LinkStatus(True, "")
        except urllib.error.HTTPError as exc:
            exc.close()
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # servers that refuse HEAD often answer GET
            return LinkStatus(False, f"HTTP {exc.code}")
        except TimeoutError:
            return LinkStatus(False, f"timed out after {timeout:g} s")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                return LinkStatus(False, f"timed out after {timeout:g} s")
            return LinkStatus(False, f"cannot connect ({exc.reason})")
        except (HTTPException, OSError, ValueError) as exc:
            return LinkStatus(False, f"cannot fetch ({type(exc).__name__}: {exc})")
    return LinkStatus(False, "HTTP 405")


def collect_external(built: BuiltSite) -> dict[str, list[tuple[str, int]]]:
    """External http(s) URLs (fragments dropped) -> (built page file, line) of every place that links them."""
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for rel in built.html_files:
        here = built.page_url(rel)
        for ref in built.parsed(rel).references:
            if ref.attr in ("action", "formaction"):
                continue  # a form's target is not a page to fetch
            url, _ = urldefrag(ref.url)
            if urlsplit(url).scheme in ("http", "https") and built.resolve(url, here) is None:
                found[url].append((rel, ref.line))
    return found


class _Cache:
    """Good answers by URL and when they came, kept between runs in the site folder."""

    def __init__(self, path: Path, now: datetime) -> None:
        self.path = path
        self.now = now
        self.entries: dict[str, str] = {}
        try:
            data = json.loads(path.read_text("utf-8"))
            self.entries = {str(k): str(v) for k, v in data.get("ok", {}).items()}
        except (OSError, ValueError, AttributeError):
            self.entries = {}  # no cache yet, or a damaged one: check everything again

    def fresh(self, url: str) -> bool:
        checked = self.entries.get(url)
        try:
            return checked is not None and self.now - datetime.fromisoformat(checked) < timedelta(days=CACHE_DAYS)
        except (TypeError, ValueError):
            return False

    def save(self, results: dict[str, LinkStatus]) -> None:
        for url, status in results.items():
            if status.ok:
                self.entries[url] = self.now.isoformat()
            else:
                self.entries.pop(url, None)
        text = json.dumps({"ok": dict(sorted(self.entries.items()))}, ensure_ascii=False, indent=0)
        write_atomic(self.path, text)  # never a half-written cache


def check_urls(urls: list[str], fetch: Fetcher, timeout: float) -> dict[str, LinkStatus]:
    """Fetch every URL, `WORKERS` at once and at most `PER_HOST` per host."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc.lower()].append(url)
    hosts = {host: threading.Semaphore(PER_HOST) for host in by_host}
    # Hosts taken in turn, so the workers are not all left waiting for the one host most links go to.
    queue = [url for batch in itertools.zip_longest(*by_host.values()) for url in batch if url is not None]

    def one(url: str) -> LinkStatus:
        with hosts[urlsplit(url).netloc.lower()]:
            return fetch(url, timeout)

    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="sitegen-link") as pool:
        return dict(zip(queue, pool.map(one, queue), strict=True))


def check_external_links(
    built: BuiltSite, *, timeout: float = TIMEOUT, fetch: Fetcher = fetch_status, use_cache: bool = True
) -> tuple[list[CheckError], int]:
    """Problems with external links, and how many URLs were fetched (the rest came from the cache)."""
    places = collect_external(built)
    cache = _Cache(built.site_dir / CACHE_FILE, built.now)
    todo = sorted(url for url in places if not (use_cache and cache.fresh(url)))
    results = check_urls(todo, fetch, timeout)
    if use_cache:
        try:
            cache.save(results)
        except OSError as exc:  # a read-only site folder: good answers are asked again next time
            log.info("cannot keep external link answers in %s: %s", cache.path, exc)
    by_out_path = {page.out_path: page for page in built.site.pages.values()}
    sources: dict[str, SourceLinks] = {}
    problems: list[CheckError] = []
    for url in todo:
        status = results[url]
        if status.ok:
            continue
        theme_pages: list[tuple[str, int]] = []
        for rel, line in places[url]:
            page = by_out_path.get(rel)
            if page is not None and page.id not in sources:
                # by the URL without its #fragment; the first place a page writes it wins
                sources[page.id] = {urldefrag(h)[0]: o for h, o in reversed(source_links(page).items())}
            origin = sources[page.id].get(url) if page is not None else None
            if origin is not None:
                path, source_line = origin
                message = f"broken external link {url}: {status.reason} (on {built.page_url(rel)})"
                problems.append(CheckError(message, path=path, line=source_line, hint=HINT))
            else:
                theme_pages.append((built.page_url(rel), line))
        if theme_pages:
            first, first_line = theme_pages[0]
            also = also_on([p for p, _ in theme_pages[1:]])
            message = f"broken external link {url}: {status.reason} (line {first_line} of the built page{also})"
            problems.append(CheckError(message, path=first, hint=HINT))
    return problems, len(todo)
