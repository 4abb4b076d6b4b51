"""The command line as a user meets it: version, help, exit codes, output noise, progress, Ctrl-C."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import __version__
from tests.conftest import (
    REPO,
    copy_seed_site,
    finish,
    many_pages,
    run_cli,
    run_interrupted,
    run_main,
    tree_digest,
)

# Every test here runs `sitegen` in a process of its own or in this one; none may take long.
pytestmark = pytest.mark.timeout(60)

SUMMARY = re.compile(r"^built (\d+) articles, (\d+) tags, (\d+) feeds: (\d+) files in (.+)/ \((\d+) ms\)$")


def test_cli_version_prints_package_version() -> None:
    result = run_cli("--version")
    assert (result.code, result.out.strip()) == (0, f"sitegen {__version__}")


@pytest.mark.parametrize("command", ["build", "import"])
def test_cli_help_for_every_command(command: str) -> None:
    result = run_main(command, "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: sitegen {command}")
    assert "--site DIR" in result.out and "--quiet" in result.out and "--verbose" in result.out


def test_cli_bad_usage_exits_2() -> None:
    assert run_main("build", "--no-such-option").code == 2
    assert run_main().code == 2
    assert run_main("frobnicate").code == 2


def test_cli_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts.get("sitegen") == "sitegen.cli:run"


def test_cli_build_prints_one_summary_line(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    result = run_cli("build", "--site", str(site), cwd=tmp_path)
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    articles, tags, feeds, files = (int(match.group(i)) for i in range(1, 5))
    # + 2 rubric and 1 author feeds, site Atom, JSON Feed, 2 edition feeds
    assert articles == 2 and tags == 6 and feeds == tags + 3 + 2 + 2
    assert files == len(tree_digest(site / "site"))
    assert match.group(5) == "s/site"


def test_cli_quiet_prints_nothing(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    result = run_main("build", "-q", "--site", str(site))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert (site / "site" / "index.html").is_file()


def test_cli_verbose_names_the_phases(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    result = run_main("build", "-v", "--site", str(site))
    assert result.code == 0
    assert "found 4 source files" in result.err
    assert "rendering 2 articles, 6 tags" in result.err
    assert re.search(r"writing \d+ files to ", result.err)


def test_cli_user_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    site = tmp_path / "s"
    (site / "seeds").mkdir(parents=True)
    (site / "sitegen.yaml").write_text('title: "T"\nbase_url: "https://example.org/"\nper_pge: 3\n', "utf-8")
    result = run_main("build", "--site", str(site))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert result.err == "error: sitegen.yaml:3: unknown key 'per_pge' (did you mean 'per_page'?)\n    per_pge: 3\n"


def test_cli_base_url_override_changes_links(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    assert run_main("build", "-q", "--site", str(site), "--base-url", "http://127.0.0.1:9/").code == 0
    home = (site / "site" / "index.html").read_text("utf-8")
    assert 'href="/tags/"' in home and "/digest/" not in home


def test_cli_drafts_flag_includes_drafts(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    page = next((site / "seeds" / "2026").rglob("*.md"))
    page.write_text(page.read_text("utf-8").replace("draft: false", "draft: true"), "utf-8")
    assert run_main("build", "-q", "--site", str(site)).code == 0
    without = tree_digest(site / "site")
    assert run_main("build", "-q", "--site", str(site), "--drafts", "--out", str(tmp_path / "with")).code == 0
    with_drafts = tree_digest(tmp_path / "with")
    slug = page.stem
    assert not any(slug in path for path in without)
    assert any(slug in path for path in with_drafts)


def test_cli_two_builds_are_byte_identical(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    assert run_main("build", "-q", "--site", str(site), "--out", str(tmp_path / "one")).code == 0
    assert run_main("build", "-q", "--site", str(site), "--out", str(tmp_path / "two")).code == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_cli_progress_shows_on_a_terminal(tmp_path: Path) -> None:
    site = many_pages(tmp_path / "s", 120)
    primary, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "SITEGEN_PROGRESS_DELAY": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site)],
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    out, _ = finish(proc)
    os.close(primary)
    assert proc.returncode == 0
    assert SUMMARY.match(out.decode().strip())
    text = seen.decode()
    bar = r"\rrendering \[([#.]{24})\] (\d+)/(\d+) +(\d+)% ([\d,]+)/s (ETA )?\d+ s\x1b\[K"
    counts = [(int(d), int(t)) for _, d, t, *_ in re.findall(bar, text)]
    assert len(counts) >= 2, text
    assert [d for d, _ in counts] == sorted(d for d, _ in counts) and counts[0][0] < counts[-1][0]
    assert counts[-1] == (130, 130)  # 120 articles + 10 tags
    assert re.findall(bar, text)[-1][0] == "#" * 24
    phases = re.findall(r"\r(loading|rendering|writing)", text)
    assert phases[0] == "loading" and phases[-1] == "writing", phases  # each step says what it does
    assert text.endswith("\r\x1b[K")  # the progress line is cleared before the summary


def test_cli_progress_not_a_terminal_one_summary_line(tmp_path: Path) -> None:
    site = many_pages(tmp_path / "s", 40)
    env = {**os.environ, "PYTHONPATH": str(REPO), "SITEGEN_PROGRESS_DELAY": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site)],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stderr == b""
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1 and SUMMARY.match(lines[0]), lines


@pytest.fixture(scope="session")  # (session: one build per test process, whatever order xdist runs the tests in)
def interrupt_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site with enough pages for two chunks of render work (the driver forks workers from 8 pages)."""
    site = many_pages(tmp_path_factory.mktemp("interrupt") / "s", 80)
    assert run_main("build", "-q", "--no-cache", "--site", str(site)).code == 0  # (no cache, so no spare beside it)
    return site


