"""Time to search results in Debian Chromium, for benchmarks/search.py.

The built site is served as a static host serves it: HTTP/1.1 with keep-alive and no Nagle delay,
gzip for text, fingerprinted files (`name.<10 hex>.ext`, or in a `name.<10 hex>/` folder) cached for
a year and everything else revalidated (ETag, 304). Playwright only starts pages; while a page loads,
the harness talks to it over a raw CDP session and polls every 50 ms, because Playwright's own
selector engine, injected into the page on first use, takes 20-30 ms of the page's main thread (seen
in a Chromium trace) and would be counted as search time. Times come from the page's own
`performance` marks (search.js): `sitegen-search-parsed` (manifest read), then per query `-query`
(started), `-loaded` (index ready), `-shown` (results in the page).

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
Bytes and requests are counted by the server (Pagefind fetches from a Web Worker, whose requests the
page's own resource timing does not list): every response from the navigation (for `typed`, from
the submit) to the results shown, body bytes as sent (gzip where it applies); a 304 is a request of
no bytes, a file the browser had cached is none.

A variant's `search_path` is the page to open: `search/` for sitegen, or `__bench/pagefind.html`,
Pagefind's test page (`write_pagefind_page`): the site's search page with Pagefind's own script
instead of sitegen's, showing the first 20 results' titles and Pagefind's excerpts, as Pagefind's
UI shows them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import socket
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{10}(\.[a-z]+$|/)")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}
FLOOR_PAGE = "__bench/floor.html"


class StaticHost(BaseHTTPRequestHandler):
    """GET and HEAD of files under `root`, gzip-compressed once and kept in memory."""

    protocol_version = "HTTP/1.1"
    root: Path
    cache: dict[str, tuple[bytes, bytes]]
    lock = threading.Lock()
    sent: list[tuple[str, int]] = []
    """(path, body bytes) of every answer since the harness last emptied it."""

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser context closed; nothing to answer
            pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with self.lock:
            if rel not in self.cache:
                data = target.read_bytes()
                self.cache[rel] = (data, gzip.compress(data, 6))
            data, packed = self.cache[rel]
        etag = f'"{hashlib.sha256(data).hexdigest()[:16]}"'
        immutable = _FINGERPRINTED.search(rel) is not None
        cache_control = "public, max-age=31536000, immutable" if immutable else "no-cache"
        if self.headers.get("If-None-Match") == etag:
            self.sent.append((rel, 0))
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", cache_control)
            self.end_headers()
            return
        zipped = "gzip" in self.headers.get("Accept-Encoding", "") and target.suffix in _TYPES
        body = packed if zipped else data
        self.sent.append((rel, len(body)))
        self.send_response(200)
        self.send_header("Content-Type", _TYPES.get(target.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", cache_control)
        self.end_headers()
        self.wfile.write(body)


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


def _one(
    browser: Any, base: str, search_path: str, scenario: str, query: str, sent: list[tuple[str, int]]
) -> dict[str, Any]:
    """One sample: ms to results shown, the marks before it, the responses the server sent for it."""
    tab = Tab(browser)
    try:
        url = base + search_path + "?q=" + quote(query)
        sent.clear()
        if scenario == "floor":
            tab.open(base + FLOOR_PAGE)
            got = tab.read()
            return {"shown": got["marks"]["shown"][0], "script": got["marks"]["parsed"][0], "files": list(sent)}
        if scenario == "cached":
            tab.open(base + search_path)
            sent.clear()
        if scenario in ("cold", "cached"):
            tab.open(url)
            got = tab.read()
            marks = got["marks"]
            shown = marks["shown"][-1] if "shown" in marks else marks["query"][-1]  # (an empty query shows nothing)
            return {
                "shown": shown,
                "parsed": marks["parsed"][-1],
                "loaded": marks.get("loaded", [shown])[-1],
                "files": list(sent),
                "status": got["status"],
            }
        tab.open(base + search_path)
        sent.clear()
        before = tab.evaluate("performance.getEntriesByName('sitegen-search-shown').length")
        tab.evaluate(
            "(() => { const input = document.querySelector('[data-search-input]'); input.value = "
            + json.dumps(query)
            + "; performance.mark('bench-submit'); input.form.requestSubmit(); })()"
        )
        tab.wait(f"performance.getEntriesByName('sitegen-search-shown').length > {before}")
        got = tab.read()
        start = got["marks"]["bench-submit"][-1]
        return {
            "shown": got["marks"]["shown"][-1] - start,
            "loaded": got["marks"]["loaded"][-1] - start,
            "files": list(sent),
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

    servers = []
    sent: dict[int, list[tuple[str, int]]] = {}
    for out, port in dict.fromkeys((v.out, v.port) for v in variants):  # (variants may share a site)
        write_floor_page(out)
        sent[port] = []
        handler = type("Host", (StaticHost,), {"root": out.resolve(), "cache": {}, "sent": sent[port]})
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
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
                    got = _one(browser, base, variant.search_path, scenario, query, sent[variant.port])
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
        for server in servers:
            server.shutdown()
            server.server_close()
    results: dict[str, dict[str, Any]] = defaultdict(dict)
    for (name, cell), values in samples.items():
        row: dict[str, Any] = {key: statistics.median(v) for key, v in values.items()}
        row["shown_min"], row["shown_max"] = min(values["shown"]), max(values["shown"])
        row["search_files"] = len(last[(name, cell)]["files"])
        row["samples"] = values["shown"]
        row["status"] = last[(name, cell)].get("status", "")
        results[name][cell] = row
    return dict(results)
