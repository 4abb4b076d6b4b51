"""Invalid inputs, one folder per case under `tests/sites_invalid/` (Zola's invalid-site tests).

Each case is a whole site. The test first builds a good `site/` in a copy of it, then puts the case's
files in place and runs `sitegen build` through the CLI, in this process (no case needs one of its
own). It asserts exit 1, the *whole* message on stderr (`expected.txt`, `{site}` and `{home}`
standing for the temp paths), no traceback, the previous `site/` byte for byte as it was and no
temp folder left behind. Cases are numbered after `reliability.md` §7. Files git cannot hold well
(bad encodings, huge or binary inputs) are made here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitegen.build import build
from tests.conftest import MINIMAL_CONFIG, run_main, tree_digest

CASES = Path(__file__).resolve().parent / "sites_invalid"
GOOD_PAGE = '---\ntitle: "Добра стаття"\ndate: 2026-02-12T18:10:00+02:00\ntags: [НАТО]\n---\nТекст.\n'
GENERATED: dict[str, dict[str, bytes]] = {
    "14a-latin-1-bytes": {
        "seeds/2026/02/a.md": '---\ntitle: "Café"\ndate: 2026-02-12T18:10:00+02:00\n---\nTexte en français.\n'.encode(
            "latin-1"
        )
    },
    "14b-binary-file": {"seeds/2026/02/a.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4},
    "15a-huge-front-matter": {
        "seeds/2026/02/a.md": (
            '---\ntitle: "Стаття"\ndate: 2026-02-12T18:10:00+02:00\n'
            + "".join(f"key_{i}: значення номер {i} для перевірки розміру\n" for i in range(10_000))
            + "---\nТекст.\n"
        ).encode()
    },
    "15b-deep-flow-nesting": {"seeds/2026/02/a.md": b'---\ntitle: "X"\ntags: ' + b"[" * 100_000 + b"\n---\n"},
    # 5,000 tags on one page took 223 s and wrote 2 GB (issue 17, fault 2): now refused at once.
    "42-too-many-tags": {
        "seeds/2026/02/a.md": (
            '---\ntitle: "Стаття"\ndate: 2026-02-12T18:10:00+02:00\ntags: ['
            + ", ".join(f"Мітка {i}" for i in range(5000))
            + "]\n---\nТекст.\n"
        ).encode()
    },
}


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


@pytest.fixture(scope="session")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of one good page and its build, made once: each case starts from a copy (the build is the same
    bytes wherever the folder is)."""
    site = tmp_path_factory.mktemp("good") / "site-dir"
    (site / "seeds" / "2026" / "02").mkdir(parents=True)
    (site / "sitegen.yaml").write_text(MINIMAL_CONFIG, "utf-8")
    (site / "seeds" / "2026" / "02" / "good.md").write_text(GOOD_PAGE, "utf-8")
    build(site)
    return site


def prepare(case: str, tmp_path: Path, good_site: Path) -> tuple[Path, dict[str, str]]:
    """A site with a good previous build, then the case's files in place of its sources."""
    site = tmp_path / "site-dir"
    shutil.copytree(good_site, site, symlinks=True)
    shutil.rmtree(site / "seeds")
    (site / "sitegen.yaml").unlink()
    for path in (CASES / case).rglob("*"):
        rel = path.relative_to(CASES / case)
        if path.is_file() and rel.as_posix() not in ("expected.txt", "expected.code", "args.txt"):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, site / rel)
    for rel, data in GENERATED.get(case, {}).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    home = tmp_path / "home"
    (home / "documents").mkdir(parents=True)
    (home / "documents" / "keep.txt").write_text("не видаляти\n", "utf-8")
    return site, {"site": str(site), "home": str(home)}


@pytest.mark.parametrize("case", case_names())
def test_sites_invalid(case: str, tmp_path: Path, good_site: Path) -> None:
    folder = CASES / case
    site, places = prepare(case, tmp_path, good_site)
    before = tree_digest(tmp_path)
    args_file = folder / "args.txt"
    args = args_file.read_text("utf-8").format(**places).split() if args_file.exists() else []
    code_file = folder / "expected.code"
    expected_code = int(code_file.read_text()) if code_file.exists() else 1

    result = run_main("build", "--site", str(site), *args, env={"HOME": places["home"]})

    assert "Traceback" not in result.err
    assert result.code == expected_code, result.err
    expected = (folder / "expected.txt").read_text("utf-8").format(**places)
    assert result.err == expected
    assert result.out == ""
    assert tree_digest(tmp_path) == before, "the build changed files"
    leftovers = [p.name for p in site.rglob(".*") if ".tmp-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_sites_invalid_every_case_has_an_expected_message() -> None:
    for case in case_names():
        assert (CASES / case / "expected.txt").is_file(), case
    assert set(GENERATED) <= set(case_names())
    assert len(case_names()) >= 30
    assert os.sep == "/"  # expected messages use POSIX paths
