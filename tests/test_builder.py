"""`engine.Engine` in memory (`serve`): after any edit sequence its in-memory site equals a clean `build()`."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from sitegen.engine import Engine, EngineOptions
from sitegen.errors import SitegenError
from sitegen.output.writer import MARKER
from tests.conftest import REPO, many_pages

BASE = "http://127.0.0.1:8000/"


def clean_build(site: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    build(site, BuildOptions(out_dir=out, base_url=BASE))
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MARKER}


def assert_same(builder: Engine, site: Path, out: Path, changed: list[Path]) -> None:
    built = builder.build_in_memory(changed)
    expected = clean_build(site, out)
    assert sorted(built.outputs) == sorted(expected)
    different = [path for path, data in expected.items() if built.outputs[path] != data]
    assert different == []


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text("utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = many_pages(tmp_path / "s", 16)
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")
    return site


def test_builder_after_edit_sequence_equals_clean_build(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    builder = Engine(site, EngineOptions(base_url=BASE))
    assert_same(builder, site, out, [])
    a0 = site / "seeds/2025/01/a0.md"
    a1 = site / "seeds/2025/02/a1.md"
    steps = [
        lambda: edit(a0, "Україна НАТО", "Зовсім новий текст"),  # body only
        lambda: edit(a0, "Новина номер 0", "Інший заголовок"),  # title: lists, neighbours
        lambda: edit(a1, "tags: [", "tags: [Нова мітка, "),  # a new tag
        lambda: edit(a1, "date: 2025-02-02", "date: 2025-03-15"),  # moves to another month
        lambda: edit(a0, "---\n", "---\ndraft: true\n"),  # becomes a draft: gone everywhere
        lambda: (site / "seeds/2025/05/new.md").write_text(
            '---\ntitle: "Свіжа"\ndate: 2026-05-05T10:00:00+03:00\ntags: [НАТО]\n---\nТекст.\n', "utf-8"
        ),
        lambda: (site / "seeds/2025/03/a2.md").unlink() or site / "seeds/2025/03/a2.md",
        lambda: edit(site / "themes/default/templates/base.html", "<main", "<!-- edited -->\n<main"),
        lambda: edit(site / "sitegen.yaml", "Великий дайджест", "Інша назва"),
        lambda: edit(site / "themes/default/static/css/style.css", "}", "}\n.edited { color: red; }"),
    ]
    for step in steps:
        changed = step()
        assert_same(builder, site, out, [changed] if isinstance(changed, Path) else [])


def test_builder_rereads_a_file_rewritten_within_one_timestamp_tick(site: Path) -> None:
    builder = Engine(site, EngineOptions(base_url=BASE))
    page = site / "seeds/2025/01/a0.md"
    builder.build_in_memory()
    stamp = time.time_ns()
    page.write_text(page.read_text("utf-8").replace("Україна НАТО", "Україна ОБСЄ", 1), "utf-8")
    os.utime(page, ns=(stamp, stamp))
    first = builder.build_in_memory().outputs  # reads the file right after it was written: a racy entry
    url = "2025/01/a0/index.html"
    assert "ОБСЄ".encode() in first[url]
    page.write_text(page.read_text("utf-8").replace("Україна ОБСЄ", "Україна ЄСПЛ", 1), "utf-8")
    os.utime(page, ns=(stamp, stamp))  # same size, same mtime, same inode as the cached entry
    assert "ЄСПЛ".encode() in builder.build_in_memory().outputs[url]


def test_builder_reuses_unchanged_outputs_on_a_body_edit(site: Path) -> None:
    builder = Engine(site, EngineOptions(base_url=BASE))
    builder.build_in_memory()
    time.sleep(0.15)  # past the racy window, so the second build trusts the stat cache
    builder.build_in_memory()
    page = edit(site / "seeds/2025/01/a0.md", "Україна НАТО", "Зовсім новий текст")
    built = builder.build_in_memory([page])
    assert not built.full
    # the search page names the (fingerprinted) index, which holds the lead of the body
    assert "search/index.html" in built.changed
    pages = [p for p in built.changed if p.endswith(".html") and p != "search/index.html"]
    assert len(pages) == 1 and pages[0] == "2025/01/a0/index.html", built.changed  # lists show no body
    assert "feed.xml" in built.changed and "feed.json" in built.changed  # the site feeds carry the body


def test_builder_error_then_fix_recovers(site: Path, tmp_path: Path) -> None:
    builder = Engine(site, EngineOptions(base_url=BASE))
    builder.build_in_memory()
    page = edit(site / "seeds/2025/01/a0.md", "title:", "title: [unclosed")
    with pytest.raises(SitegenError) as info:
        builder.build_in_memory([page])
    assert "seeds/2025/01/a0.md" in info.value.format()
    edit(page, "title: [unclosed", "title:")
    assert_same(builder, site, tmp_path / "out", [page])


def test_builder_broken_config_is_a_build_error(site: Path) -> None:
    builder = Engine(site, EngineOptions(base_url=BASE))
    builder.build_in_memory()
    (site / "sitegen.yaml").write_text("title: [\n", "utf-8")
    with pytest.raises(SitegenError) as info:
        builder.build_in_memory([site / "sitegen.yaml"])
    assert info.value.format().startswith("sitegen.yaml:")


def test_render_cache_defers_a_slow_kind_for_one_render() -> None:
    from sitegen.render.cache import RenderCache

    cache = RenderCache()
    assert cache.memo("search", "", ("v1",), lambda: "index-1") == "index-1"
    cache.deferrable = frozenset({"search"})
    assert cache.get("search", "", ("v2",)) == "index-1" and cache.deferred  # stale, and says so
    cache.deferrable = frozenset()
    assert cache.memo("search", "", ("v2",), lambda: "index-2") == "index-2"
    assert cache.get("tag", "x", 1) is None  # kinds never stored are misses either way


def test_builder_body_only_edits_take_the_short_path_and_still_match(site: Path, tmp_path: Path) -> None:
    builder = Engine(site, EngineOptions(base_url=BASE))
    builder.build_in_memory()
    a0, a1 = site / "seeds/2025/01/a0.md", site / "seeds/2025/02/a1.md"
    edit(a0, "---\n", "---\ndraft: true\n")  # a draft: its body edits touch no page
    assert_same(builder, site, tmp_path / "out", [a0])
    edit(a0, "Україна НАТО", "Тільки текст чернетки")
    assert_same(builder, site, tmp_path / "out", [a0])
    edit(a1, "Україна НАТО", "Тільки текст")  # body only: the short path
    assert_same(builder, site, tmp_path / "out", [a1])
    edit(a1, "title:", "extra: {note: x}\ntitle:")  # the editor's own data: front matter changed, the full path
    assert_same(builder, site, tmp_path / "out", [a1])
