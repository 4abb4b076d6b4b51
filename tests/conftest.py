"""Shared test helpers: inline mini-sites (Hugo txtar style), CLI runs, tree digests, `--update-golden`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

MINIMAL_CONFIG = """\
title: "Тестовий дайджест"
base_url: "https://example.org/"
language: uk
timezone: Europe/Kyiv
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def write_tree(root: Path, txtar: str) -> Path:
    """Write `-- path --` sections of `txtar` under `root`; a missing sitegen.yaml gets a minimal one."""
    txtar = textwrap.dedent(txtar)
    current: str | None = None
    chunks: dict[str, list[str]] = {}
    for line in txtar.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("-- ") and stripped.endswith(" --") and len(stripped) > 6:
            current = stripped[3:-3].strip()
            chunks[current] = []
        elif current is not None:
            chunks[current].append(line)
    for rel, lines in chunks.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(lines), encoding="utf-8")
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "sitegen.yaml").exists():
        (root / "sitegen.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (root / "seeds").mkdir(exist_ok=True)
    return root


@pytest.fixture
def make_site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`make_site(txtar)` -> site folder with those files (Hugo txtar-style inline mini-sites)."""

    def make(txtar: str = "", name: str = "site") -> Path:
        return write_tree(tmp_path / name, txtar)

    return make


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Run `python -m sitegen ARGS` in a subprocess, as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones too) -> sha256 of its bytes."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def copy_seed_site(dest: Path) -> Path:
    """A copy of the repo's example digest (config, seeds with their pictures, media/) to build in isolation."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "sitegen.yaml", dest / "sitegen.yaml")
    shutil.copytree(REPO / "seeds", dest / "seeds")
    shutil.copytree(REPO / "media", dest / "media")
    return dest


def many_pages(site: Path, count: int) -> Path:
    """A site with `count` generated articles (for progress and interruption tests), all in the past (2025)."""
    (site / "sitegen.yaml").parent.mkdir(parents=True, exist_ok=True)
    (site / "sitegen.yaml").write_text('title: "Великий дайджест"\nbase_url: "https://example.org/"\n', "utf-8")
    words = "Україна НАТО переговори безпека Брюссель делегація парламент гарантії війна мир".split()
    for i in range(count):
        month = 1 + i % 12
        folder = site / "seeds" / "2025" / f"{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        tags = ", ".join(words[(i + k) % len(words)] for k in range(3))
        body = "\n\n".join(" ".join(words[(i + k) % len(words)] for k in range(60)) for _ in range(6))
        (folder / f"a{i}.md").write_text(
            f'---\ntitle: "Новина номер {i}: {words[i % len(words)]}"\n'
            f"date: 2025-{month:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00+02:00\n"
            f'tags: [{tags}]\nsummary: "Короткий опис новини {i}."\n---\n{body}\n',
            "utf-8",
        )
    return site
