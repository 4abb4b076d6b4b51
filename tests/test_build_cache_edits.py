"""The cached build after one edit (issue 18): what the search pieces hold, compiled templates kept on disk.

The search pieces refer to the articles' search entries instead of holding copies (a body edit rewrote
two thirds of the cache's bytes); a cached build loads compiled templates from `.sitegen-cache/build.templates/`
instead of compiling them, and compiles an edited one again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Environment

import sitegen.render.theme
from sitegen.buildcache import PIECES_DIR, cache_path
from sitegen.render.theme import COMPILED_DIR
from tests.conftest import REPO, run_interrupted, run_main
from tests.test_build_cache import _pages, assert_same_as_clean, cached
from tests.test_build_cache import site as site  # noqa: F401 - the fixture


def _pieces_holding(site: Path, text: str) -> list[str]:
    needle = text.encode("utf-8")
    return [p.name for p in (cache_path(site).parent / PIECES_DIR).iterdir() if needle in p.read_bytes()]


@pytest.mark.timeout(60)
def test_an_article_search_text_is_kept_once_and_edits_still_equal_a_clean_build(
    site: Path,
    tmp_path: Path,  # noqa: F811
) -> None:
    page = _pages(site)[0]  # the oldest: not in the site feed, whose entries carry bodies
    page.write_text(page.read_text("utf-8") + "\nНеповторнеслово перше.\n", "utf-8")
    cached(site)
    assert len(_pieces_holding(site, "Неповторнеслово перше")) == 1  # its page shard; the search pieces refer to it
    page.write_text(page.read_text("utf-8").replace("перше", "друге"), "utf-8")
    cached(site)
    assert len(_pieces_holding(site, "Неповторнеслово друге")) == 1
    assert _pieces_holding(site, "Неповторнеслово перше") == []
    cached(site)  # (from the pieces kept: every reference still names its article's entry)
    assert_same_as_clean(site, tmp_path)
    other = _pages(site)[1]
    other.write_text(other.read_text("utf-8") + "\nЩе один абзац.\n", "utf-8")
    cached(site)  # the search pieces are written again, the first page's shard is kept
    assert len(_pieces_holding(site, "Неповторнеслово друге")) == 1
    assert_same_as_clean(site, tmp_path)


def _count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    real = Environment.compile

    def spy(self: Environment, source: object, name: str | None = None, *args: object, **kw: object) -> object:
        compiled.append(str(name))
        return real(self, source, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "compile", spy)
    return compiled


@pytest.mark.timeout(60)
def test_a_cached_build_loads_compiled_templates_and_compiles_an_edited_one_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached(site)
    assert any((cache_path(site).parent / COMPILED_DIR).iterdir())
    compiled = _count_compiles(monkeypatch)
    monkeypatch.setattr(sitegen.render.theme._COMPILED, "code", {})  # as a new process: nothing in memory
    page = _pages(site)[2]
    page.write_text(page.read_text("utf-8") + "\nАбзац.\n", "utf-8")
    assert cached(site).reused > 0
    assert compiled == []
    template = site / "themes" / "default" / "templates" / "article.html"
    template.write_text(template.read_text("utf-8").replace("</article>", "<p>Нова примітка</p></article>"), "utf-8")
    monkeypatch.setattr(sitegen.render.theme._COMPILED, "code", {})
    cached(site)
    assert "article.html" in compiled
    assert any("Нова примітка" in p.read_text("utf-8") for p in (site / "site").rglob("index.html"))
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(60)
def test_a_damaged_compiled_template_is_compiled_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached(site)
    for kept in (cache_path(site).parent / COMPILED_DIR).iterdir():
        kept.write_bytes(kept.read_bytes()[: len(kept.read_bytes()) // 2])
    monkeypatch.setattr(sitegen.render.theme._COMPILED, "code", {})
    shutil.rmtree(site / "site")
    cached(site)
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(60)
def test_temp_files_of_a_build_killed_saving_compiled_templates_are_removed(site: Path) -> None:  # noqa: F811
    cached(site)
    folder = cache_path(site).parent / COMPILED_DIR
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, timeout=30)
    leftover = folder / f".{next(folder.iterdir()).name}.{int(dead.stdout)}.0a1b2c3d.tmp"  # (write_atomic's name)
    saving = folder / f".{next(folder.iterdir()).name}.{os.getppid()}.0a1b2c3d.tmp"  # a build saving now
    leftover.write_bytes(b"half a template")
    saving.write_bytes(b"half a template")
    cached(site)
    assert not leftover.exists() and saving.exists()


@pytest.mark.timeout(90)
def test_ctrl_c_after_the_swap_says_the_new_site_is_in_place(site: Path, tmp_path: Path) -> None:  # noqa: F811
    for _ in range(2):  # (the second build has a spare to swap with)
        assert run_main("build", "-q", "--site", str(site)).code == 0
    page = _pages(site)[4]
    page.write_text(page.read_text("utf-8") + "\nПісля обміну.\n", "utf-8")
    run = run_interrupted("swapped", signal.SIGINT, True, "build", "-q", "--site", str(site))
    assert (run.code, run.out) == (130, "signal sent while swapped\n"), run.err
    assert run.err.endswith(f"interrupted: the new output was already in place in {site.resolve() / 'site'}\n")
    assert any("Після обміну." in p.read_text("utf-8") for p in (site / "site").rglob("index.html"))
    run = run_interrupted("writing", signal.SIGINT, True, "build", "-q", "--site", str(site))
    assert run.err.endswith("interrupted: the previous output was left as it was\n"), run.err
    assert run_main("build", "-q", "--site", str(site)).code == 0
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(60)
def test_a_build_without_new_pictures_does_not_import_pillow(site: Path) -> None:  # noqa: F811
    script = (
        "import sys; from sitegen.cli import main; code = main(['build', '-q', '--site', sys.argv[1]]); "
        "print(code, 'PIL' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True, text=True, timeout=50, env=env)
    assert run.stdout == "0 False\n", run.stderr
