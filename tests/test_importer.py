"""The importer: raw scraped articles -> pages (golden fixtures), and the command's safety rules."""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sitegen.errors import RawArticleError
from sitegen.importer.emit import render_page
from sitegen.importer.raw import parse_raw
from tests.conftest import FIXTURES, REPO, run_cli, tree_digest, write_tree

CASES = FIXTURES / "importer"
KYIV = ZoneInfo("Europe/Kyiv")
BAD: dict[str, bytes] = {
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "latin-1.txt": " date 2026-02-02   1. Monde\nCafé à Kyiv\n".encode("latin-1"),
    "no-header.txt": (CASES / "no-header.txt").read_bytes(),
}
EXPECTED_ERRORS = {
    "binary.txt": "binary.txt:1: binary data: byte 0x89 cannot be decoded (save the file as UTF-8)",
    "empty.txt": "empty.txt:1: empty file: nothing to import",
    "latin-1.txt": "latin-1.txt:2: text that is not UTF-8: byte 0xe9 cannot be decoded (save the file as UTF-8)",
    "no-header.txt": "no-header.txt:1: no header line `date YYYY-MM-DD …`: not a scraped article this importer knows"
    " (the first line must be like `date 2026-02-12 ua en ru` or `date 2026-02-02   1. Rubric`)",
}


def good_cases() -> list[str]:
    return sorted(p.stem for p in CASES.glob("*.txt") if p.stem not in ("empty", "no-header"))


@pytest.mark.parametrize("case", good_cases())
def test_importer_golden_page(case: str, update_golden: bool) -> None:
    raw = (CASES / f"{case}.txt").read_bytes()
    page = render_page(parse_raw(raw, f"{case}.txt", KYIV))
    expected = CASES / f"{case}.expected.md"
    if update_golden:
        expected.write_text(page, "utf-8")
    assert page == expected.read_text("utf-8")


def test_importer_reads_both_layouts_of_the_real_seeds() -> None:
    rubric = parse_raw((CASES / "seed-rubric-layout.txt").read_bytes(), "000.txt", KYIV)
    assert rubric.date.isoformat() == "2026-02-02T09:24:00+02:00"
    assert rubric.category == "В Україні"
    assert rubric.tags == ("НАТО", "Україна", "війна", "Бельгія")
    assert rubric.summary is not None and rubric.summary.startswith("Делегації України")
    assert rubric.lang == "uk"
    assert any("first letter lost" in w and w.startswith("line 7:") for w in rubric.warnings)
    dated = parse_raw((CASES / "seed-dateline-layout.txt").read_bytes(), "002.txt", KYIV)
    assert (dated.location, dated.author) == ("Брюссель", "Валерій Ульяненко")
    assert dated.image == ("Марк Рютте, генеральний секретар НАТО", "Getty Images")
    assert dated.date.isoformat() == "2026-02-12T18:10:00+02:00"
    assert "## Макрон і переговори з Путіним" in dated.blocks
    assert not any("Читайте" in b or b.startswith("UA EN") or "Автор" in b for b in dated.blocks)
    assert dated.tags == () and any("no tag line" in w for w in dated.warnings)


def test_importer_summer_dates_get_the_summer_offset() -> None:
    english = parse_raw((CASES / "english.txt").read_bytes(), "english.txt", KYIV)
    assert english.date.isoformat() == "2026-07-15T14:30:00+03:00"
    assert (english.lang, english.author, english.location) == ("en", "Jane Doe", "Brussels")
    assert english.image == ("Air defence launchers at a base in Germany", "Reuters")


@pytest.mark.parametrize("name", sorted(BAD))
def test_importer_bad_file_raises_with_line(name: str) -> None:
    with pytest.raises(RawArticleError) as caught:
        parse_raw(BAD[name], name, KYIV)
    assert caught.value.format() == EXPECTED_ERRORS[name]


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    shutil.copy2(REPO / "sitegen.yaml", site / "sitegen.yaml")
    shutil.copytree(REPO / "media", site / "media")  # the site's sharing picture that sitegen.yaml names
    return site


