"""The one write gate: paths that stay inside, one writer per path, an atomic swap."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.output.paths import resolve_out_path
from sitegen.output.writer import MARKER, write_site
from sitegen.render.output import Output


@pytest.mark.parametrize(
    "out_path", ["../x.html", "/etc/passwd", "a/../../b", "a//b", "./a", "a\\b", "a\0b", "", "a/./b", "a/"]
)
def test_writer_refuses_paths_leaving_the_output(out_path: str, tmp_path: Path) -> None:
    with pytest.raises(SitegenError, match="would leave the output folder"):
        resolve_out_path(tmp_path, out_path, "seeds/a.md")


def test_writer_accepts_nested_paths(tmp_path: Path) -> None:
    assert resolve_out_path(tmp_path, "2026/02/a/index.html", "s") == tmp_path / "2026" / "02" / "a" / "index.html"


def test_writer_names_every_source_of_one_path(tmp_path: Path) -> None:
    outputs = [Output("a/index.html", b"1", "seeds/a.md"), Output("A/index.html", b"2", "seeds/b.md")]
    with pytest.raises(SitegenError) as caught:
        write_site(outputs, tmp_path / "site")
    assert "2 sources would write a/index.html: seeds/a.md, seeds/b.md" in str(caught.value)
    assert not (tmp_path / "site").exists()


def test_writer_swaps_the_whole_tree(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("old.html", b"old", "s")], out)
    report = write_site([Output("new/index.html", b"new", "s")], out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [MARKER, "new/index.html"]
    assert report.files == 2 and report.bytes == 3
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_writer_full_disk_names_the_output_file_not_the_temp_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Fault 8: a write into a full disk named a file of the temp folder, which is gone by then."""
    import builtins
    import errno

    out = tmp_path / "site"
    write_site([Output("old.html", b"old", "s")], out)
    real_open = builtins.open

    def full_disk(path, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "x" in mode and str(path).endswith("b.html"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", full_disk)
    with pytest.raises(SitegenError) as caught:
        write_site([Output("a.html", b"a", "s"), Output("2026/b.html", b"b", "s")], out)
    assert caught.value.format() == (
        f"cannot write the site to {out}: No space left on device (writing 2026/b.html) "
        "(the previous site was left as it was; free some space, then build again)"
    )
    assert (out / "old.html").read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_writer_exchanges_two_folders_in_one_step_with_renameat2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linux has `renameat2(RENAME_EXCHANGE)`: the swap is one call, never two renames with a moment between."""
    import sitegen.output.writer as writer

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "new").write_text("new")
    (b / "old").write_text("old")

    def no_rename(*args: object) -> None:
        raise AssertionError("os.rename called: renameat2 was not found")

    monkeypatch.setattr(writer.os, "rename", no_rename)
    writer._exchange(a, b)
    assert [p.name for p in b.iterdir()] == ["new"] and [p.name for p in a.iterdir()] == ["old"]
