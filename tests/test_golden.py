"""Golden site: the two seed articles built into `tests/golden/basic/site/`, compared byte for byte.

The output is the contract here (Pelican's `tests/output/basic`, Zola's insta snapshots). After an
intended change run `pytest tests/test_golden.py --update-golden` and review the diff in git.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

from sitegen import __version__
from sitegen.build import BuildOptions, build

GOLDEN = Path(__file__).resolve().parent / "golden" / "basic"
VOLATILE = [(re.compile(re.escape(f'version="{__version__}"')), 'version="VERSION"')]


def normalise(data: bytes) -> bytes:
    """Replace what changes without the output changing meaning (the sitegen version in feeds)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text.encode("utf-8")


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): normalise(p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()}


def test_golden_site_matches(tmp_path: Path, update_golden: bool) -> None:
    src = tmp_path / "src"
    shutil.copytree(GOLDEN / "src", src)
    out = build(src, BuildOptions()).out_dir
    actual = read_tree(out)
    expected_dir = GOLDEN / "site"
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in actual.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    expected = read_tree(expected_dir)
    assert sorted(actual) == sorted(expected), "files differ; run pytest --update-golden if intended"
    diffs = []
    for rel in sorted(actual):
        if actual[rel] != expected[rel]:
            diff = difflib.unified_diff(
                expected[rel].decode("utf-8", "replace").splitlines(),
                actual[rel].decode("utf-8", "replace").splitlines(),
                f"golden/{rel}",
                f"built/{rel}",
                lineterm="",
                n=1,
            )
            diffs.append("\n".join(list(diff)[:40]))
    assert not diffs, "output differs from tests/golden (pytest --update-golden if intended):\n" + "\n".join(diffs)