def test_importer_command_imports_good_files_and_reports_bad_ones(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    for case in ("seed-rubric-layout", "seed-dateline-layout", "english"):
        shutil.copy2(CASES / f"{case}.txt", raw / f"{case}.txt")
    for name, data in BAD.items():
        (raw / name).write_bytes(data)
    result = run_cli("import", "--site", str(site), str(raw))
    assert result.code == 1
    assert "Traceback" not in result.err
    for name, message in EXPECTED_ERRORS.items():
        assert f"failed {raw / name}:{message.split(':', 1)[1]}" in result.err.splitlines()
    assert result.out.splitlines()[-1] == "3 imported, 0 unchanged, 0 skipped, 4 failed"
    pages = sorted(p.relative_to(site / "seeds").as_posix() for p in (site / "seeds").rglob("*.md"))
    assert pages == [
        "2026/02/nato-mozhe-staty-tylom-dlia-myrotvortsiv-v-ukraini-pidsumky-zustrichi-u.md",
        "2026/02/perehovory-z-kremlem-hensek-nato-vidpoviv-chy-pidtrymuie-vidnovlennia-kontaktiv.md",
        "2026/07/nato-allies-agree-on-a-new-air-defence-package-for-ukraine.md",
    ]
    built = run_cli("build", "-q", "--site", str(site))
    assert built.code == 0, built.err
    html = site / "site" / "2026" / "07" / "nato-allies-agree-on-a-new-air-defence-package-for-ukraine" / "index.html"
    text = html.read_text("utf-8")
    assert '<html lang="en">' in text and "2026-07-15T14:30:00+03:00" in text and "Jane Doe" in text


def test_importer_never_overwrites_without_force(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    raw = CASES / "seed-dateline-layout.txt"
    assert run_cli("import", "-q", "--site", str(site), str(raw)).code == 0
    (page,) = (site / "seeds").rglob("*.md")
    curated = page.read_text("utf-8").replace("tags: []", 'tags: ["НАТО", "Франція"]')
    page.write_text(curated, "utf-8")

    again = run_cli("import", "--site", str(site), str(raw))
    assert again.code == 0 and again.out.startswith("unchanged seeds/2026/02/perehovory")
    assert page.read_text("utf-8") == curated

    dry = run_cli("import", "--site", str(site), "--force", "--dry-run", str(raw))
    assert dry.code == 0 and "would write seeds/2026/02/perehovory" in dry.out
    assert page.read_text("utf-8") == curated

    forced = run_cli("import", "--site", str(site), "--force", str(raw))
    assert forced.code == 0 and forced.out.startswith("overwrote seeds/2026/02/perehovory")
    assert "tags: []" in page.read_text("utf-8")
    assert [p.name for p in page.parent.iterdir()] == [page.name]  # no temp file left


def test_importer_dry_run_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    before = tree_digest(site)
    result = run_cli("import", "--site", str(site), "--dry-run", str(CASES / "english.txt"))
    assert result.code == 0
    assert result.out.splitlines()[-1] == "1 would import, 0 unchanged, 0 skipped, 0 failed"
    assert tree_digest(site) == before


def test_importer_same_title_in_a_month_gets_a_new_slug(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (CASES / "summer-date.txt").read_text("utf-8")
    (raw / "a.txt").write_text(text, "utf-8")
    (raw / "b.txt").write_text(text.replace("18:45", "19:45"), "utf-8")
    assert run_cli("import", "-q", "--site", str(site), str(raw)).code == 0
    names = sorted(p.name for p in (site / "seeds" / "2026" / "07").iterdir())
    assert names == [
        "ministry-oborony-krain-nato-zustrinutsia-u-vilniusi-2.md",
        "ministry-oborony-krain-nato-zustrinutsia-u-vilniusi.md",
    ]


def test_importer_example_digest_reimports_unchanged() -> None:
    result = run_cli("import", "--site", str(REPO), "--dry-run", str(FIXTURES / "raw"))
    assert result.code == 0
    assert result.out.splitlines()[-1] == "0 would import, 2 unchanged, 0 skipped, 0 failed"


def test_importer_ctrl_c_leaves_only_whole_pages(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from sitegen.source.frontmatter import parse_front_matter

    site = make_site(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (CASES / "summer-date.txt").read_text("utf-8")
    for i in range(1500):
        (raw / f"{i:04d}.txt").write_text(text.replace("Вільнюсі", f"Вільнюсі {i}"), "utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-m", "sitegen", "import", "-q", "--site", str(site), str(raw)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as proc:
        deadline = time.monotonic() + 60
        while not any((site / "seeds").rglob("*.md")) and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    pages = list((site / "seeds").rglob("*.md"))
    assert 0 < len(pages) < 1500
    for page in pages:
        assert parse_front_matter(page.read_text("utf-8"), page.name).data["title"]
    assert not [p for p in (site / "seeds").rglob("*") if p.name.endswith(".tmp")]


DUPLICATES = FIXTURES / "duplicates"


def test_importer_warns_when_an_import_retells_an_existing_page(tmp_path: Path) -> None:
    site = write_tree(tmp_path / "site", "")
    original = site / "seeds/2026/02/brussels.md"
    original.parent.mkdir(parents=True)
    shutil.copy(DUPLICATES / "brussels-original.md", original)
    raw = [str(DUPLICATES / "brussels-rewrite.txt"), str(DUPLICATES / "energy.txt")]
    run = run_cli("import", *raw, "--site", str(site), cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.err.splitlines() == [
        "warning seeds/2026/02/alians-ne-proty-viisk-soiuznykiv-v-ukraini-yak-harantii-bezpeky-cherniev.md"
        f" (from {raw[0]}) tells the same story as seeds/2026/02/brussels.md"
        " (52% of the shorter text's word pairs shared; keep one of them)"
    ]


def test_importer_warns_when_two_imported_files_tell_one_story(tmp_path: Path) -> None:
    site = write_tree(tmp_path / "site", "")
    names = ["brussels-original.txt", "brussels-rewrite.txt", "energy.txt"]
    run = run_cli("import", *(str(DUPLICATES / n) for n in names), "--site", str(site), cwd=tmp_path)
    assert run.code == 0, run.err
    warnings = [line for line in run.err.splitlines() if "same story" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning seeds/2026/02/")
    assert "(from " + str(DUPLICATES / "brussels-original.txt") + ")" in warnings[0]
    assert "(from " + str(DUPLICATES / "brussels-rewrite.txt") + ")" in warnings[0]
    assert "energy" not in warnings[0]


def test_importer_compares_only_pages_within_a_month_of_the_import(tmp_path: Path) -> None:
    site = write_tree(tmp_path / "site", "")
    old = site / "seeds/2025/11/brussels.md"
    old.parent.mkdir(parents=True)
    text = (DUPLICATES / "brussels-original.md").read_text("utf-8")
    old.write_text(text.replace("date: 2026-02-02T09:24:00+02:00", "date: 2025-11-20T09:24:00+02:00"), "utf-8")
    run = run_cli("import", str(DUPLICATES / "brussels-rewrite.txt"), "--site", str(site), cwd=tmp_path)
    assert (run.code, run.err) == (0, "")
