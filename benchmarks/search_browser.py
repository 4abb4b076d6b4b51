"""Time to search results in Debian Chromium, for benchmarks/search.py.

The built site is served by nginx (Debian's `nginx-light`; `make bench-search` installs it) as a
static host serves it: HTTP/1.1 with keep-alive, gzip for text, fingerprinted files (`name.<10
hex>.ext`, or in a `name.<10 hex>/` folder) cached for a year and everything else revalidated (ETag,
304). (A Python server, used before, spent 60-120 ms on twenty small requests on this loaded
machine: more than the search itself.) Playwright only starts pages; while a page loads,
the harness talks to it over a raw CDP session and polls every 50 ms, because Playwright's own
selector engine, injected into the page on first use, takes 20-30 ms of the page's main thread (seen
in a Chromium trace) and would be counted as search time. Times come from the page's own
`performance` marks (search.js): `sitegen-search-parsed` (manifest read), then per query `-query`
(started), `-loaded` (index ready), `-shown` (the first page of results in the page: titles, dates
and tags, the first render a reader can use), `-excerpts` (every shown result's excerpt in too).
sitegen shows titles from the query's term shards and fills excerpts as fragments arrive; Pagefind's
page (below) shows both at once, from Pagefind's fragments, so its two marks are the same moment.
Both are reported; bytes and requests are counted to the second (everything the page fetched).

Scenarios, each in a fresh browser context (nothing cached unless said):
- `cold`: open `/search/?q=…`; ms from navigation start to results shown (an empty query: to the
  moment the page is ready for one);
- `cached` (warm): open `/search/` once, then `/search/?q=…`: a returning reader, the page's scripts
  and the manifest cached, the query's own index files not; ms from navigation start;
- `typed`: on an open `/search/`, submit the query in the search box; ms from the submit to results
  shown (the index files the query needs are fetched then: none was loaded before);
- `floor`: the search page with its scripts replaced by one deferred script that fetches a small JSON
  file: when the script runs and when the file has arrived, from navigation start: what opening the
  page costs here before any search work (its style sheet, first layout, a script, a fetch).
Bytes and requests are counted from nginx's log (Pagefind fetches from a Web Worker, whose requests
the page's own resource timing does not list): every response from the navigation (for `typed`, from
the submit) to the results shown, body bytes as sent (gzip where it applies); a 304 is a request of
no bytes, a file the browser had cached is none.

A variant's `search_path` is the page to open: `search/` for sitegen, or `__bench/pagefind.html`,
Pagefind's test page (`write_pagefind_page`): the site's search page with Pagefind's own script
instead of sitegen's, showing the first 20 results' titles and Pagefind's excerpts, as Pagefind's
UI shows them.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
FLOOR_PAGE = "__bench/floor.html"


NGINX = "/usr/sbin/nginx"
_NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  types {{ application/json json; text/javascript js; }}
  default_type application/octet-stream;
  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  log_format sent '$uri $status $body_bytes_sent';
  access_log {tmp}/access.log sent;
  sendfile on; tcp_nodelay on; keepalive_timeout 30;
  gzip on; gzip_comp_level 6; gzip_min_length 0;
  gzip_types text/css text/javascript application/json text/plain application/xml image/svg+xml;
  etag on;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location ~ "\\.[0-9a-f]{{10}}(\\.[a-z]+$|/)" {{ add_header Cache-Control "public, max-age=31536000, immutable"; }}
    location / {{ add_header Cache-Control "no-cache"; }}
  }}
}}
"""


