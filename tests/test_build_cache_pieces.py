"""The build cache in pieces, the stat cache of sources and the picture references recorded at load (issue 18).

A cached build reads no source whose stamp is the one the last build read it with (unless that file
was "racily" new then), writes only the pieces of the state that changed, and still equals a
`--no-cache` build; a damaged or missing piece means a clean build.
"""

from __future__ import annotations

import logging
import os
import random
import re
from pathlib import Path

import pytest

import sitegen.source.files
from sitegen.buildcache import PIECES_DIR, cache_path
from sitegen.content.bodies import text_digest
from sitegen.engine import Engine, EngineOptions
from sitegen.errors import SitegenError
from sitegen.images import image_refs
from sitegen.source.files import SourceStream
from tests.test_build_cache import NOW, _edits, _pages, assert_same_as_clean, cached
from tests.test_build_cache import site as site  # noqa: F401 - the fixture


@pytest.fixture
def trusted_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stamps vouch for files however new (the files here were all written a moment ago)."""
    monkeypatch.setattr(sitegen.source.files, "STAT_RACY_NS", 0)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real = sitegen.source.files._read

    def spy(path: Path, rel: str, problems: list[SitegenError]) -> object:
        read.append(rel)
        return real(path, rel, problems)

    monkeypatch.setattr(sitegen.source.files, "_read", spy)
    return read


@pytest.mark.timeout(120)
def test_unchanged_sources_are_not_read_and_edits_still_equal_a_clean_build(
    site: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    trusted_stamps: None,  # noqa: F811
) -> None:
    cached(site)
    read = _count_reads(monkeypatch)
    edited = _pages(site)[3]
    edited.write_text(edited.read_text("utf-8") + "\nДописаний абзац.\n", "utf-8")
    assert cached(site).reused > 0
    assert read == [edited.relative_to(site).as_posix()]
    assert_same_as_clean(site, tmp_path)
    rng = random.Random(7)
    edits = _edits(site, rng)
    for step in ("title", "body", "tags", "rename", "date", "add", "delete", "draft", "body"):
        edits[step]()
        cached(site)
        assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(60)
def test_an_edit_that_keeps_size_and_mtime_is_still_seen(
    site: Path,
    tmp_path: Path,
    trusted_stamps: None,  # noqa: F811
) -> None:
    cached(site)
    page = _pages(site)[0]
    before = os.stat(page)
    text = page.read_text("utf-8")
    page.write_text(text.replace("Новина номер", "Новина нумер", 1), "utf-8")  # (same length in UTF-8)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # the mtime put back: only ctime tells
    assert os.stat(page).st_size == before.st_size
    cached(site)
    assert "Новина нумер" in (site / "site" / "index.html").read_text("utf-8") + "".join(
        p.read_text("utf-8") for p in (site / "site").rglob("a0/index.html")
    )
    assert_same_as_clean(site, tmp_path)


@pytest.mark.timeout(30)
def test_a_file_read_within_the_racy_window_is_read_again(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    page = seeds / "a.md"
    page.write_text("---\ntitle: x\n---\nТекст.\n", "utf-8")
    st = os.stat(page)
    stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    digest = text_digest(page.read_text("utf-8"))

    def streamed(read_at: int) -> list[tuple[str, str]]:
        known = {"seeds/a.md": ((stamp, read_at), digest)}
        return [(s.text, s.digest) for s in SourceStream(tmp_path, seeds, [], known)]

    racy = max(st.st_mtime_ns, st.st_ctime_ns) + sitegen.source.files.STAT_RACY_NS // 2
    assert streamed(racy) == [("---\ntitle: x\n---\nТекст.\n", "")]  # read: a write in the same tick looks alike
    settled = max(st.st_mtime_ns, st.st_ctime_ns) + 2 * sitegen.source.files.STAT_RACY_NS
    assert streamed(settled) == [("", digest)]  # not read: its stamp vouches for the text
    page.write_text("---\ntitle: y\n---\nТекст.\n", "utf-8")
    assert streamed(settled)[0][0] == "---\ntitle: y\n---\nТекст.\n"  # another stamp: read


def _written(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    found = re.findall(r"build cache: (\d+) of (\d+) pieces written", caplog.text)
    assert found, caplog.text
    return int(found[-1][0]), int(found[-1][1])


@pytest.mark.timeout(60)
def test_a_body_edit_rewrites_few_pieces(
    site: Path,
    caplog: pytest.LogCaptureFixture,
    trusted_stamps: None,  # noqa: F811
) -> None:
    with caplog.at_level(logging.INFO, logger="sitegen.buildcache"):
        cached(site)
        first = _written(caplog)
        assert first[0] == first[1]
        page = _pages(site)[5]
        page.write_text(page.read_text("utf-8") + "\nЩе абзац.\n", "utf-8")
        cached(site)
    written, total = _written(caplog)
    assert written < total // 2
    named = set(cache_path(site).read_text("utf-8").split("\n", 2)[2].split('"'))
    assert {p.name for p in (cache_path(site).parent / PIECES_DIR).iterdir()} <= named  # old pieces removed


def _truncate(piece: Path) -> None:
    piece.write_bytes(piece.read_bytes()[:-10])


def _flip(piece: Path) -> None:
    data = piece.read_bytes()
    piece.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])


@pytest.mark.timeout(90)
@pytest.mark.parametrize("damage", [_truncate, _flip, Path.unlink])
def test_a_damaged_or_missing_piece_means_a_clean_build(
    site: Path,
    tmp_path: Path,
    damage: object,
    caplog: pytest.LogCaptureFixture,  # noqa: F811
) -> None:
    cached(site)
    biggest = max((cache_path(site).parent / PIECES_DIR).iterdir(), key=lambda p: p.stat().st_size)
    damage(biggest)  # type: ignore[operator]
    page = _pages(site)[2]
    page.write_text(page.read_text("utf-8") + "\nЗмінено.\n", "utf-8")
    with caplog.at_level(logging.INFO, logger="sitegen.buildcache"):
        assert cached(site).reused == 0
    assert "build cache ignored" in caplog.text
    assert_same_as_clean(site, tmp_path)
    assert cached(site).reused > 0


@pytest.mark.timeout(30)
def test_picture_references_are_recorded_when_a_page_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "sitegen.yaml").write_text('title: "Т"\nbase_url: "https://example.org/"\n', "utf-8")
    page = tmp_path / "seeds" / "2025" / "01" / "a.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        '---\ntitle: "Т"\ndate: 2025-01-02T10:00:00+02:00\n---\nАбзац.\n\nЩе.\n\n![Фото](photo%20one.jpg)\n', "utf-8"
    )
    site = Engine(tmp_path, EngineOptions(lean=True), clock=lambda: NOW).load()
    page.unlink()  # the scan reads no body
    refs = image_refs(site)
    assert [(r.owner, r.src, r.line, r.field) for r in refs] == [("seeds/2025/01/a.md", "photo one.jpg", 9, "body")]
