"""The render phase: pure, complete, and the same whatever the number of worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import BuildOptions, load_site
from sitegen.render.parallel import PARALLEL_MIN_PAGES, worker_count
from sitegen.render.pipeline import render_site
from sitegen.render.theme import load_theme
from tests.conftest import many_pages


@pytest.mark.timeout(60)  # forked workers
def test_render_site_parallel_output_equals_serial(tmp_path: Path) -> None:
    site_dir = many_pages(tmp_path / "s", PARALLEL_MIN_PAGES + 20)
    config, site = load_site(site_dir, BuildOptions())
    theme = load_theme(config)
    serial = render_site(site, theme, workers=0)
    parallel = render_site(site, theme, workers=2)
    assert [(o.out_path, o.data) for o in parallel] == [(o.out_path, o.data) for o in serial]
    assert len(serial) > PARALLEL_MIN_PAGES
    assert not list(tmp_path.rglob("index.html"))  # rendering writes nothing


def test_render_site_small_sites_stay_in_one_process() -> None:
    assert worker_count(PARALLEL_MIN_PAGES - 1) == 0
    assert worker_count(PARALLEL_MIN_PAGES) >= 1


@pytest.mark.timeout(60)  # forked workers
def test_render_site_worker_errors_are_reported_like_serial_ones(tmp_path: Path) -> None:
    import pytest

    from sitegen.errors import SitegenError

    site_dir = many_pages(tmp_path / "s", PARALLEL_MIN_PAGES + 5)
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
    assert messages[0].endswith(f" and {PARALLEL_MIN_PAGES + 4} more pages){source_line}")
