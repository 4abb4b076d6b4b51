"""One "may this folder be replaced" policy: `build --out` and `publish --to` refuse the same folders alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.output.folders import refusal
from tests.conftest import run_main

SITE = """\
-- sitegen.yaml --
title: "Тест"
base_url: "https://example.org/"
-- seeds/2026/02/a.md --
---
title: "Стаття"
date: 2026-02-10T10:00:00+02:00
---
Текст.
"""


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("seeds", "it is seeds/, which holds your pages"),
        ("themes", "it is themes/, which holds your themes"),
        ("seeds/out", "it is inside seeds/ ({site}/seeds)"),
        ("static/x", "it is inside static/ ({site}/static)"),
        ("..", "it holds the site folder ({site})"),
        ("mine", "it is not empty and has no {marker} marker, so sitegen did not {verb} it; it was left untouched"),
        ("notes.txt/out", "{site}/../notes.txt is a file, not a folder"),
    ],
)
def test_folders_build_and_publish_refuse_alike(make_site, where: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site(SITE).resolve()
    (site.parent / "mine").mkdir()
    (site.parent / "mine" / "keep.txt").write_text("моє", "utf-8")
    (site.parent / "notes.txt").write_text("нотатки", "utf-8")
    target = (site / where).resolve() if ".." in where else site / where
    if where in ("mine", "notes.txt/out"):
        target = site.parent / where
    before = sorted(p.relative_to(site.parent).as_posix() for p in site.parent.rglob("*"))
    for verb, marker, args in (
        ("build", ".sitegen-build", ("build", "--out", str(target))),
        ("publish", ".sitegen-publish", ("publish", "--to", str(target))),
    ):
        run = run_main(*args, "--site", str(site))
        expected = reason.format(site=site, marker=marker, verb=verb).replace(f"{site}/..", str(site.parent))
        assert run.code == 1 and f": {expected} (" in run.err and run.err.count("\n") == 1, run.err
    assert sorted(p.relative_to(site.parent).as_posix() for p in site.parent.rglob("*")) == before


def test_folders_inside_the_site_folder_build_only(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = load_config(make_site(SITE))
    inside = config.site_dir / "public"
    assert refusal(inside, config, marker=".m", verb="build", inside_site=True) is None
    assert refusal(inside, config, marker=".m", verb="publish", inside_site=False) == (
        f"it is inside the site folder ({config.site_dir.resolve()})"
    )
    assert (
        refusal(Path("/"), config, marker=".m", verb="build", inside_site=True) == "it is the root of the file system"
    )
    assert refusal(Path.home(), config, marker=".m", verb="build", inside_site=True) == (
        "it is your home folder or holds it"
    )
    marked = tmp_path / "out"
    marked.mkdir()
    (marked / "old.html").write_text("x", "utf-8")
    (marked / ".m").write_text("", "utf-8")
    assert refusal(marked, config, marker=".m", verb="build", inside_site=True) is None
