#!/usr/bin/env python3
"""Search at scale: index size, index build time, time to results in Chromium, stemmer quality.

    python3 benchmarks/search.py                          # 1,000 and 5,000 articles of the bench corpus
    python3 benchmarks/search.py --sizes 1000 --runs 5
    python3 benchmarks/search.py --quality-only           # only the stemmer against pymorphy3

Per size (corpus: `../shared/bench/make_corpus.py`, as benchmarks/build.py makes it):
- bytes: the search file (`search/index.<hash>.json`: pipeline data, lunr index, document store)
  raw and gzip -9, per article, and the index and the store alone;
- build: `render_search_index` on the site's search documents (median of `--runs`), against a
  clean `sitegen build` of the same site (median of `--runs`, output removed first), which
  includes it; wall and CPU time (user + sys, workers included) both;
- browser: Debian Chromium (Playwright) opens `/search/?q=…` on the built site served over
  loopback, in a fresh context each time (nothing cached); the time is `performance.mark`
  "sitegen-search-shown" (set by search.js once the first results are in the page), measured from
  the navigation start; the index file's `responseEnd` and the parse and load marks split it.
  Median of `--runs` per query.

Stemmer quality (`--quality`, needs the `bench` extra: pymorphy3 + pymorphy3-dicts-uk): the full
inflection tables (pymorphy3 lexemes) of every word of the example digest's pages, each form run
through `sitegen.text` (normalize, then stem); a paradigm is fully merged when all its forms get
one stem; a wrong merge is a stem shared by two different lexemes (lemma + part of speech).
The machine is shared by five engineers (2 cores): numbers are noisy, medians are reported.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import logging
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# The shared bench folder: beside the repository, or beside the folder of worktrees.
SHARED_BENCH = next(
    (p for p in (REPO.parent / "shared" / "bench", REPO.parent.parent / "shared" / "bench") if p.is_dir()),
    REPO.parent / "shared" / "bench",
)
CONFIG = 'title: "Бенчмарк-дайджест"\nbase_url: "https://example.org/"\nper_page: 20\n'
QUERIES = ["Україна", "переговорів", "Рютте", "безпекові гарантії", "Макрон Путін", "зебра"]
CHROMIUM = "/usr/bin/chromium"


def make_corpus(work: Path, size: int) -> Path:
    """`work/site-<size>/` with the generated corpus as `seeds/` (benchmarks/build.py's helper)."""
    from benchmarks.build import make_corpus as build_corpus

    return build_corpus(SHARED_BENCH, work, size)


def search_documents(site_dir: Path) -> list[Any]:
    """The site's search documents, as the build makes them (Markdown rendered in this process)."""
    from sitegen.build import BuildOptions, load_site
    from sitegen.render.markdown import render_markdown
    from sitegen.render.search import search_document
    from sitegen.render.theme import load_theme

    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    return [search_document(site, p, theme.strings_for(p.lang), render_markdown(p.body).text) for p in site.newest()]


def measure_bytes(docs: list[Any]) -> dict[str, Any]:
    from sitegen.render.search import build_index, render_search_index

    output = render_search_index(docs)
    payload = json.loads(output.data)

    def gz(value: Any) -> int:
        return len(gzip.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), 9))

    n = len(docs)
    total = len(gzip.compress(output.data, 9))
    return {
        "raw_bytes": len(output.data),
        "gzip_bytes": total,
        "gzip_per_article": total / n,
        "index_gzip_per_article": gz(payload["index"]) / n,
        "store_gzip_per_article": gz(payload["store"]) / n,
        "terms": len(payload["index"]["terms"]),
        # for comparison: lunr's own serialized form (with the postings), which the site no longer ships
        "lunr_form_index_gzip_per_article": gz(build_index(docs)) / n,
    }


def measure_index_build(docs: list[Any], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `render_search_index` (CPU time is less hurt by a busy machine)."""
    from sitegen.render.search import render_search_index

    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        render_search_index(docs)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measure_clean_build(site: Path, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds (user + sys of the build and its workers) of a clean `sitegen build`."""
    wall, cpu = [], []
    for _ in range(runs):
        shutil.rmtree(site / "site", ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "-q", "--site", str(site)],
            cwd=REPO,
            check=True,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        )
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(wall), statistics.median(cpu)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def measure_browser(site: Path, runs: int) -> dict[str, dict[str, float]]:
    """Median ms from navigation start to parse, load and results shown, per query, in Chromium."""
    from playwright.sync_api import sync_playwright

    from sitegen.build import BuildOptions, build

    out = site / "site-browser"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    shutil.rmtree(out, ignore_errors=True)
    build(site, BuildOptions(out_dir=out, base_url=base))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for query in QUERIES:
                samples: dict[str, list[float]] = defaultdict(list)
                for _ in range(runs + 1):  # the first is a warm-up of the browser process
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(base + "search/?q=" + quote(query))
                    page.wait_for_selector("[data-search-ready], [data-search-error]", state="attached", timeout=60000)
                    marks = page.evaluate(
                        """() => Object.assign(Object.fromEntries(["parsed", "loaded", "shown"].map(
                             m => [m, performance.getEntriesByName("sitegen-search-" + m)[0].startTime])),
                           {fetched: performance.getEntriesByType("resource")
                              .find(e => e.name.includes("/search/index.")).responseEnd})"""
                    )
                    marks["hits"] = len(page.query_selector_all("[data-search-results] li"))
                    marks["status"] = page.inner_text("[data-search-status]")
                    context.close()
                    for key in ("fetched", "parsed", "loaded", "shown"):
                        samples[key].append(marks[key])
                    status = marks["status"]
                results[query] = {key: statistics.median(v[1:]) for key, v in samples.items()}
                results[query]["status"] = status  # type: ignore[assignment]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(out, ignore_errors=True)
    return results