@pytest.mark.parametrize(
    ("phase", "sig", "group", "code"),
    [
        ("loading", signal.SIGINT, False, 130),
        ("rendering", signal.SIGINT, False, 130),
        ("rendering", signal.SIGINT, True, 130),
        ("writing", signal.SIGINT, False, 130),
        ("writing", signal.SIGINT, True, 130),
        ("rendering", signal.SIGTERM, False, 143),
    ],
    ids=["sigint-loading", "sigint-rendering", "ctrl-c-rendering", "sigint-writing", "ctrl-c-writing", "sigterm"],
)
@pytest.mark.xdist_group("interrupt")  # interrupt_site built on one worker, not on each
def test_cli_interrupted_build_leaves_previous_site(
    interrupt_site: Path, phase: str, sig: signal.Signals, group: bool, code: int
) -> None:
    site = interrupt_site
    before = tree_digest(site / "site")
    page = site / "seeds" / "2025" / "01" / "a0.md"
    original = page.read_text("utf-8")
    page.write_text(original.replace("Новина номер 0", "Змінена новина"), "utf-8")  # a finished build would show it
    try:
        run = run_interrupted(phase, sig, group, "build", "-v", "--no-cache", "--site", str(site))  # (a full build)
    finally:
        page.write_text(original, "utf-8")
    status, out, err = run.code, run.out, run.err
    assert out == f"signal sent while {phase}\n", err
    assert status == code, err
    assert "Traceback" not in err
    said = {"loading": "found 80 source files", "rendering": "rendering 80 articles", "writing": "writing "}
    assert said[phase] in err, err  # the build had reached the phase by its own account
    assert err.endswith("interrupted: the previous output was left as it was\n"), err
    assert tree_digest(site / "site") == before
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".site.")]
    assert leftovers == []
    assert not list((site / "site").glob(".*tmp*"))


@pytest.mark.xdist_group("interrupt")
def test_cli_ctrl_c_while_forking_workers_stops_the_build(interrupt_site: Path) -> None:
    """Fault 9: a Ctrl-C that lands inside `fork()` was swallowed ("Exception ignored") and the build went on."""
    site = interrupt_site
    before = tree_digest(site / "site")
    # (--no-cache: a cached build may fork no workers)
    run = run_interrupted("forking", signal.SIGINT, False, "build", "--no-cache", "--site", str(site))
    assert (run.code, run.out) == (130, "signal sent while forking\n"), run.err
    assert run.err == "interrupted: the previous output was left as it was\n"
    assert tree_digest(site / "site") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".site.")] == []
