#!/usr/bin/env python3
"""Search at scale, beside Pagefind on the same built site: bytes, build cost, speed in Chromium, recall.

    python3 benchmarks/search.py                          # 1,000, 5,000 and 20,000 articles of the bench corpus
    python3 benchmarks/search.py --sizes 5000 --runs 7
    python3 benchmarks/search.py --sizes 1000 --no-pagefind --no-relevance
    python3 benchmarks/search.py --quality-only           # only the stemmer against pymorphy3

Needs the `bench` extra (pymorphy3 + pymorphy3-dicts-uk, pagefind-bin). Per size (corpus:
`../shared/bench/make_corpus.py`, as benchmarks/build.py makes it):
- bytes: the search files (manifest, term shards, fragments), raw and gzip -9, per article;
- index build: the workers' part (`search_entry` for every article, in this process) and the main
  process's (`render_search_index`), CPU seconds; and whole clean `sitegen build`s with the index and
  with it left out (`--no-search-index` of this script's own runner: a build whose search entries
  and index are empty), interleaved, median of `--runs`: wall, CPU (user + sys, workers included)
  and peak RSS (GNU time), so the index's share of the build's CPU and what it adds to its memory;
- Pagefind (`pagefind-bin`) over the same built site, `--root-selector article` and a glob of the
  article pages only (as sitegen indexes them): wall, CPU, peak RSS, files and bytes;
- relevance: pymorphy3 as the ground truth: an article is relevant to a query when its indexed text
  (title, tags, rubric, author, summary, note, body, and the dateline place Pagefind also sees) has a
  form of every query word's lemma; recall and precision of the whole result list of each, sitegen
  (all words, else any word, as the page does) and Pagefind (its own result list);
- browser: Debian Chromium on the built site served over loopback as a static host serves it,
  sitegen's search page and Pagefind's test page in the same run, samples interleaved
  (benchmarks/search_browser.py): cold `?q=` (and cold with an empty query), warm (`cached`) and
  typed; median of `--runs` per query and scenario: results shown (the first page's titles, dates and
  tags), excerpts in (Pagefind shows both at once), bytes and requests (all of them, excerpts included).
The machine is shared and has 2 cores: the load average is printed with every part, CPU seconds are
the steadier figure, and the browser numbers are medians of interleaved samples.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# The shared bench folder: beside the repository, or beside the folder of worktrees.
SHARED_BENCH = next(
    (p for p in (REPO.parent / "shared" / "bench", REPO.parent.parent / "shared" / "bench") if p.is_dir()),
    REPO.parent / "shared" / "bench",
)
CONFIG = 'title: "Бенчмарк-дайджест"\nbase_url: "https://example.org/"\nper_page: 20\n'
QUERIES = [
    "Рютте",
    "Франції",
    "миротворці",
    "пріоритетів",
    "посадовець",
    "переговорах",
    "Брюссель",
    "Кремль",
    "гарантіями безпеки",
    "Макрон Путін",
]
"""The issue's queries (words found in most bodies, one found only deep in bodies, forms absent from the
text), two of two words, and more."""
TIME = "/usr/bin/time"
PAGEFIND_GLOB = "20*/*/*/index.html"
"""The article pages (`/<yyyy>/<mm>/<slug>/`): what sitegen's index holds; list pages are not indexed."""


def make_corpus(work: Path, size: int) -> Path:
    """`work/site-<size>/` with the generated corpus as `seeds/` (benchmarks/build.py's helper)."""
    from benchmarks.build import lay_out_site
    from benchmarks.build import make_corpus as build_corpus

    site = work / f"site-{size}"
    if not (site / "sitegen.yaml").is_file():
        lay_out_site(build_corpus(SHARED_BENCH, work, size), site)
    return site


def search_entries(site_dir: Path) -> tuple[list[Any], float]:
    """The site's search entries as the workers make them, and the CPU seconds that took here (Markdown
    rendering not counted: the workers render the body for the page anyway)."""
    from sitegen.build import BuildOptions, load_site
    from sitegen.render.markdown import render_markdown
    from sitegen.render.search import search_entry
    from sitegen.render.theme import load_theme

    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    pages = site.newest()
    bodies = [render_markdown(p.body).text for p in pages]
    started = time.process_time()
    entries = [search_entry(site, p, theme.strings_for(p.lang), body) for p, body in zip(pages, bodies, strict=True)]
    return entries, time.process_time() - started


