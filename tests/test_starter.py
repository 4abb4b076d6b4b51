"""`sitegen init`: a new digest in an empty and a non-empty folder, and the README's "Start a new digest" walk."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from sitegen.build import BuildOptions, build
from sitegen.check import check_site
from sitegen.config import FIELDS, load_config
from sitegen.starter import init_site
from tests.conftest import REPO, run_main, tree_digest

NOW = datetime(2026, 2, 12, 16, 10, tzinfo=UTC)
EXAMPLE = "seeds/2026/02/laskavo-prosymo-do-daidzhestu.md"


def test_init_in_a_missing_folder_makes_a_site_that_builds_and_checks(tmp_path: Path) -> None:
    site = tmp_path / "new" / "digest"
    report = init_site(site, now=NOW, title="Мій дайджест")
    assert report.created == ["sitegen.yaml", ".gitignore", EXAMPLE] and report.notes == []
    config = load_config(site)
    assert (config.title, config.timezone, config.editions) == ("Мій дайджест", "Europe/Kyiv", "weekly")
    assert (site / ".gitignore").read_text("utf-8").splitlines()[1:] == [
        "/site/",
        "/.site.sitegen-spare/",
        "/.sitegen-cache/",
    ]
    result = build(site, BuildOptions(now=NOW))
    assert result.articles == 1
    assert check_site(site, now=NOW).problems == []


def test_init_config_lists_every_key_with_a_comment_above_it(tmp_path: Path) -> None:
    init_site(tmp_path, now=NOW)
    lines = (tmp_path / "sitegen.yaml").read_text("utf-8").splitlines()
    # every key, set to its default, or commented out where it has no value to show (`# image: …`)
    keys = {m[1]: n for n, line in enumerate(lines) if (m := re.match(r"^(?:# )?([a-z_]+): ", line)) and m[1] in FIELDS}
    assert set(keys) == set(FIELDS)  # a key added to the config must be added (and explained) here too
    for key, n in keys.items():
        assert lines[n - 1].startswith("# "), f"{key} has no comment above it"
    assert set(yaml.safe_load("\n".join(lines))) == set(FIELDS) - {"image"}


def test_init_in_a_non_empty_folder_adds_only_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("Наш дайджест\n", "utf-8")
    (tmp_path / ".gitignore").write_text("*.pyc\nsite/\n", "utf-8")
    (tmp_path / "seeds" / "2025").mkdir(parents=True)
    (tmp_path / "seeds" / "2025" / "old.md").write_text("---\ntitle: Стара\ndate: 2025-01-01\n---\nТекст.\n", "utf-8")
    before = tree_digest(tmp_path)
    run = run_main("init", str(tmp_path), env={"SITEGEN_NOW": NOW.isoformat()})
    assert run.code == 0
    assert run.err == (
        "note: .gitignore kept as it was; add these lines to it: /.site.sitegen-spare/ /.sitegen-cache/\n"
        "note: seeds/ already holds pages: no example page was added\n"
    )
    assert run.out.startswith(f"created {tmp_path}/sitegen.yaml\nA new digest is ready. Next:\n  cd {tmp_path}\n")
    after = tree_digest(tmp_path)
    assert after.keys() - before.keys() == {"sitegen.yaml"}
    assert {k: v for k, v in after.items() if k in before} == before  # nothing that was there changed


def test_init_refuses_a_folder_that_is_a_site_already(tmp_path: Path) -> None:
    (tmp_path / "sitegen.yaml").write_text("title: Старий\n", "utf-8")
    run = run_main("init", cwd=tmp_path)
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        f"error: {tmp_path.resolve()} is a site already: it has sitegen.yaml; nothing was written "
        "(edit that sitegen.yaml, or run sitegen init with another folder)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sitegen.yaml"]


def readme_walk() -> list[str]:
    """The commands of the README's "Start a new digest" block, comments left out."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("\n## Start a new digest\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_and_read(site: Path, args: list[str], path: str) -> str:
    """Run `sitegen serve ARGS` in `site`, wait for its first build, return the page at `path`, stop it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", *args, "--port", str(port)],
        cwd=site,
        env={"PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        lines.extend(line.rstrip("\n") for line in proc.stdout)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("first build") for line in lines):
            assert proc.poll() is None and time.monotonic() < deadline, lines
            time.sleep(0.05)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return str(response.read().decode("utf-8"))
    finally:
        proc.terminate()
        proc.wait(30)
        reader.join(30)
        assert proc.stdout is not None
        proc.stdout.close()


@pytest.mark.timeout(180)
def test_readme_start_a_new_digest_walk(tmp_path: Path) -> None:
    walk = readme_walk()
    assert [shlex.split(c)[:2] for c in walk] == [
        ["sitegen", "init"],
        ["cd", "my-digest"],
        ["sitegen", "new"],
        ["sitegen", "serve"],
        ["sitegen", "publish"],
    ]
    cwd = tmp_path
    env = {"SITEGEN_NOW": NOW.isoformat()}
    page: Path | None = None
    for command in walk:
        argv = shlex.split(command)
        if argv[0] == "cd":
            cwd = cwd / argv[1]
            continue
        if argv[1] == "serve":
            # The README then says: write the article and set `draft: false`; serve shows it.
            assert page is not None
            text = page.read_text("utf-8").replace("draft: true", "draft: false")
            page.write_text(text.replace("Текст статті в Markdown.", "Рютте заявив про підтримку."), "utf-8")
            html = serve_and_read(cwd, argv[1:], "/")
            assert "Перша новина" in html and "Ласкаво просимо до дайджесту" in html
            continue
        run = run_main(*argv[1:], cwd=cwd, env=env)
        assert run.code == 0, (command, run.err)
        if argv[1] == "new":
            page = cwd / run.out.strip()
            assert page.read_text("utf-8").startswith('---\ntitle: "Перша новина"\n')
    public = tmp_path / "public"
    assert (public / "index.html").is_file()
    assert "Рютте заявив про підтримку." in (public / "2026/02/persha-novyna/index.html").read_text("utf-8")