class StaticHost:
    """nginx serving `root` on a loopback `port` as a static host would: HTTP/1.1 keep-alive, gzip -6 for
    text, ETag revalidation, fingerprinted files (`name.<10 hex>.ext`, or in a `name.<10 hex>/`
    folder) cached for a year. It logs what it sends; `sent()` lists (path, body bytes) since `reset()`."""

    def __init__(self, root: Path, port: int) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="sitegen-bench-nginx-"))
        conf = self.tmp / "nginx.conf"
        conf.write_text(_NGINX_CONF.format(tmp=self.tmp, port=port, root=root.resolve()), encoding="utf-8")
        self.log = self.tmp / "access.log"
        self.process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"nginx did not start: {(self.tmp / 'error.log').read_text()}") from None
                time.sleep(0.05)
        self.offset = 0

    def reset(self) -> None:
        self.offset = self.log.stat().st_size if self.log.exists() else 0

    def sent(self) -> list[tuple[str, int]]:
        if not self.log.exists():
            return []
        with self.log.open("rb") as fh:
            fh.seek(self.offset)
            lines = fh.read().decode("utf-8", "replace").splitlines()
        return [(path, int(size)) for path, _status, size in (line.split(" ") for line in lines)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def write_floor_page(out: Path) -> None:
    """`__bench/floor.html`: the site's search page with its scripts replaced by one that fetches a small file.

    What opening the page costs before any search work: its HTML, style sheet, first layout, one
    deferred script and one fetch.
    """
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    page = re.sub(r'<script src="[^"]*"[^>]*></script>\s*', "", page)
    page = re.sub(r'<link rel="preload"[^>]*>\s*', "", page)
    page = page.replace("</head>", '<script src="/__bench/floor.js" defer></script>\n</head>', 1)
    (out / "__bench").mkdir(exist_ok=True)
    (out / "__bench" / "floor.html").write_text(page, encoding="utf-8")
    (out / "__bench" / "floor.js").write_text(
        'performance.mark("sitegen-search-parsed");\n'
        'fetch("/__bench/floor.json").then(r => r.json()).then(() => {\n'
        '  performance.mark("sitegen-search-shown");\n'
        '  document.querySelector("[data-search-results]").setAttribute("data-search-ready", "");\n'
        "});\n",
        encoding="utf-8",
    )
    (out / "__bench" / "floor.json").write_text(json.dumps({"terms": ["а"] * 100}), encoding="utf-8")


_READ = """(() => {
  const marks = {};
  for (const m of performance.getEntriesByType("mark")) {
    (marks[m.name.replace("sitegen-search-", "")] ||= []).push(m.startTime);
  }
  return JSON.stringify({marks});
})()"""

PAGEFIND_SCRIPT = """/* Pagefind's side of benchmarks/search.py: the query of ?q= and of the search box, the first 20
   results shown with their titles and Pagefind's excerpts (as Pagefind's UI shows them); the same
   performance marks as sitegen's search.js. */
const mark = name => performance.mark("sitegen-search-" + name);
const box = document.querySelector("[data-search-results]");
const input = document.querySelector("[data-search-input]");
const status = document.querySelector("[data-search-status]");
const pagefind = await import("/pagefind/pagefind.js");
await pagefind.init();
mark("parsed");
let runs = 0;
async function run(query) {
  const run = ++runs;
  mark("query");
  const search = await pagefind.search(query);
  if (run !== runs) return;
  mark("loaded");
  const data = await Promise.all(search.results.slice(0, 20).map(r => r.data()));
  if (run !== runs) return;
  const list = document.createElement("ol");
  for (const d of data) {
    const li = list.appendChild(document.createElement("li"));
    const a = li.appendChild(document.createElement("h2")).appendChild(document.createElement("a"));
    a.href = d.url;
    a.textContent = d.meta.title;
    li.appendChild(document.createElement("p")).innerHTML = d.excerpt;
  }
  status.textContent = search.results.length + " results";
  box.replaceChildren(list);
  mark("shown");
  mark("excerpts"); /* (Pagefind's titles come with its excerpts, in the same fragments) */
}
/* Every result's page id, for the recall and precision of benchmarks/search.py. */
window.pagefindIds = async query => (await pagefind.search(query)).results.map(r => r.id);
input.form.addEventListener("submit", event => { event.preventDefault(); run(input.value); });
const query = new URLSearchParams(location.search).get("q") || "";
input.value = query;
if (query) await run(query); else mark("query");
box.setAttribute("data-search-ready", "");
"""
PAGEFIND_PAGE = "__bench/pagefind.html"


def write_pagefind_page(out: Path) -> None:
    """`__bench/pagefind.html`: the site's search page with Pagefind's script instead of sitegen's.

    The page's Content-Security-Policy goes (Pagefind's WebAssembly needs 'wasm-unsafe-eval').
    """
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    page = re.sub(r'<script src="[^"]*"[^>]*></script>\s*', "", page)
    page = re.sub(r'<link rel="preload"[^>]*>\s*', "", page)
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', "", page)
    page = page.replace("</head>", '<script type="module" src="/__bench/pagefind-search.js"></script>\n</head>', 1)
    (out / "__bench").mkdir(exist_ok=True)
    (out / "__bench" / "pagefind.html").write_text(page, encoding="utf-8")
    (out / "__bench" / "pagefind-search.js").write_text(PAGEFIND_SCRIPT, encoding="utf-8")


class Tab:
    """A page driven over a raw CDP session (no Playwright script in the page)."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)

    def evaluate(self, expression: str) -> Any:
        answer = self.cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return answer["result"].get("value")

    def wait(self, expression: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(expression)
            time.sleep(0.05)

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="commit")
        self.wait("document.querySelector('[data-search-ready],[data-search-error]') !== null")
        error = self.evaluate("document.querySelector('[data-search-error]')?.getAttribute('data-search-error')")
        if error:
            raise RuntimeError(f"{url}: {error}")

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.evaluate(_READ))
        data["status"] = self.evaluate("document.querySelector('[data-search-status]')?.textContent || ''")
        return data

    def close(self) -> None:
        self.context.close()


def _one(browser: Any, base: str, search_path: str, scenario: str, query: str, host: StaticHost) -> dict[str, Any]:
    """One sample: ms to results shown, the marks before it, the responses the server sent for it."""
    tab = Tab(browser)
    try:
        url = base + search_path + "?q=" + quote(query)
        host.reset()
        if scenario == "floor":
            tab.open(base + FLOOR_PAGE)
            got = tab.read()
            return {"shown": got["marks"]["shown"][0], "script": got["marks"]["parsed"][0], "files": host.sent()}
        if scenario == "cached":
            tab.open(base + search_path)
            host.reset()
        if scenario in ("cold", "cached"):
            tab.open(url)
            got = tab.read()
            marks = got["marks"]
            shown = marks["shown"][-1] if "shown" in marks else marks["query"][-1]  # (an empty query shows nothing)
            return {
                "shown": shown,
                "excerpts": marks["excerpts"][-1] if "excerpts" in marks else shown,
                "parsed": marks["parsed"][-1],
                "loaded": marks.get("loaded", [shown])[-1],
                "files": host.sent(),
                "status": got["status"],
            }
        tab.open(base + search_path)
        host.reset()
        before = tab.evaluate("performance.getEntriesByName('sitegen-search-excerpts').length")
        tab.evaluate(
            "(() => { const input = document.querySelector('[data-search-input]'); input.value = "
            + json.dumps(query)
            + "; performance.mark('bench-submit'); input.form.requestSubmit(); })()"
        )
        tab.wait(f"performance.getEntriesByName('sitegen-search-excerpts').length > {before}")
        got = tab.read()
        start = got["marks"]["bench-submit"][-1]
        return {
            "shown": got["marks"]["shown"][-1] - start,
            "excerpts": got["marks"]["excerpts"][-1] - start,
            "loaded": got["marks"]["loaded"][-1] - start,
            "files": host.sent(),
            "status": got["status"],
        }
    finally:
        tab.close()


@dataclass(frozen=True)
class Variant:
    """One build to measure: its folder, served on `port` (the port its `base_url` was built for)."""

    name: str
    out: Path
    port: int
    scenarios: tuple[str, ...]
    search_path: str = "search/"


def measure(variants: list[Variant], queries: list[str], runs: int) -> dict[str, dict[str, Any]]:
    """Per variant, scenario and query: medians of `runs` samples after one warm-up.

    Samples of all variants are interleaved (sample 1 of each, then sample 2 of each...), so a slower
    minute of this shared machine weighs on every variant alike.
    """
    from playwright.sync_api import sync_playwright

    hosts: dict[int, StaticHost] = {}
    for out, port in dict.fromkeys((v.out, v.port) for v in variants):  # (variants may share a site)
        write_floor_page(out)
        hosts[port] = StaticHost(out, port)
    cells = [
        (v, scenario, query)
        for scenario in dict.fromkeys(s for v in variants for s in v.scenarios)
        for query in ([""] if scenario == "floor" else [""] + queries if scenario == "cold" else queries)
        for v in variants
        if scenario in v.scenarios
    ]
    samples: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    last: dict[tuple[str, str], dict[str, Any]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for i in range(runs + 1):
                for variant, scenario, query in cells:
                    base = f"http://127.0.0.1:{variant.port}/"
                    got = _one(browser, base, variant.search_path, scenario, query, hosts[variant.port])
                    key = (variant.name, f"{scenario} {query}".strip())
                    last[key] = got
                    if i:  # the first round warms the browser up
                        for name, value in got.items():
                            if isinstance(value, float | int):
                                samples[key][name].append(value)
                        samples[key]["fetched_kb"].append(sum(size for _, size in got["files"]) / 1000)
                        samples[key]["requests"].append(len(got["files"]))
            browser.close()
    finally:
        for host in hosts.values():
            host.stop()
    results: dict[str, dict[str, Any]] = defaultdict(dict)
    for (name, cell), values in samples.items():
        row: dict[str, Any] = {key: statistics.median(v) for key, v in values.items()}
        row["shown_min"], row["shown_max"] = min(values["shown"]), max(values["shown"])
        row["search_files"] = len(last[(name, cell)]["files"])
        row["samples"] = values["shown"]
        row["status"] = last[(name, cell)].get("status", "")
        results[name][cell] = row
    return dict(results)