def stemmer_quality() -> dict[str, Any]:
    """Paradigms of the example digest's words (pymorphy3) merged by `sitegen.text`, by part of speech."""
    import pymorphy3

    from sitegen import text

    morph = pymorphy3.MorphAnalyzer(lang="uk")
    body = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").rglob("*.md")))
    words = sorted({w.lower() for w in re.findall(r"[а-щьюяґєії'’ʼ]{3,}", body, flags=re.I)})
    lexemes: dict[tuple[str, str], set[str]] = {}
    for word in words:
        parse = morph.parse(word.replace("’", "'").replace("ʼ", "'"))[0]
        pos = {"NOUN": "noun", "ADJF": "adjective", "VERB": "verb", "INFN": "verb"}.get(str(parse.tag.POS))
        if pos is None or text.is_stop_word(text.normalize(word)):
            continue
        forms = {text.normalize(f.word) for f in parse.lexeme}
        lexemes.setdefault((parse.normal_form, pos), set()).update(f for f in forms if f)
    owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
    by_pos: dict[str, list[int]] = defaultdict(list)
    forms_total = 0
    for key, forms in lexemes.items():
        stems = {text.stem(f) for f in forms}
        by_pos[key[1]].append(len(stems))
        forms_total += len(forms)
        for s in stems:
            owners[s].add(key)
    wrong = {s: sorted(k[0] for k in keys) for s, keys in owners.items() if len({k[0] for k in keys}) > 1}
    return {
        "lexemes": len(lexemes),
        "forms": forms_total,
        "by_pos": {
            pos: {
                "lexemes": len(v),
                "fully_merged": sum(1 for x in v if x == 1) / len(v),
                "stems_per_lexeme": statistics.mean(v),
            }
            for pos, v in sorted(by_pos.items())
        },
        "wrong_merges": len(wrong),
        "wrong_examples": dict(sorted(wrong.items())[:12]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--no-build", action="store_true", help="skip the clean-build timing")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--json", type=Path, help="also write all results here")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the corpus's slug clashes are expected
    results: dict[str, Any] = {}
    if not args.quality_only:
        for size in (int(s) for s in args.sizes.split(",")):
            site = make_corpus(args.work, size)
            print(f"corpus {size}: {site}", flush=True)
            docs = search_documents(site)
            row: dict[str, Any] = measure_bytes(docs)
            print(f"  bytes: {json.dumps(row)}", flush=True)
            row["index_build_s"], row["index_build_cpu_s"] = measure_index_build(docs, args.runs)
            print(f"  index build: {row['index_build_s']:.2f} s wall, {row['index_build_cpu_s']:.2f} s CPU", flush=True)
            if not args.no_build:
                row["clean_build_s"], row["clean_build_cpu_s"] = measure_clean_build(site, args.runs)
                row["index_share"] = row["index_build_s"] / row["clean_build_s"]
                row["index_share_cpu"] = row["index_build_cpu_s"] / row["clean_build_cpu_s"]
                print(
                    f"  clean build: {row['clean_build_s']:.2f} s wall, {row['clean_build_cpu_s']:.2f} s CPU "
                    f"(index: {row['index_share']:.0%} of wall, {row['index_share_cpu']:.0%} of CPU)",
                    flush=True,
                )
            if not args.no_browser:
                row["browser_ms"] = measure_browser(site, args.runs)
                for query, t in row["browser_ms"].items():
                    print(
                        f"  chromium {query!r}: index fetched {t['fetched']:.0f} ms, parsed {t['parsed']:.0f} ms, "
                        f"loaded {t['loaded']:.0f} ms, shown {t['shown']:.0f} ms ({t['status']})",
                        flush=True,
                    )
            results[str(size)] = row
    quality = stemmer_quality()
    results["stemmer"] = quality
    print("stemmer:", json.dumps(quality, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
