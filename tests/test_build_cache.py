"""The build cache (`.sitegen-cache/build.cache`): a cached `sitegen build` equals a clean one, whatever happened.

Random edit sequences (seeded, bounded) compare a cached build with a `--no-cache` build after every
step; a damaged, foreign or stale cache is ignored; Ctrl-C during a cached build leaves the previous
site and a correct next build.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import sitegen.build
import sitegen.buildcache
import sitegen.render.parallel
import sitegen.workers
from sitegen.build import BuildOptions, BuildResult, build
from sitegen.buildcache import cache_path, read_cache, write_cache
from sitegen.output.writer import MARKER
from tests.conftest import REPO, many_pages, run_interrupted, run_main, tree_digest
from tests.interrupt_build import WORKERS_FROM

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAGES = 12


def cached(site: Path, **kw: object) -> BuildResult:
    return build(site, BuildOptions(out_dir=site / "site", cache=True, now=NOW, **kw))  # type: ignore[arg-type]


def clean_files(site: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    build(site, BuildOptions(out_dir=out, cache=False, now=NOW))
    return files_of(out)


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def assert_same_as_clean(site: Path, tmp_path: Path) -> None:
    got = files_of(site / "site")
    expected = clean_files(site, tmp_path / "clean")
    assert sorted(got) == sorted(expected)
    assert [path for path, data in expected.items() if got[path] != data] == []


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = many_pages(tmp_path / "s", PAGES)
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")
    return site


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text, "utf-8")


def _pages(site: Path) -> list[Path]:
    return sorted((site / "seeds").rglob("*.md"))


def _edits(site: Path, rng: random.Random) -> dict[str, Callable[[], None]]:
    """One random edit of each kind the issue names (each picks its page with `rng`)."""

    def page() -> Path:
        return rng.choice(_pages(site))

    def body() -> None:
        p = page()
        p.write_text(p.read_text("utf-8") + f"\nНовий абзац {rng.randrange(10**6)}.\n", "utf-8")

    def title() -> None:
        _replace_in(page(), 'title: "', f'title: "Зміна {rng.randrange(1000)} ')

    def tags() -> None:
        _replace_in(page(), "tags: [", f"tags: [Мітка{rng.randrange(5)}, ")

    def date() -> None:
        p = page()
        text = p.read_text("utf-8")
        start = text.index("date: ") + len("date: ")
        month, day = rng.randrange(1, 13), rng.randrange(1, 28)
        p.write_text(
            text[:start] + f"2025-{month:02d}-{day:02d}T09:{rng.randrange(60):02d}:00+02:00" + text[start + 25 :]
        )

    def draft() -> None:
        p = page()
        text = p.read_text("utf-8")
        if "draft: true\n" in text:
            p.write_text(text.replace("draft: true\n", "", 1), "utf-8")
        else:
            p.write_text(text.replace("---\n", "---\ndraft: true\n", 1), "utf-8")

    def delete() -> None:
        if len(_pages(site)) > 3:
            page().unlink()

    def rename() -> None:
        p = page()
        p.rename(p.with_name(f"renamed-{rng.randrange(10**6)}.md"))

    def add() -> None:
        n = rng.randrange(10**6)
        folder = site / "seeds" / "2025" / "05"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"new-{n}.md").write_text(
            f'---\ntitle: "Нова {n}"\ndate: 2025-05-{1 + n % 27:02d}T10:00:00+03:00\ntags: [НАТО]\n---\nТекст {n}.\n',
            "utf-8",
        )

    def css() -> None:
        _replace_in(site / "themes/default/static/css/style.css", "}", f"}}\n.e{rng.randrange(1000)} {{ color: red; }}")

    def template() -> None:
        _replace_in(site / "themes/default/templates/base.html", "<main", f"<!-- {rng.randrange(1000)} -->\n<main")

    def config() -> None:
        _replace_in(site / "sitegen.yaml", 'title: "', f'title: "{rng.randrange(100)} ')

    return {f.__name__: f for f in (body, title, tags, date, draft, delete, rename, add, css, template, config)}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("seed", [1, 2])
def test_build_cache_random_edit_sequence_equals_clean_build(
    site: Path, tmp_path: Path, seed: int, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(seed)
    edits = _edits(site, rng)
    first = cached(site)
    assert first.reused == 0
    assert cache_path(site).is_file()
    steps = [rng.choice(sorted(edits)) for _ in range(10)]
    reused_after_body_edit = []
    for step in steps:
        edits[step]()
        with caplog.at_level(logging.INFO, logger="sitegen.output.spare"):
            result = cached(site)
        assert_same_as_clean(site, tmp_path)
        if step == "body":
            reused_after_body_edit.append(result.reused)
    # Every build made its tree from the spare (the tree of the build before last), kept as its record says.
    assert caplog.text.count("building on .site.sitegen-spare") == len(steps)
    assert "not as its record says" not in caplog.text
    # The cache was used, not just present: a body edit re-renders one article, not the site.
    unchanged = cached(site)
    assert unchanged.reused >= unchanged.articles > 0
    assert all(n > 0 for n in reused_after_body_edit)


@pytest.mark.timeout(120)
def test_build_cache_keeps_unchanged_files_and_their_mtime(site: Path) -> None:
    cached(site)
    out = site / "site"
    kept, edited = out / "2025/06/a5/index.html", out / "2025/01/a0/index.html"
    edited_page = site / "seeds/2025/01/a0.md"
    before = os.stat(kept)
    time.sleep(0.01)
    edited_page.write_text(edited_page.read_text("utf-8") + "\nЩе одне речення.\n", "utf-8")
    result = cached(site)
    after = os.stat(kept)
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert "Ще одне речення." in edited.read_text("utf-8")
    assert result.reused > 0


def _write_cache(site: Path, data: bytes) -> None:
    cache_path(site).write_bytes(data)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _garbage(data: bytes) -> bytes:
    return os.urandom(len(data))


def _flipped(data: bytes) -> bytes:  # a valid header, a damaged payload
    return data[:-100] + bytes(b ^ 0xFF for b in data[-100:])


def _other_version(data: bytes) -> bytes:
    magic, header, payload = data.split(b"\n", 2)
    fields = json.loads(header)
    fields["version"] = "0.0.0-other"
    return magic + b"\n" + json.dumps(fields).encode() + b"\n" + payload


def _other_key(data: bytes) -> bytes:
    magic, header, payload = data.split(b"\n", 2)
    fields = json.loads(header)
    fields["key"] = "0" * 64
    return magic + b"\n" + json.dumps(fields).encode() + b"\n" + payload


@pytest.mark.timeout(120)
@pytest.mark.parametrize("damage", [_truncated, _garbage, _flipped, _other_version, _other_key, lambda d: b""])
def test_build_cache_damaged_or_foreign_is_ignored(
    site: Path, tmp_path: Path, damage: Callable[[bytes], bytes], caplog: pytest.LogCaptureFixture
) -> None:
    cached(site)
    data = cache_path(site).read_bytes()
    _replace_in(site / "seeds/2025/01/a0.md", "Новина номер 0", "Змінена новина")
    _write_cache(site, damage(data))
    with caplog.at_level(logging.INFO, logger="sitegen.buildcache"):
        result = cached(site)
    assert result.reused == 0  # built from scratch
    assert_same_as_clean(site, tmp_path)
    assert "build cache ignored" in caplog.text or not damage(data)
    assert cached(site).reused > 0  # and a good cache was saved again


@pytest.mark.timeout(120)
def test_build_cache_for_another_config_or_theme_is_ignored(site: Path, tmp_path: Path) -> None:
    cached(site)
    _replace_in(site / "themes/default/static/css/style.css", "}", "}\n.x { color: blue; }")
    assert cached(site).reused == 0
    _replace_in(site / "sitegen.yaml", "Великий дайджест", "Інший дайджест")
    assert cached(site).reused == 0
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(120)
def test_build_cache_output_edited_or_deleted_is_not_trusted(site: Path, tmp_path: Path) -> None:
    cached(site)
    page = next((site / "site").rglob("a3/index.html"))
    page.write_text("edited by hand", "utf-8")  # the cache's record of the output no longer holds
    assert cached(site).reused == 0
    assert_same_as_clean(site, tmp_path)
    shutil.rmtree(site / "site")
    assert cached(site).reused == 0
    assert_same_as_clean(site, tmp_path)
    shutil.rmtree(site / ".sitegen-cache")
    assert cached(site).reused == 0
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(120)
def test_build_cache_temp_file_of_a_killed_build_is_removed(site: Path) -> None:
    cached(site)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, timeout=30)
    leftover = cache_path(site).with_name(f".{cache_path(site).name}.{int(dead.stdout)}.0a1b2c3d.tmp")  # (write_atomic)
    leftover.write_bytes(b"half a cache")
    cached(site)
    assert not leftover.exists()
    assert sorted(p.name for p in cache_path(site).parent.iterdir()) == [
        "build.cache",
        "build.pieces",
        "build.templates",
    ]


@pytest.mark.timeout(120)
def test_build_no_cache_neither_reads_nor_writes_it(site: Path) -> None:
    assert run_main("build", "-q", "--no-cache", "--site", str(site)).code == 0
    assert not cache_path(site).exists()
    assert run_main("build", "-q", "--site", str(site)).code == 0
    assert cache_path(site).is_file()
    stamp = cache_path(site).stat().st_mtime_ns
    assert run_main("build", "-q", "--no-cache", "--site", str(site)).code == 0
    assert cache_path(site).stat().st_mtime_ns == stamp


@pytest.mark.timeout(120)
def test_clean_removes_cache_and_output(site: Path) -> None:
    assert run_main("build", "-q", "--site", str(site)).code == 0
    assert (site / "site" / MARKER).is_file() and cache_path(site).is_file()
    result = run_main("clean", "--site", str(site))
    assert result.code == 0
    assert not (site / "site").exists() and not (site / ".sitegen-cache").exists()
    assert not (site / ".site.sitegen-spare").exists()
    assert run_main("clean", "--site", str(site)).out == "nothing to remove\n"


@pytest.mark.timeout(60)
def test_clean_refuses_an_output_folder_sitegen_did_not_make(site: Path) -> None:
    (site / "site").mkdir()
    (site / "site" / "precious.txt").write_text("mine", "utf-8")
    result = run_main("clean", "--site", str(site))
    assert result.code == 1
    assert "refused to remove" in result.err and "sitegen did not build it" in result.err
    assert (site / "site" / "precious.txt").read_text("utf-8") == "mine"


@pytest.mark.timeout(60)
def test_build_cache_ctrl_c_during_cached_build_leaves_site_and_next_build_correct(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Render workers stream pages too: they render from 8 pages here, in the interrupted build (the driver,
    # tests/interrupt_build.py) as in these in-process ones (PARALLEL_MIN_PAGES is 300).
    monkeypatch.setattr(sitegen.render.parallel, "PARALLEL_MIN_PAGES", WORKERS_FROM)
    site = many_pages(tmp_path / "s", 80)
    assert run_main("build", "-q", "--site", str(site)).code == 0
    assert cache_path(site).is_file()
    before = tree_digest(site / "site")
    for i in range(0, 80, 4):  # 20 pages to render again: the cached build forks workers
        page = next((site / "seeds").rglob(f"a{i}.md"))
        page.write_text(page.read_text("utf-8").replace("Новина номер", "Нова новина", 1), "utf-8")
    # Ctrl-C (the whole group, workers included) once render worker 0 has streamed 3 pages into staging
    run = run_interrupted("rendering", signal.SIGINT, True, "build", "-v", "--site", str(site))
    assert (run.code, run.out) == (130, "signal sent while rendering\n"), run.err
    stderr = run.err
    assert "rendering 80 articles" in stderr and "Traceback" not in stderr
    assert tree_digest(site / "site") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".site.")] == [
        ".site.sitegen-spare"
    ]  # (no temp folder)
    assert run_main("build", "-q", "--site", str(site)).code == 0
    got = files_of(site / "site")
    assert run_main("build", "-q", "--no-cache", "--site", str(site), "--out", str(tmp_path / "clean")).code == 0
    assert got == files_of(tmp_path / "clean")


@pytest.mark.timeout(120)
def test_cached_article_without_its_feed_entry_is_rendered_again_for_the_site_feed(site: Path, tmp_path: Path) -> None:
    # An article keeps its full feed entry only while the site feed shows it; one that enters the feed
    # (a newer one deleted, its date changed) is rendered again. Here every cached article lacks it.
    cached(site)
    key = json.loads(cache_path(site).read_bytes().split(b"\n", 2)[1])["key"]
    saved = read_cache(site, key)
    assert saved is not None
    entries = saved.state.render._entries
    for name, value in list(entries.items()):
        if name[0] == "article":
            entries[name] = (value[0], dataclasses.replace(value[1], feed=None))
    write_cache(site, key, saved)
    result = cached(site)
    assert 0 < result.reused
    assert_same_as_clean(site, tmp_path)
    assert (site / "site" / "feed.xml").read_text("utf-8").count("<entry>") == PAGES


@pytest.mark.timeout(120)
def test_build_cache_spare_checked_by_a_child_is_trusted_and_distrusted_as_in_process(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A large site's spare is checked in a forked child while the cache is read (`build._spare_meanwhile`): here
    # every spare is large and the machine has two cores, so the child's verdict is the one that counts.
    monkeypatch.setattr(sitegen.build, "SPARE_CHILD_BYTES", 0)
    monkeypatch.setattr(sitegen.workers, "available_cores", lambda: 2)
    monkeypatch.setattr(sitegen.build, "idle_core", lambda: True)
    forked: list[str] = []
    real = sitegen.workers.Forked

    def spied(task: Callable[[], object], name: str) -> object:
        forked.append(name)
        return real(task, name)

    monkeypatch.setattr(sitegen.build, "Forked", spied)
    cached(site)
    pages = _pages(site)
    for round_, page in enumerate(pages[:3]):
        page.write_text(page.read_text("utf-8") + f"\nПравка {round_}.\n", "utf-8")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="sitegen.output.spare"):
            result = cached(site)
        assert result.reused > 0
        assert_same_as_clean(site, tmp_path)
        if round_ > 0:  # (the first cached build fills an empty spare)
            assert "building on .site.sitegen-spare" in caplog.text
    assert forked.count("sitegen-spare") == 4  # (the first build too: it finds no spare)
    # A spare file edited by hand: the child sees it, and the build makes its tree anew instead.
    spare_file = next((site / ".site.sitegen-spare").rglob("index.html"))
    spare_file.write_bytes(spare_file.read_bytes() + b"<!-- by hand -->")
    pages[4].write_text(pages[4].read_text("utf-8") + "\nПісля пошкодження.\n", "utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sitegen.output.spare"):
        cached(site)
    assert "not as its record says" in caplog.text and "building on" not in caplog.text
    assert forked.count("sitegen-spare") == 5
    assert_same_as_clean(site, tmp_path)
    assert not [p for p in (site / "site").rglob("*.html") if b"by hand" in p.read_bytes()]


@pytest.mark.timeout(120)
def test_build_cache_written_by_a_child_equals_clean_builds_and_is_used(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A large site's changed cache pieces are written by a forked child while the output is swapped in
    # (`buildcache.PendingCache`): here every site is large and the machine has two cores.
    monkeypatch.setattr(sitegen.build, "CACHE_CHILD_ARTICLES", 1)
    monkeypatch.setattr(sitegen.workers, "available_cores", lambda: 2)
    monkeypatch.setattr(sitegen.build, "idle_core", lambda: True)
    forked: list[str] = []
    real = sitegen.workers.Forked

    def spied(task: Callable[[], object], name: str) -> object:
        forked.append(name)
        return real(task, name)

    monkeypatch.setattr(sitegen.buildcache, "Forked", spied)
    rng = random.Random(7)
    edits = _edits(site, rng)
    cached(site)
    for step in ["body", "title", "body", "tags", "delete", "body"]:
        edits[step]()
        with caplog.at_level(logging.INFO, logger="sitegen.buildcache"):
            result = cached(site)
        if step == "body":
            assert result.reused > 0  # the cache the child wrote was read and trusted
        assert_same_as_clean(site, tmp_path)
    assert forked.count("sitegen-cache") == 7
    assert "could not save the build cache" not in caplog.text
    assert cached(site).reused >= PAGES - 1  # nothing changed: every article from the cache


@pytest.mark.timeout(120)
def test_build_cache_child_that_fails_costs_only_the_next_builds_speed(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sitegen.build, "CACHE_CHILD_ARTICLES", 1)
    monkeypatch.setattr(sitegen.workers, "available_cores", lambda: 2)
    monkeypatch.setattr(sitegen.build, "idle_core", lambda: True)
    cached(site)
    page = _pages(site)[0]

    def fails(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sitegen.buildcache, "_write_piece", fails)  # (the forked child has it too)
    page.write_text(page.read_text("utf-8") + "\nПравка.\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="sitegen.buildcache"):
        cached(site)
    assert "could not save the build cache (" in caplog.text and "No space left on device" in caplog.text
    assert_same_as_clean(site, tmp_path)
    assert not cache_path(site).exists()
    monkeypatch.undo()
    page.write_text(page.read_text("utf-8") + "\nЩе правка.\n", "utf-8")
    assert cached(site).reused == 0  # no cache: built from scratch, and right
    assert_same_as_clean(site, tmp_path)


def test_build_idle_core_follows_the_load_average(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitegen.build, "available_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.0, 0.0))
    assert sitegen.build.idle_core()
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 0.0, 0.0))
    assert not sitegen.build.idle_core()

    def unknown() -> tuple[float, float, float]:
        raise OSError("no load average")

    monkeypatch.setattr(os, "getloadavg", unknown)
    assert not sitegen.build.idle_core()
