"""`write_atomic`: a file is as it was or whole, never half written, and no temp file is left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sitegen import atomic
from sitegen.atomic import write_atomic
from tests.conftest import run_main

SUMMER = {"SITEGEN_NOW": "2026-06-30T22:30:00+00:00"}


def _fail_half_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next writes put half their bytes on disk, then the disk is full."""
    real_write = os.write

    def half(fd: int, data: bytes | memoryview) -> int:
        real_write(fd, bytes(data[: max(1, len(data) // 2)]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", half)


def test_atomic_write_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "a" / "page.md"
    write_atomic(target, "перша\n")
    assert target.read_text("utf-8") == "перша\n"
    target.chmod(0o600)
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second" and target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.md"]


def test_atomic_write_failing_mid_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cache.json"
    target.write_text("old", "utf-8")
    _fail_half_way(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new text, much longer than the old one")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]


def test_atomic_write_failing_at_fsync_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", broken)
    with pytest.raises(OSError, match="Input/output"):
        write_atomic(tmp_path / "new.md", "text", exclusive=True)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_exclusive_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    target.write_text("mine", "utf-8")
    with pytest.raises(FileExistsError):
        write_atomic(target, "theirs", exclusive=True)
    assert target.read_text("utf-8") == "mine" and len(list(tmp_path.iterdir())) == 1


def test_new_failing_mid_write_leaves_no_half_page(make_site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    _fail_half_way(monkeypatch)
    run = run_main("new", "Одна новина", cwd=site, env=SUMMER)
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        "error: cannot write seeds/2026/07/odna-novyna.md: No space left on device"
        " (nothing was written; free space or fix permissions and run again)\n"
    )
    assert not (site / "seeds/2026/07").exists() or list((site / "seeds/2026/07").iterdir()) == []
    monkeypatch.undo()
    assert run_main("new", "Одна новина", cwd=site, env=SUMMER).code == 0  # and nothing stands in the way


def test_init_failing_mid_write_leaves_no_half_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_half_way(monkeypatch)
    run = run_main("init", str(tmp_path / "new-site"))
    assert run.code == 1 and run.err.startswith("error: cannot write sitegen.yaml: No space left on device (")
    assert run.err.count("\n") == 1
    left = [p for p in (tmp_path / "new-site").rglob("*") if p.is_file()] if (tmp_path / "new-site").exists() else []
    assert left == []