def measure_bytes(entries: list[Any]) -> dict[str, Any]:
    """Files and bytes (as on disk: shards and fragments packed; and gzip -9 of those) of the search index as the
    site ships it, per article."""
    from sitegen.render.search import render_search_index
    from sitegen.render.search_files import unpack

    files = render_search_index(entries)
    n = max(len(entries), 1)

    def gz(outputs: Any) -> int:
        return sum(len(gzip.compress(o.data, 9)) for o in outputs)

    index = gz(files.shards) + gz([files.manifest])
    fragments = gz(files.fragments)
    return {
        "files": len(files.outputs),
        "shards": len(files.shards),
        "raw_bytes": sum(len(o.data) for o in files.outputs),
        "gzip_bytes": index + fragments,
        "index_gzip_per_article": index / n,
        "fragment_gzip_mean": fragments / n,
        "manifest_gzip": gz([files.manifest]),
        "largest_shard_gzip": max((len(gzip.compress(o.data, 9)) for o in files.shards), default=0),
        "terms": sum(len(unpack(o.data)["terms"]) for o in files.shards),
    }


def measure_index_build(entries: list[Any], runs: int) -> float:
    """Median CPU seconds of `render_search_index` (the main process's part)."""
    from sitegen.render.search import render_search_index

    cpu = []
    for _ in range(runs):
        started = time.process_time()
        render_search_index(entries)
        cpu.append(time.process_time() - started)
    return statistics.median(cpu)


NO_INDEX = """
import sys
from sitegen.render import articles, pipeline, search
empty = search.entry_of([""] * len(search.FIELDS), ["", "", "", "", []])
articles.search_entry = lambda *args: empty
real = search.render_search_index
pipeline.render_search_index = lambda entries, *rest: real([])
from sitegen.cli import main
sys.exit(main(sys.argv[1:]))
"""
"""A `sitegen` whose search entries and index are empty: the build without the index's cost."""


