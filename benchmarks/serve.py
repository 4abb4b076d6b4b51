#!/usr/bin/env python3
"""Live preview latency: edit an article, time until the new text is visible in Chromium.

    python3 benchmarks/serve.py                         # 1,000 and 5,000 articles, 7 edits each
    python3 benchmarks/serve.py --sizes 1000 --edits 5 --json serve.json

For each size: the shared corpus (`../shared/bench/make_corpus.py`, seed 1, as benchmarks/build.py)
is served by a real `python -m sitegen serve` process; Debian Chromium (Playwright) opens one
article; each edit appends a unique sentence to the article's first paragraph, and the time from
the file write to the sentence appearing in the page (`wait_for_function`, checked every
animation frame) is one sample. It includes the watcher's debounce (50 ms), the incremental
rebuild, the long-poll answer and the page update (an in-place swap of the changed page). The
server's own rebuild time (its terminal line) and one clean `sitegen build` of the same corpus are
reported beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import SHARED_BENCH, make_corpus  # noqa: E402  (benchmarks/build.py)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SEARCH_MS = re.compile(r"search index updated in (\d+) ms")
LINE_MS = re.compile(r"in (\d+) ms \(CPU (\d+) ms\)$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A `sitegen serve` subprocess and its terminal lines."""

    def __init__(self, site: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", str(self.port)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_line(lambda line: line.startswith("first build"), timeout=600)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_line(self, match: Any, start: int = 0, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if match(line):
                    return line
            if self.proc.poll() is not None:
                raise SystemExit("sitegen serve exited:\n" + "\n".join(self.lines[-20:]))
            time.sleep(0.01)
        raise SystemExit("timed out; server said:\n" + "\n".join(self.lines[-20:]))

    def settled(self) -> bool:
        with urllib.request.urlopen(self.base + "__sitegen/status", timeout=60) as response:
            return bool(json.loads(response.read())["settled"])

    def manifest(self) -> dict[str, str]:
        with urllib.request.urlopen(self.base + "__sitegen/manifest", timeout=60) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]

    def stop(self) -> None:
        self.proc.send_signal(2)
        self.proc.wait(60)


def clean_build_seconds(site: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site), "--out", str(Path(tmp) / "out")],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            check=True,
        )
        return time.perf_counter() - started


def measure(site: Path, edits: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    server = Server(site)
    first_ms = int(LINE_MS.search(server.wait_line(lambda s: s.startswith("first build"))).group(1))  # type: ignore[union-attr]
    source, article = pick_article(site)
    original = source.read_text("utf-8")
    visible: list[float] = []
    rebuild: list[int] = []
    rebuild_cpu: list[int] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(server.base + article.removesuffix("index.html"))
            assert page.title(), "the article did not load"
            for n in range(edits + 1):  # the first edit warms up the caches and is not counted
                # Letters, not digits: the search pipeline drops numbers, and each edit must change the
                # article's search document too (so the deferred search index is rebuilt every time).
                word = "".join("абвгдежзиклмнопрстуфхцчшщ"[int(d)] for d in str(time.time_ns())[-9:])
                marker = f"Вимірювальна правка {word}."
                lines_before = len(server.lines)
                head, sep, body = original.partition("\n---\n")
                text = head + sep + body.replace("\n\n", f" {marker}\n\n", 1)
                page.wait_for_function("() => document.readyState === 'complete'")
                deadline = time.monotonic() + 120
                while not server.settled() and time.monotonic() < deadline:  # the last edit's search index
                    time.sleep(0.05)
                time.sleep(0.5)  # an editor does not save twice within a second
                started = time.perf_counter()
                source.write_text(text, "utf-8")
                page.wait_for_function(f"() => document.body.innerText.includes({json.dumps(marker)})", timeout=120_000)
                elapsed = (time.perf_counter() - started) * 1000
                line = server.wait_line(lambda s: s.startswith("changed "), start=lines_before)
                if n:
                    visible.append(elapsed)
                    found = LINE_MS.search(line)
                    assert found, line
                    rebuild.append(int(found.group(1)))
                    rebuild_cpu.append(int(found.group(2)))
            browser.close()
    finally:
        source.write_text(original, "utf-8")
        server.stop()
    return {
        "articles": sum(1 for _ in (site / "seeds").rglob("*.md")),
        "first_build_ms": first_ms,
        "visible_ms": visible,
        "visible_median_ms": statistics.median(visible),
        "rebuild_ms": rebuild,
        "rebuild_median_ms": statistics.median(rebuild),
        "rebuild_cpu_ms": rebuild_cpu,
        "rebuild_cpu_median_ms": statistics.median(rebuild_cpu),
        "search_index_ms": [int(m.group(1)) for m in map(SEARCH_MS.search, server.lines) if m],
    }


def pick_article(site: Path) -> tuple[Path, str]:
    """A source file a quarter down the newest-first order, and its page's path."""
    from sitegen.build import BuildOptions, load_site

    _, model = load_site(site, BuildOptions())
    page = model.newest()[len(model.pages) // 4]
    return site / page.id, page.out_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-bench-serve")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--bench-dir", type=Path, default=SHARED_BENCH, help="the shared bench (make_corpus.py)")
    args = parser.parse_args()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        site = make_corpus(args.bench_dir, args.work, size)
        result = measure(site, args.edits)
        result["clean_build_s"] = clean_build_seconds(site)
        results.append(result)
        print(
            f"{size} articles: edit -> visible median {result['visible_median_ms']:.0f} ms "
            f"(samples {', '.join(f'{v:.0f}' for v in result['visible_ms'])}); server rebuild median "
            f"{result['rebuild_median_ms']:.0f} ms (CPU {result['rebuild_cpu_median_ms']:.0f} ms); "
            f"first build {result['first_build_ms']} ms; clean build "
            f"{result['clean_build_s']:.2f} s; visible / clean build = "
            f"{result['visible_median_ms'] / 1000 / result['clean_build_s']:.3f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")


if __name__ == "__main__":
    main()
