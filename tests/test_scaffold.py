"""`sitegen new "Title"`: a draft skeleton at seeds/<yyyy>/<mm>/<slug>.md, dated now in the site time zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sitegen.build import BuildOptions, load_site
from tests.conftest import run_main

SUMMER = {"SITEGEN_NOW": "2026-06-30T22:30:00+00:00"}  # 01:30 on 1 July in Kyiv (+03:00)


def test_new_writes_a_draft_with_the_kyiv_offset(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    run = run_main("new", "Переговори з Кремлем? Генсек НАТО відповів", cwd=site, env=SUMMER)
    assert (run.code, run.err) == (0, "")
    assert run.out == "seeds/2026/07/perehovory-z-kremlem-hensek-nato-vidpoviv.md\n"
    text = (site / run.out.strip()).read_text("utf-8")
    assert text.startswith(
        '---\ntitle: "Переговори з Кремлем? Генсек НАТО відповів"\ndate: 2026-07-01T01:30:00+03:00\n'
    )
    assert "\ndraft: true\n" in text


def test_new_page_builds_with_drafts_and_shows(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    title = "Зеленський: «Україна готова»"
    assert run_main("new", title, "--site", str(site), env=SUMMER).code == 0
    out = tmp_path / "out"
    run = run_main("build", "--drafts", "--out", str(out), "--site", str(site), env=SUMMER)
    assert run.code == 0, run.err
    page = out / "2026/07/zelenskyi-ukraina-hotova/index.html"
    assert "Зеленський: «Україна готова»" in page.read_text("utf-8")
    # Without --drafts it stays out.
    _, built = load_site(site, BuildOptions(now=datetime.fromisoformat(SUMMER["SITEGEN_NOW"])))
    assert list(built.pages) == []


def test_new_winter_date_gets_the_winter_offset(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    run = run_main("new", "Зимова новина", "--date", "2026-01-31T23:30:00+00:00", "--site", str(site))
    assert run.code == 0, run.err
    # 23:30 UTC on 31 January is 01:30 on 1 February in Kyiv: the February folder.
    written = site / "seeds/2026/02/zymova-novyna.md"
    assert str(written) == run.out.strip()
    assert "date: 2026-02-01T01:30:00+02:00\n" in written.read_text("utf-8")


def test_new_refuses_to_overwrite(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    assert run_main("new", "Одна новина", cwd=site, env=SUMMER).code == 0
    page = site / "seeds/2026/07/odna-novyna.md"
    page.write_text("edited", "utf-8")
    run = run_main("new", "Одна  новина", cwd=site, env=SUMMER)
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        "error: seeds/2026/07/odna-novyna.md already exists; not overwritten"
        " (edit that page, or choose another title)\n"
    )
    assert page.read_text("utf-8") == "edited"


def test_new_date_without_offset_is_read_in_the_site_time_zone(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    run = run_main("new", "Новина", "--date", "2026-03-29T10:00", cwd=site)
    assert (run.code, run.err) == (0, "")
    assert "date: 2026-03-29T10:00:00+03:00\n" in (site / "seeds/2026/03/novyna.md").read_text("utf-8")
    run = run_main("new", "Новина", "--date", "2026-03-29T03:30", cwd=site)
    assert run.err == (
        "error: --date: 2026-03-29 03:30 does not exist in Europe/Kyiv: the clocks skip that hour"
        " (give the UTC offset, e.g. 2026-03-29T04:30:00+03:00)\n"
    )
    run = run_main("new", "Новина", "--date", "завтра", cwd=site)
    assert run.err == (
        "error: --date: not a valid date-time 'завтра' (write it as 2026-03-29T10:00 or 2026-03-29T10:00:00+03:00)\n"
    )
    run = run_main("new", "Новина", "--date", "9999-12-31T23:59:59+02:00", cwd=site)
    assert run.err == (
        "error: --date: '9999-12-31T23:59:59+02:00': year 9999 is outside the supported range (1900 to 2200) "
        "(check the year)\n"
    )
    run = run_main("new", "Новина", "--date", "0001-01-01", cwd=site)  # no offset: read before any zone arithmetic
    assert run.err == (
        "error: --date: '0001-01-01': year 1 is outside the supported range (1900 to 2200) (check the year)\n"
    )
    assert [p.name for p in (site / "seeds").rglob("*.md")] == ["novyna.md"]


def test_new_empty_title_is_refused(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    run = run_main("new", "  ", cwd=site)
    assert (run.code, run.err) == (1, 'error: the title is empty (sitegen new "Заголовок статті")\n')