def _timed(command: list[str], cwd: Path) -> dict[str, float]:
    """Wall and CPU seconds, peak RSS (MiB) of one command under GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tfile:
        started = time.perf_counter()
        subprocess.run(
            [TIME, "-f", "%U %S %M", "-o", tfile.name, *command],
            cwd=cwd,
            check=True,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        user, system, rss = tfile.read().split()[-3:]
    return {"wall": wall, "cpu": float(user) + float(system), "rss_mib": int(rss) / 1024}


def measure_clean_builds(site: Path, runs: int) -> dict[str, dict[str, float]]:
    """Clean builds with the search index and without it, interleaved: medians of wall, CPU, peak RSS."""
    samples: dict[str, list[dict[str, float]]] = {"with": [], "without": []}
    for _ in range(runs):
        for variant in samples:
            shutil.rmtree(site / "site", ignore_errors=True)
            code = ["-m", "sitegen"] if variant == "with" else ["-c", NO_INDEX]
            samples[variant].append(_timed([sys.executable, *code, "build", "-q", "--site", str(site)], REPO))
    return {
        variant: {key: statistics.median(s[key] for s in runs_) for key in runs_[0]}
        for variant, runs_ in samples.items()
    }


def pagefind_binary() -> Path:
    import pagefind_bin  # the bench extra

    return Path(pagefind_bin.get_executable())


def run_pagefind(out: Path) -> dict[str, Any]:
    """Pagefind over the built site `out` (its bundle in `out/pagefind/`): time, memory, files, bytes."""
    shutil.rmtree(out / "pagefind", ignore_errors=True)
    binary = pagefind_binary()
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    command = [str(binary), "--site", str(out), "--root-selector", "article", "--glob", PAGEFIND_GLOB, "--quiet"]
    row: dict[str, Any] = {"version": version, **_timed(command, out)}
    files = [p for p in (out / "pagefind").rglob("*") if p.is_file()]
    row["files"] = len(files)
    row["bytes"] = sum(p.stat().st_size for p in files)
    return row


def pagefind_urls(out: Path) -> dict[str, str]:
    """Pagefind page id -> URL, from its fragments (gzip: `pagefind_dcd` + JSON)."""
    urls = {}
    for path in (out / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        data = data[data.index(b"{") :]
        urls[path.stem] = json.loads(data)["url"]
    return urls


def sitegen_results(out: Path, query: str) -> list[str]:
    """URLs of every result of `query` on the built site, as search.js finds them: all words, else any."""
    from sitegen import text
    from sitegen.render.search_files import PACKED_SUFFIX, unpack

    [manifest_file] = (out / "search").glob("index.*.json")
    manifest = json.loads(manifest_file.read_bytes())
    firsts = [first for first, _ in manifest["shards"]]
    order = [t.encode("utf-16-be") for t in firsts]
    found = []
    for word in text.tokenize(query):
        if text.is_stop_word(word):
            continue
        term = text.stem(word)
        key = term.encode("utf-16-be")
        number = max((i for i, first in enumerate(order) if first <= key), default=-1)
        refs: set[int] = set()
        if number >= 0:
            shard = unpack((out / "search" / manifest["shards"][number][1]).read_bytes())
            if term in shard["terms"]:
                flat = shard["postings"][shard["terms"].index(term)]
                ref = 0
                for k in range(0, len(flat), 2):
                    ref += flat[k]
                    refs.add(ref)
        found.append(refs)
    hits = set.intersection(*found) if found else set()
    if not hits and len(found) > 1:
        hits = set.union(*found)
    documents = manifest["documents"]
    urls = []
    for ref in sorted(hits):
        folder = documents["folders"][ref // documents["per_folder"]]
        urls.append(unpack((out / "search" / folder / f"{ref}{PACKED_SUFFIX}").read_bytes())[1])
    return urls


def ground_truth(site_dir: Path, queries: list[str]) -> dict[str, set[str]]:
    """Per query, the URLs of the articles with a form of each query word's lemma (pymorphy3)."""
    import pymorphy3

    from sitegen.build import BuildOptions, load_site
    from sitegen.render.markdown import render_markdown

    morph = pymorphy3.MorphAnalyzer(lang="uk")
    word_re = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
    lemmas: dict[str, set[str]] = {}

    def lemmas_of(word: str) -> set[str]:
        found = lemmas.get(word)
        if found is None:
            found = lemmas[word] = {p.normal_form for p in morph.parse(word.replace("’", "'").replace("ʼ", "'"))}
        return found

    wanted = {q: [morph.parse(w.lower())[0].normal_form for w in word_re.findall(q)] for q in queries}
    _, site = load_site(site_dir, BuildOptions())
    relevant: dict[str, set[str]] = {q: set() for q in queries}
    for page in site.newest():
        meta = page.meta
        tags = " ".join(site.tags[slug].name for slug in page.tag_slugs)
        note = meta.curator_note or ""
        indexed = [page.title, tags, meta.category or "", meta.author or "", meta.summary or "", note]
        indexed += [meta.location or "", render_markdown(page.body).text]
        have: set[str] = set()
        for word in {w.lower() for w in word_re.findall(" ".join(indexed))}:
            have |= lemmas_of(word)
        for query, needed in wanted.items():
            if needed and all(lemma in have for lemma in needed):
                relevant[query].add(page.url)
    return relevant


def measure_relevance(site: Path, out: Path, port: int, queries: list[str], pagefind: bool) -> dict[str, Any]:
    """Recall and precision per query of sitegen's and Pagefind's whole result lists, against pymorphy3."""
    truth = ground_truth(site, queries)
    found: dict[str, dict[str, set[str]]] = {"sitegen": {q: set(sitegen_results(out, q)) for q in queries}}
    if pagefind:
        found["pagefind"] = _pagefind_found(out, port, queries)
    rows: dict[str, Any] = {}
    for query in queries:
        row: dict[str, Any] = {"relevant": len(truth[query])}
        for tool, results in found.items():
            hits = results[query]
            right = len(hits & truth[query])
            row[tool] = {
                "found": len(hits),
                "recall": right / len(truth[query]) if truth[query] else None,
                "precision": right / len(hits) if hits else None,
            }
        rows[query] = row
    return rows


