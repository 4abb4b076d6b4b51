"""The render phase: pure, complete, and the same whatever the number of worker processes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build, load_site
from sitegen.config import load_config
from sitegen.content import load as load_module
from sitegen.content.load import LoadCache, build_site
from sitegen.content.model import Site
from sitegen.errors import SitegenError
from sitegen.render.cache import RenderCache
from sitegen.render.parallel import CHUNK, PARALLEL_MIN_PAGES, worker_count
from sitegen.render.pipeline import render_site
from sitegen.render.theme import load_theme
from sitegen.source.files import SourceStream
from tests.conftest import count_forks, many_pages, tree_digest

MANY = 2 * CHUNK + 20
"""Articles enough for three chunks over two workers (one takes two): what sharing the work out can get wrong.
The workers are asked for explicitly, so the site need not be as large as PARALLEL_MIN_PAGES."""


@pytest.mark.timeout(60)  # forked workers
def test_render_site_parallel_output_equals_serial(tmp_path: Path) -> None:
    site_dir = many_pages(tmp_path / "s", MANY)
    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    serial = render_site(site, theme, workers=0)
    parallel = render_site(site, theme, workers=2)
    assert [(o.out_path, o.data) for o in parallel] == [(o.out_path, o.data) for o in serial]
    assert len(serial) > MANY
    assert not list(tmp_path.rglob("index.html"))  # rendering writes nothing


def test_render_site_small_sites_stay_in_one_process() -> None:
    assert worker_count(PARALLEL_MIN_PAGES - 1) == 0
    assert worker_count(PARALLEL_MIN_PAGES) >= 1


@pytest.mark.timeout(60)  # forked workers
def test_render_site_worker_errors_are_reported_like_serial_ones(tmp_path: Path) -> None:
    import pytest

    from sitegen.errors import SitegenError

    site_dir = many_pages(tmp_path / "s", MANY)
    templates = site_dir / "themes" / "broken" / "templates"
    templates.mkdir(parents=True)
    (templates / "article.html").write_text("<p>{{ article.no_such_field }}</p>\n", "utf-8")
    with (site_dir / "sitegen.yaml").open("a", encoding="utf-8") as fh:
        fh.write("theme: broken\n")
    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    messages = []
    for workers in (0, 2):
        with pytest.raises(SitegenError) as caught:
            render_site(site, theme, workers=workers)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("themes/broken/templates/article.html:1: 'dict object' has no attribute ")
    source_line = "\n    <p>{{ article.no_such_field }}</p>"
    assert messages[0].endswith(f" and {MANY - 1} more pages){source_line}")


def _mixed_site(root: Path) -> Path:
    """`many_pages` and, among them, every kind of file the loader treats apart: one it cannot decode, broken front
    matter, a missing title, a draft, a page with `slug:` and `aliases:`, and an edition page."""
    site_dir = many_pages(root, MANY)
    seeds = site_dir / "seeds" / "2025"
    (seeds / "03" / "latin.md").write_bytes('---\ntitle: "Café"\ndate: 2025-03-01\n---\nTexte.\n'.encode("latin-1"))
    (seeds / "05" / "broken.md").write_text('---\ntitle: "Зламана\ndate: 2025-05-01\n---\nТекст.\n', "utf-8")
    (seeds / "07" / "untitled.md").write_text("---\ndate: 2025-07-01\n---\nТекст.\n", "utf-8")
    (seeds / "08" / "draft.md").write_text('---\ntitle: "Чернетка"\ndate: 2025-08-01\ndraft: true\n---\nТ.\n', "utf-8")
    (seeds / "09" / "moved.md").write_text(
        '---\ntitle: "Переїхала"\ndate: 2025-09-01\nslug: pereikhala\naliases:\n  - /old/pereikhala/\n---\nТ.\n',
        "utf-8",
    )
    (site_dir / "seeds" / "editions").mkdir()
    (site_dir / "seeds" / "editions" / "2025-w10.md").write_text('---\ntitle: "Тиждень"\n---\nВступ.\n', "utf-8")
    return site_dir


def _load_both_ways(site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """What `build_site` makes of `site_dir` read from disk (`lean`) with an empty cache: by this process alone,
    then with a forked worker; the site (or the problems' text), the cache entries and the read problems."""
    config = load_config(site_dir)
    made: list[tuple[object, ...]] = []
    for parallel in (False, True):
        monkeypatch.setattr(load_module, "PARALLEL_MIN_SOURCES", 2 if parallel else 10**9)
        cache = LoadCache()
        problems: list[SitegenError] = []
        stream = SourceStream(config.site_dir, config.seeds_dir, problems, cache.known(config.timezone))
        try:
            outcome: object = build_site(config, stream, now=NOW, read_problems=problems, cache=cache, lean=True)
        except SitegenError as exc:
            outcome = str(exc)
        entries = {
            rel: (digest, item, [(type(p), str(p), p.path, p.line) for p in found])
            for rel, (digest, item, found) in cache.entries.items()
        }
        made.append((outcome, entries, list(cache.stats), [str(p) for p in problems]))
    return made


NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.timeout(60)  # forked workers
def test_load_with_a_worker_makes_what_one_process_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site_dir = _mixed_site(tmp_path / "s")
    forked = count_forks(monkeypatch, load_module)
    monkeypatch.setattr(load_module, "LOAD_BLOCK", 8)  # several blocks each way
    alone, shared = _load_both_ways(site_dir, monkeypatch)
    assert forked == [1]  # the second way only
    assert isinstance(alone[0], str) and "latin.md" in alone[0] and "untitled.md" in alone[0]
    assert shared == alone  # the same problems, in the same order
    for name in ("latin.md", "broken.md", "untitled.md"):
        (next(site_dir.rglob(name))).unlink()
    forked.clear()
    alone, shared = _load_both_ways(site_dir, monkeypatch)
    assert forked == [1]
    assert isinstance(alone[0], Site) and len(alone[0].pages) == MANY + 1 and alone[0].editions
    assert shared == alone
    site = shared[0]
    assert isinstance(site, Site)
    pages = list(site.pages.values())
    layouts = {tuple(p.key_lines.items()) for p in pages}
    assert len({id(p.key_lines) for p in pages}) == len(layouts) < 5  # shared again after the pickle
    assert len({id(tag) for p in pages for tag in p.meta.tags if tag == "НАТО"}) == 1  # names too


@pytest.mark.timeout(120)  # forked workers
def test_build_with_a_load_worker_writes_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site_dir = _mixed_site(tmp_path / "s")
    for name in ("latin.md", "broken.md", "untitled.md"):
        (next(site_dir.rglob(name))).unlink()
    forked = count_forks(monkeypatch, load_module)
    trees = []
    for parallel in (False, True):
        monkeypatch.setattr(load_module, "PARALLEL_MIN_SOURCES", 2 if parallel else 10**9)
        build(site_dir, BuildOptions(now=NOW, cache=True, out_dir=tmp_path / f"out-{parallel}"))
        trees.append(tree_digest(tmp_path / f"out-{parallel}"))
    assert forked == [1]
    assert trees[0] == trees[1] and len(trees[0]) > MANY


@pytest.mark.timeout(60)  # forked workers
def test_lists_made_by_a_worker_are_kept_in_this_process_cache(tmp_path: Path) -> None:
    """The list pages are made by a worker's copy of the render cache: this process's cache adopts what it made, so
    the next render reuses them (hits), with the same bytes."""
    site_dir = many_pages(tmp_path / "s", MANY)
    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    cache = RenderCache()
    first = render_site(site, theme, workers=2, cache=cache)
    assert cache.hits == 0
    again = render_site(site, theme, workers=0, cache=cache)
    assert [(o.out_path, o.data) for o in again] == [(o.out_path, o.data) for o in first]
    assert cache.misses == 0 and cache.hits > MANY + len(site.tags)  # every article, list page and feed reused


@pytest.mark.timeout(60)  # forked workers
def test_a_list_page_error_in_a_worker_is_raised_like_a_serial_one(tmp_path: Path) -> None:
    site_dir = many_pages(tmp_path / "s", MANY)
    templates = site_dir / "themes" / "broken" / "templates"
    templates.mkdir(parents=True)
    (templates / "tag.html").write_text("<p>{{ tag.no_such_field.deeper }}</p>\n", "utf-8")
    with (site_dir / "sitegen.yaml").open("a", encoding="utf-8") as fh:
        fh.write("theme: broken\n")
    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    messages = []
    for workers in (0, 2):
        with pytest.raises(SitegenError) as caught:
            render_site(site, theme, workers=workers)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("themes/broken/templates/tag.html:1: ")
