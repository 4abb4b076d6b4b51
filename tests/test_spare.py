"""The spare (`output/spare.py`): a cached build makes its tree from the one of the build before last.

What it must keep: the result equals a `--no-cache` build; unchanged files keep their bytes, inode
and mtime, a changed one gets a new mtime (never an older one back); a spare that is not exactly as
its record says (damaged, half updated, deleted, edited by hand) is never built on; `kill -9` at
any moment leaves `site/` whole and the next build correct; nothing is written outside the site's
parent folder; `clean` removes the spare.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

import sitegen.output.writer
from sitegen.build import BuildOptions, BuildResult, build
from sitegen.output.spare import RECORD
from sitegen.output.writer import spare_path
from tests.conftest import many_pages, run_interrupted, run_main, tree_digest

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAGES = 6
BUILDING_ON = "building on .site.sitegen-spare"
DISTRUSTED = "removing .site.sitegen-spare: it is not as its record says"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return many_pages(tmp_path / "s", PAGES)


def cached(site: Path) -> BuildResult:
    return build(site, BuildOptions(out_dir=site / "site", cache=True, now=NOW))


def edit(site: Path, n: int, text: str) -> None:
    page = next((site / "seeds").rglob(f"a{n}.md"))
    page.write_text(page.read_text("utf-8").split("\n<!--edit-->", 1)[0] + f"\n<!--edit-->\n{text}\n", "utf-8")


def assert_same_as_clean(site: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(site, BuildOptions(out_dir=clean, cache=False, now=NOW))
    assert tree_digest(site / "site") == tree_digest(clean)


def page_of(site: Path, n: int) -> Path:
    return next((site / "site").rglob(f"a{n}/index.html"))


def two_builds(site: Path) -> None:
    """Build, edit page 1, build: the spare is then the first tree (page 1 as it was), the live site the second."""
    cached(site)
    edit(site, 1, "Правка.")
    cached(site)


@pytest.mark.timeout(60)
def test_spare_builds_equal_clean_builds_and_keep_unchanged_files(
    site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cached(site)
    assert (spare_path(site / "site") / RECORD).is_file()
    untouched, edited = page_of(site, 5), 0
    first = os.stat(untouched)
    mtimes = []
    with caplog.at_level(logging.INFO, logger="sitegen.output.spare"):
        for text in ("Текст А.", "Текст Б.", "Текст А."):  # back: the spare holds the older page with these bytes
            time.sleep(0.01)
            edit(site, edited, text)
            cached(site)
            mtimes.append(os.stat(page_of(site, edited)).st_mtime_ns)
            assert text in page_of(site, edited).read_text("utf-8")
    assert caplog.text.count(BUILDING_ON) == 3  # (the first on an empty spare)
    assert_same_as_clean(site, tmp_path)
    now = os.stat(untouched)
    assert (now.st_mtime_ns, now.st_ino) == (first.st_mtime_ns, first.st_ino)
    assert mtimes == sorted(mtimes) and len(set(mtimes)) == 3, "a changed page got an older file back"
    listing = [".site.sitegen-spare", ".sitegen-cache", "seeds", "site", "sitegen.yaml"]
    assert sorted(p.name for p in site.iterdir()) == listing


def _edit_a_spare_file(spare: Path) -> None:
    page = next(spare.rglob("a1/index.html"))  # not the live file: the last build changed it
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>by hand</p></body>"))


def _add_a_file(spare: Path) -> None:
    (next(spare.rglob("a3/index.html")).parent / "by-hand.html").write_text("by hand", "utf-8")


def _add_a_top_file(spare: Path) -> None:
    (spare / "by-hand.html").write_text("by hand", "utf-8")


def _replace_a_shared_file(spare: Path) -> None:  # a new file in place of one hard-linked with the live site
    page = next(spare.rglob("a5/index.html"))
    data = page.read_bytes()
    page.unlink()
    page.write_bytes(data.replace(b"</body>", b"<p>by hand</p></body>"))


def _half_updated(spare: Path) -> None:  # what a killed build leaves: no record, some files changed
    (spare / RECORD).unlink()
    _edit_a_spare_file(spare)


def _garbled_record(spare: Path) -> None:
    record = spare / RECORD
    data = record.read_bytes()
    record.write_bytes(data[:-40] + bytes(b ^ 0x55 for b in data[-40:]))


def _a_file_instead(spare: Path) -> None:
    shutil.rmtree(spare)
    spare.write_text("by hand", "utf-8")


DAMAGES = [_edit_a_spare_file, _add_a_file, _add_a_top_file, _replace_a_shared_file, _half_updated, _garbled_record]


@pytest.mark.timeout(90)
def test_spare_not_as_recorded_is_never_built_on(site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    two_builds(site)
    for round_, damage in enumerate([*DAMAGES, _a_file_instead]):
        live = tree_digest(site / "site")
        damage(spare_path(site / "site"))
        assert tree_digest(site / "site") == live, "the damage reached the live site (a test error)"
        edit(site, 0, f"Після пошкодження {round_}.")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="sitegen.output.spare"):
            cached(site)
        assert DISTRUSTED in caplog.text and BUILDING_ON not in caplog.text, damage.__name__
        assert not [p for p in (site / "site").rglob("*.html") if b"by hand" in p.read_bytes()], damage.__name__
        edit(site, 1, f"Правка {round_}.")
        cached(site)  # (the spare is a whole tree again)
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(60)
def test_spare_edited_together_with_the_live_site_is_not_trusted(site: Path, tmp_path: Path) -> None:
    # A file of the spare hard-linked with the live one, edited in place: both change.
    two_builds(site)
    shared = next(spare_path(site / "site").rglob("a5/index.html"))
    assert shared.stat().st_ino == page_of(site, 5).stat().st_ino
    with open(shared, "ab") as fh:
        fh.write(b"<!-- by hand -->")
    edit(site, 0, "Після правки.")
    assert cached(site).reused == 0  # the live site is not as recorded either: nothing of it is trusted
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(60)
def test_spare_without_renameat2_and_with_no_cache_builds_between(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitegen.output.writer, "_RENAME_EXCHANGE", 1 << 30)  # EINVAL: as a system without it
    two_builds(site)
    spare = spare_path(site / "site")
    before = tree_digest(spare)
    edit(site, 4, "Без кешу.")
    assert run_main("build", "-q", "--no-cache", "--site", str(site)).code == 0
    assert tree_digest(spare) == before, "a --no-cache build uses a temp folder and leaves the spare alone"
    edit(site, 3, "Знову з кешем.")
    cached(site)
    assert_same_as_clean(site, tmp_path)
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".site.")) == [".site.sitegen-spare"]
    assert run_main("clean", "--site", str(site)).code == 0
    assert sorted(p.name for p in site.iterdir()) == ["seeds", "sitegen.yaml"]


@pytest.mark.timeout(90)
def test_spare_kill_9_leaves_the_site_whole_and_the_next_build_correct(site: Path, tmp_path: Path) -> None:
    two_builds(site)
    for phase in ("writing", "swapped"):  # halfway through updating the spare; once it is swapped in
        before = tree_digest(site / "site")
        for n in (0, 2, 3):
            edit(site, n, f"Перед kill -9 ({phase}).")
        run = run_interrupted(phase, signal.SIGKILL, True, "build", "-q", "--site", str(site))
        assert (run.code, run.out) == (-signal.SIGKILL, f"signal sent while {phase}\n"), run.err
        if phase == "swapped":  # the new site was whole: it is in place, and the spare has no record
            assert f"Перед kill -9 ({phase})." in page_of(site, 0).read_text("utf-8")
        else:
            assert tree_digest(site / "site") == before
        assert not (spare_path(site / "site") / RECORD).exists()
        assert run_main("build", "-q", "--site", str(site)).code == 0
        assert_same_as_clean(site, tmp_path)
        edit(site, 4, f"Після {phase}.")
        assert run_main("build", "-q", "--site", str(site)).code == 0  # (the spare is a whole tree again)
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".site.")) == [".site.sitegen-spare"]


@pytest.mark.timeout(10)
def test_spare_record_reads_back_what_was_written_and_refuses_a_cut_one(tmp_path: Path) -> None:
    from sitegen.output.spare import TreeRecord, _read_record, _write_record
    from sitegen.output.staging import KeptFile

    live = TreeRecord(
        {
            "index.html": KeptFile("0" * 32, 10, 1_700_000_000_123_456_789, 2**63 + 5),  # an inode past signed 64 bits
            "a/b/x.jpg": KeptFile("file:1:2:3:4:/s/static/x.jpg", 0, -5, 7),  # a date before 1970
            "caf\udce9/n.html": KeptFile("1" * 32, 3, 4, 5),  # a name that is not UTF-8 (as os.listdir gives it)
        },
        {"a": (11, 12), "a/b": (-13, 2**64 - 1), "caf\udce9": (15, 16)},
    )
    record = tmp_path / RECORD
    for spare in (TreeRecord(), live):
        _write_record(record, live, spare)
        assert _read_record(record) == (live, spare)
        assert all(type(k) is KeptFile for k in _read_record(record)[0].files.values())  # type: ignore[index]
    data = record.read_bytes()
    record.write_bytes(data[:-3])
    assert _read_record(record) is None