def _pagefind_found(out: Path, port: int, queries: list[str]) -> dict[str, set[str]]:
    """Pagefind's result URLs per query, from its own search in Chromium (Pagefind's test page)."""
    from playwright.sync_api import sync_playwright

    from benchmarks.search_browser import CHROMIUM, CHROMIUM_ARGS, PAGEFIND_PAGE, StaticHost, write_pagefind_page

    write_pagefind_page(out)
    urls = pagefind_urls(out)
    host = StaticHost(out, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/{PAGEFIND_PAGE}")
            page.wait_for_selector("[data-search-ready]", state="attached", timeout=120_000)
            found = {}
            for query in queries:
                ids = page.evaluate("q => window.pagefindIds(q)", query)
                found[query] = {urls[i].removeprefix(base) for i in ids}
            browser.close()
    finally:
        host.stop()
    return found


def measure_browser(out: Path, port: int, runs: int, scenarios: list[str], pagefind: bool) -> dict[str, Any]:
    """benchmarks/search_browser.py on the site built in `out` (for `port`): sitegen's search page, and
    Pagefind's test page on the same site if asked, samples interleaved."""
    from benchmarks.search_browser import PAGEFIND_PAGE, Variant, measure, write_pagefind_page

    variants = [Variant("sitegen", out, port, tuple(scenarios))]
    if pagefind:
        write_pagefind_page(out)
        variants.append(Variant("pagefind", out, port, tuple(s for s in scenarios if s != "floor"), PAGEFIND_PAGE))
    return measure(variants, QUERIES, runs)


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


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
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build-runs", type=int, default=3, help="clean builds with and without the index")
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--no-build", action="store_true", help="skip the clean-build timing")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium")
    parser.add_argument("--no-pagefind", action="store_true")
    parser.add_argument("--no-relevance", action="store_true")
    parser.add_argument("--scenarios", default="cold,cached,typed", help="see benchmarks/search_browser.py")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--no-quality", action="store_true", help="skip the stemmer against pymorphy3")
    parser.add_argument("--json", type=Path, help="also write all results here")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the corpus's slug clashes are expected
    results: dict[str, Any] = {}

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=list), encoding="utf-8")

    if not args.quality_only:
        for size in (int(s) for s in args.sizes.split(",")):
            site = make_corpus(args.work, size)
            print(f"corpus {size}: {site} (load {load()})", flush=True)
            row: dict[str, Any] = {}
            results[str(size)] = row
            entries, row["entries_cpu_s"] = search_entries(site)
            row["bytes"] = measure_bytes(entries)
            row["index_cpu_s"] = measure_index_build(entries, args.runs)
            del entries
            print(f"  bytes: {json.dumps(row['bytes'])}", flush=True)
            cpu = f"workers' part {row['entries_cpu_s']:.2f} s, main {row['index_cpu_s']:.2f} s"
            print(f"  index CPU: {cpu}", flush=True)
            if not args.no_build:
                row["builds"] = measure_clean_builds(site, args.build_runs)
                w, wo = row["builds"]["with"], row["builds"]["without"]
                print(
                    f"  clean build with index {w['wall']:.1f} s wall, {w['cpu']:.1f} s CPU, {w['rss_mib']:.0f} MiB; "
                    f"without {wo['wall']:.1f} s, {wo['cpu']:.1f} s CPU, {wo['rss_mib']:.0f} MiB; index "
                    f"{(w['cpu'] - wo['cpu']) / w['cpu']:.0%} of CPU, +{w['rss_mib'] - wo['rss_mib']:.0f} MiB "
                    f"(load {load()})",
                    flush=True,
                )
            port = _free_port()
            out = site / "site-browser"
            shutil.rmtree(out, ignore_errors=True)
            from sitegen.build import BuildOptions, build

            build(site, BuildOptions(out_dir=out, base_url=f"http://127.0.0.1:{port}/"))
            if not args.no_pagefind:
                row["pagefind"] = run_pagefind(out)
                print(f"  pagefind: {json.dumps(row['pagefind'])} (load {load()})", flush=True)
            if not args.no_relevance:
                row["relevance"] = measure_relevance(site, out, port, QUERIES, not args.no_pagefind)
                for query, cells in row["relevance"].items():
                    print(f"  relevance {query}: {json.dumps(cells, ensure_ascii=False)}", flush=True)
            save()
            if not args.no_browser:
                scenarios = args.scenarios.split(",")
                row["browser_ms"] = measure_browser(out, port, args.runs, scenarios, not args.no_pagefind)
                for variant, cells in row["browser_ms"].items():
                    for name, t in cells.items():
                        print(
                            f"  chromium [{variant}] {name}: shown {t['shown']:.0f} ms "
                            f"({t['shown_min']:.0f}-{t['shown_max']:.0f}; loaded {t.get('loaded', 0):.0f}; "
                            f"excerpts {t.get('excerpts', t['shown']):.0f}), "
                            f"{t['fetched_kb']:.0f} kB in {t['requests']:.0f} requests; {t['status']}",
                            flush=True,
                        )
                print(f"  (load {load()})", flush=True)
            shutil.rmtree(out, ignore_errors=True)
            save()
    if not args.no_quality:
        quality = stemmer_quality()
        results["stemmer"] = quality
        print("stemmer:", json.dumps(quality, ensure_ascii=False, indent=1))
    save()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
