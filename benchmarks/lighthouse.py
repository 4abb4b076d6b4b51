"""Lighthouse scores of the example digest: an article with a lead photo, the home page and a tag page.

    python3 benchmarks/lighthouse.py            # or: make lighthouse

Installs Lighthouse from the npm registry (pinned: `LIGHTHOUSE`, into `.bench/lighthouse/`; version 13
needs Node 22, Debian has 20), builds the example digest for a local address, serves it as a static
host would (gzip for text, fingerprinted files cached for a year) and runs Lighthouse's default
(mobile, throttled) audit in Debian Chromium, as THEME.md says. Prints the four category scores and
the layout shift of each page; exits 1 when a score is below 0.95 or the shift is not 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import os
import re
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.build import BuildOptions, build  # noqa: E402
from tests.conftest import copy_seed_site  # noqa: E402

LIGHTHOUSE = "12.2.3"
PREFIX = REPO / ".bench" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "article with a lead photo": "2026/02/perehovory-z-kremlem-hensek-nato-vidpoviv-chy-pidtrymuie-"
    "vidnovlennia-kontaktiv/",
    "home": "",
    "tag": "tags/nato/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
FINGERPRINTED = re.compile(r"\.[0-9a-f]{10}\.")


class Host(BaseHTTPRequestHandler):
    """A static host: files under `root`, text gzip-compressed, fingerprinted files cached for a year."""

    protocol_version = "HTTP/1.1"
    root: Path

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        rel += "index.html" if rel == "" or rel.endswith("/") else ""
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            target, status = self.root / "404.html", 404
        else:
            status = 200
        body = target.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        zipped = target.suffix in TEXT and "gzip" in self.headers.get("Accept-Encoding", "")
        body = gzip.compress(body, 6) if zipped else body
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if target.suffix in TEXT else ""))
        self.send_header("Content-Length", str(len(body)))
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        cached = FINGERPRINTED.search(target.name) is not None
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if cached else "no-cache")
        self.end_headers()
        self.wfile.write(body)


def lighthouse_bin() -> Path:
    """The pinned Lighthouse CLI, installed from the npm registry on first use."""
    binary = PREFIX / "node_modules" / ".bin" / "lighthouse"
    installed = PREFIX / "node_modules" / "lighthouse" / "package.json"
    if not installed.is_file() or json.loads(installed.read_text("utf-8"))["version"] != LIGHTHOUSE:
        PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(PREFIX),
                f"lighthouse@{LIGHTHOUSE}",
            ],
            check=True,
        )
    return binary


def audit(binary: Path, url: str, report: Path) -> dict[str, float]:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [str(binary), url, "--output=json", f"--output-path={report}", "--quiet",
         "--chrome-flags=--headless=new --no-sandbox", f"--only-categories={','.join(CATEGORIES)}"],
        check=True, env=env, timeout=300,
    )  # fmt: skip
    data = json.loads(report.read_text("utf-8"))
    scores = {c: data["categories"][c]["score"] for c in CATEGORIES}
    scores["CLS"] = data["audits"]["cumulative-layout-shift"]["numericValue"]
    scores["LCP ms"] = data["audits"]["largest-contentful-paint"]["numericValue"]
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="audits per page (the median is kept)")
    args = parser.parse_args()
    binary = lighthouse_bin()
    with tempfile.TemporaryDirectory(prefix="sitegen-lh-") as tmp:
        site = copy_seed_site(
            Path(tmp) / "site", pictures_cached=False
        )  # outside pytest: the pictures are made by the build
        handler = type("SiteHost", (Host,), {"root": (site / "site").resolve()})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        build(site, BuildOptions(base_url=base))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        failed = False
        print(f"Lighthouse {LIGHTHOUSE}, Chromium {CHROMIUM}, default (mobile, throttled) audit; median of {args.runs}")
        print(f"| page | {' | '.join(CATEGORIES)} | CLS | LCP ms |")
        print("|---|" + "---|" * (len(CATEGORIES) + 2))
        try:
            for name, path in PAGES.items():
                runs = [audit(binary, base + path, Path(tmp) / f"report-{i}.json") for i in range(args.runs)]
                median = {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in runs[0]}
                cells = [f"{median[c]:.2f}" for c in CATEGORIES] + [f"{median['CLS']:.3f}", f"{median['LCP ms']:.0f}"]
                print(f"| {name} | {' | '.join(cells)} |")
                failed |= any(median[c] < 0.95 for c in CATEGORIES) or median["CLS"] > 0
        finally:
            server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
