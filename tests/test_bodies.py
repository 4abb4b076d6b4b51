"""A build keeps no article bodies in memory (`content/bodies.py`): each is read from its file again to render it.

The bodies read back are the ones a model with bodies in memory holds (BOM, CRLF, empty bodies,
astral characters); a source edited, replaced or deleted between loading and rendering is an error
that names the file (never a page made of two versions), the previous site stays as it was, and the
next build is a clean build's.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from sitegen.content.load import build_site
from sitegen.engine import Engine, EngineOptions
from sitegen.errors import ErrorList, SitegenError
from sitegen.output.writer import MARKER
from sitegen.render import pipeline
from sitegen.source.files import read_sources
from tests.conftest import REPO, many_pages, tree_digest

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAGES = 12

TEXTS = {
    "bom-crlf.md": "\ufeff---\r\ntitle: Перша\r\ndate: 2025-01-02T10:00:00+02:00\r\n---\r\nРядок 1\r\n\r\nРядок 2\r\n",
    "cr-only.md": "---\rtitle: Друга\rdate: 2025-01-03T10:00:00+02:00\r---\rСтарий Mac\r",
    "empty-body.md": "---\ntitle: Третя\ndate: 2025-01-04T10:00:00+02:00\n---",
    "blank-lead.md": "---\ntitle: Четверта\ndate: 2025-01-05T10:00:00+02:00\n...\n\n\n# Заголовок\n\n😀 𝔘 emoji і ґ\n",
    "dashes.md": "---\ntitle: П'ята\ndate: 2025-01-06T10:00:00+02:00\n---\n---\nтекст після рядка ---\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = many_pages(tmp_path / "s", PAGES)
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")
    return site


def _lean_and_kept(site: Path) -> tuple[dict[str, str], dict[str, str]]:
    engine = Engine(site, EngineOptions(future=True, lean=True), clock=lambda: NOW)
    lean = engine.load()
    config = engine.load_config()
    sources, problems = read_sources(config.site_dir, config.seeds_dir)
    assert problems == []
    kept = build_site(config, sources, future=True, now=NOW)
    assert all(p.body_source.inline is None for p in lean.pages.values()), "a lean model kept a body"
    return {i: p.body for i, p in lean.pages.items()}, {i: p.body for i, p in kept.pages.items()}


@pytest.mark.timeout(60)
def test_bodies_read_back_equal_the_bodies_in_memory(site: Path) -> None:
    for name, text in TEXTS.items():
        (site / "seeds" / "2025" / "01" / name).write_bytes(text.encode("utf-8"))
    lean, kept = _lean_and_kept(site)
    assert lean == kept
    assert kept["seeds/2025/01/bom-crlf.md"] == "Рядок 1\n\nРядок 2\n"
    assert kept["seeds/2025/01/empty-body.md"] == ""
    assert kept["seeds/2025/01/dashes.md"] == "---\nтекст після рядка ---\n"


@pytest.mark.timeout(60)
def test_a_lean_page_equals_an_inline_one_with_the_same_body(site: Path) -> None:
    """The render cache compares pages: where a body is kept must not make two equal pages differ."""
    engine = Engine(site, EngineOptions(lean=True), clock=lambda: NOW)
    lean = engine.load()
    config = engine.load_config()
    kept = build_site(config, read_sources(config.site_dir, config.seeds_dir)[0], now=NOW)
    assert dict(lean.pages) == dict(kept.pages)


def _edit_when_rendering(edit: Callable[[], None]) -> Callable[[str], None]:
    def phase(name: str) -> None:
        if name == "rendering":
            edit()

    return phase


def _first_page(site: Path) -> Path:
    return min((site / "seeds").rglob("*.md"))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("how", ["edited", "deleted", "replaced by other bytes"])
def test_a_source_changed_between_load_and_render_is_an_error(
    site: Path, monkeypatch: pytest.MonkeyPatch, workers: int, how: str
) -> None:
    monkeypatch.setattr(pipeline, "worker_count", lambda pages: workers)
    out = site / "site"
    build(site, BuildOptions(out_dir=out, cache=True, now=NOW))
    before = tree_digest(out)
    page = _first_page(site)
    rel = page.relative_to(site).as_posix()

    def edit() -> None:
        if how == "edited":
            page.write_text(page.read_text("utf-8") + "\nДописано під час збірки.\n", "utf-8")
        elif how == "deleted":
            page.unlink()
        else:
            page.write_bytes(b"\xff\xfe not utf-8")

    original = page.read_bytes()
    # Edited before the build too, so the build reads it and renders it again: a page it neither reads nor renders
    # (its stamp unchanged since the last build) is published as it was when the build began, a snapshot, and
    # the next build sees the new stamp.
    page.write_text(page.read_text("utf-8") + "\nПравка перед збіркою.\n", "utf-8")
    with pytest.raises(SitegenError) as caught:
        build(site, BuildOptions(out_dir=out, cache=True, now=NOW, phase=_edit_when_rendering(edit)))
    errors = caught.value.errors if isinstance(caught.value, ErrorList) else [caught.value]
    assert [(e.path, "changed while the site was being built" in e.message) for e in errors] == [(rel, True)]
    assert tree_digest(out) == before, "the failed build touched the previous site"
    assert [p.name for p in site.glob(".site.*")] == [".site.sitegen-spare"] and (out / MARKER).exists()

    page.write_bytes(original + "\nПравка після збірки.\n".encode())
    build(site, BuildOptions(out_dir=out, cache=True, now=NOW))
    clean = site.parent / "clean"
    build(site, BuildOptions(out_dir=clean, cache=False, now=NOW))
    assert tree_digest(out) == tree_digest(clean)
    assert "Правка після збірки" in (out / "2025" / "01" / page.stem / "index.html").read_text("utf-8")


@pytest.mark.timeout(60)
def test_the_cli_reports_a_page_changed_during_the_build_in_one_line(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sitegen.cli import main

    page = _first_page(site)
    real_render = Engine.render

    def render_after_an_edit(self: Engine, *args: object, **kw: object) -> object:
        page.write_text(page.read_text("utf-8") + "\nЩе абзац.\n", "utf-8")
        return real_render(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "render", render_after_an_edit)
    code = main(["build", "-q", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    rel = page.relative_to(site).as_posix()
    lines = [line for line in err.splitlines() if "changed while the site was being built" in line]
    assert len(lines) == 1 and rel in lines[0], err
