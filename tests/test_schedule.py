"""Scheduling: future-dated pages stay out of the build (and feeds, sitemap) unless `--future`, with a frozen
clock around the Europe/Kyiv DST changes; `sitegen status` lists drafts, scheduled pages and the next instant."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build, load_site
from sitegen.cli import main
from sitegen.errors import SitegenError
from sitegen.render.search_files import inflate
from sitegen.status import format_delay, format_instant, read_status
from tests.conftest import run_main

# Spring: 2026-03-29 03:00 EET (01:00 UTC) -> 04:00 EEST. Autumn: 2026-10-25 04:00 EEST (01:00 UTC) -> 03:00 EET.
DST_SITE = """\
-- seeds/2026/03/old.md --
---
title: "Давня новина"
date: 2026-03-28T12:00:00+02:00
tags: [НАТО]
---
Текст.
-- seeds/2026/03/spring.md --
---
title: "Весняна новина"
date: 2026-03-29T04:30:00+03:00
tags: [НАТО, Весна]
---
Текст.
-- seeds/2026/03/wrong-offset.md --
---
title: "Новина з зимовим зсувом"
date: 2026-03-29T10:00:00+02:00
---
Текст.
-- seeds/2026/10/330-dst.md --
---
title: "Перша пів на четверту"
date: 2026-10-25T03:30:00+03:00
---
Текст.
-- seeds/2026/10/330-after.md --
---
title: "Друга пів на четверту"
date: 2026-10-25T03:30:00+02:00
---
Текст.
-- seeds/2026/10/draft.md --
---
title: "Чернетка"
date: 2026-10-01T09:00:00+03:00
draft: true
---
Текст.
"""


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def titles(site_dir: Path, now: str, *, future: bool = False) -> list[str]:
    _, site = load_site(site_dir, BuildOptions(now=utc(now), future=future))
    return sorted(p.title for p in site.pages.values())


def test_schedule_spring_dst_change_publishes_at_the_instant(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    # 04:30 EEST is 01:30 UTC: one minute before it, the page is scheduled; at it, published.
    assert "Весняна новина" not in titles(site, "2026-03-29T01:29:00+00:00")
    assert "Весняна новина" in titles(site, "2026-03-29T01:30:00+00:00")
    assert "Весняна новина" in titles(site, "2026-03-29T04:30:00+03:00")
    # 10:00+02:00 is 11:00 Kyiv summer time: still out at 10:30 local.
    assert "Новина з зимовим зсувом" not in titles(site, "2026-03-29T10:30:00+03:00")
    assert "Новина з зимовим зсувом" in titles(site, "2026-03-29T11:00:00+03:00")


def test_schedule_autumn_dst_repeated_hour_is_told_apart(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    # 03:30 local happens twice: 00:30 UTC (EEST) and 01:30 UTC (EET).
    shown = titles(site, "2026-10-25T01:00:00+00:00")
    assert "Перша пів на четверту" in shown
    assert "Друга пів на четверту" not in shown
    assert "Друга пів на четверту" in titles(site, "2026-10-25T01:30:00+00:00")


def test_schedule_future_flag_keeps_scheduled_pages(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    assert titles(site, "2026-01-01T00:00:00+00:00") == []
    assert len(titles(site, "2026-01-01T00:00:00+00:00", future=True)) == 5  # the draft stays out


def test_schedule_future_page_is_in_no_output(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    result = build(site, BuildOptions(now=utc("2026-03-29T02:00:00+03:00")))
    assert result.articles == 1
    texts = {
        p.relative_to(result.out_dir).as_posix(): inflate(p.read_bytes()).decode("utf-8")  # (search files packed)
        for p in result.out_dir.rglob("*.*")
        if p.is_file()
    }
    assert not [name for name in texts if "vesniana" in name]
    for name in ("feed.xml", "feed.json", "sitemap.xml", "index.html", "tags/nato/index.html"):
        assert "Давня новина" in texts[name] or name == "sitemap.xml"
        assert "Весняна" not in texts[name] and "vesniana" not in texts[name], name
    assert "tags/vesna/index.html" not in texts


def test_schedule_cli_frozen_clock_and_future_flag(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    env = {"SITEGEN_NOW": "2026-03-29T04:30:00+03:00"}
    run = run_main("build", "--site", str(site), env=env)
    assert run.code == 0, run.err
    assert run.out.startswith("built 2 articles, 2 tags")
    run = run_main("build", "--future", "--site", str(site), env=env)
    assert run.out.startswith("built 5 articles, 2 tags")


def test_schedule_bad_frozen_clock_is_a_user_error(make_site, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    monkeypatch.setenv("SITEGEN_NOW", "2026-03-29 10:00")
    assert main(["status", "--site", str(site)]) == 1
    assert capsys.readouterr().err == (
        "error: SITEGEN_NOW: '2026-03-29 10:00' needs a UTC offset (e.g. 2026-03-29T10:00:00+03:00)\n"
    )


def test_front_matter_date_without_offset_is_read_in_the_site_time_zone(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        """\
        -- seeds/2026/03/naive.md --
        ---
        title: "Без зсуву"
        date: 2026-03-29T10:00:00
        ---
        Текст.
        -- seeds/2026/02/bare.md --
        ---
        title: "Лише дата"
        date: 2026-02-12
        ---
        Текст.
        -- seeds/2026/10/twice.md --
        ---
        title: "Година двічі"
        date: 2026-10-25 03:30
        ---
        Текст.
        """
    )
    _, loaded = load_site(site, BuildOptions(future=True))
    dates = {p.id.rsplit("/", 1)[1]: p.meta.date.isoformat() for p in loaded.pages.values()}
    assert dates == {
        "naive.md": "2026-03-29T10:00:00+03:00",  # summer time: the site's zone, not UTC and not a fixed +02:00
        "bare.md": "2026-02-12T00:00:00+02:00",  # a date alone: the start of that day
        "twice.md": "2026-10-25T03:30:00+03:00",  # shown twice by the clocks: the first (summer) one
    }


def test_front_matter_date_in_the_spring_forward_gap_is_an_error(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        """\
        -- seeds/2026/03/gap.md --
        ---
        title: "Година, якої немає"
        tags: []
        date: 2026-03-29T03:30
        ---
        Текст.
        """
    )
    with pytest.raises(SitegenError) as info:
        load_site(site, BuildOptions(future=True))
    assert info.value.format() == (
        "seeds/2026/03/gap.md:4: date: 2026-03-29 03:30 does not exist in Europe/Kyiv: the clocks skip that hour "
        "(write the time after the change, or give the UTC offset: 2026-03-29T04:30:00+03:00)"
        "\n    date: 2026-03-29T03:30"
    )


def test_status_lists_drafts_scheduled_and_next_instant(make_site, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    monkeypatch.setenv("SITEGEN_NOW", "2026-03-29T00:15:00+00:00")
    assert main(["status", "--site", str(site)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "drafts: 1",
        "  seeds/2026/10/draft.md  Чернетка",
        "scheduled: 4",
        "  2026-03-29 04:30 EEST (+03:00)  seeds/2026/03/spring.md  Весняна новина",
        "  2026-03-29 11:00 EEST (+03:00)  seeds/2026/03/wrong-offset.md  Новина з зимовим зсувом",
        "  2026-10-25 03:30 EEST (+03:00)  seeds/2026/10/330-dst.md  Перша пів на четверту",
        "  2026-10-25 03:30 EET (+02:00)  seeds/2026/10/330-after.md  Друга пів на четверту",
        "next publish: 2026-03-29 04:30 EEST (+03:00), in 1 h 15 min (rebuild then)",
    ]


def test_status_after_everything_is_published(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(DST_SITE)
    report = read_status(site, utc("2026-12-01T00:00:00+02:00"))
    assert report.next_publish is None
    assert report.lines() == [
        "drafts: 1",
        "  seeds/2026/10/draft.md  Чернетка",
        "scheduled: none",
        "next publish: nothing scheduled",
    ]


def test_status_nothing_to_report(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        """\
        -- seeds/2026/02/a.md --
        ---
        title: "Стаття"
        date: 2026-02-12T18:10:00+02:00
        ---
        Текст.
        """
    )
    run = run_main("status", "--site", str(site), env={"SITEGEN_NOW": "2026-02-13T00:00:00+02:00"})
    assert (run.code, run.err) == (0, "")
    assert run.out == "nothing to report: no drafts and no scheduled pages (1 published)\n"


def test_status_reports_source_errors_like_build(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site('-- seeds/2026/02/a.md --\n---\ntitle: "X"\n---\nТекст.\n')
    run = run_main("status", "--site", str(site))
    assert run.code == 1
    assert run.err.startswith("error: seeds/2026/02/a.md:1: date: required")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "under a minute"), (4, "4 min"), (60, "1 h"), (185, "3 h 5 min"), (2 * 1440, "2 d"), (1440 + 180, "1 d 3 h")],
)
def test_status_delay_texts(minutes: int, text: str) -> None:
    from datetime import timedelta

    assert format_delay(timedelta(minutes=minutes, seconds=30)) == text


def test_status_instant_shows_seconds_only_when_set() -> None:
    from zoneinfo import ZoneInfo

    kyiv = ZoneInfo("Europe/Kyiv")
    assert format_instant(datetime(2026, 1, 5, 9, 0, tzinfo=kyiv)) == "2026-01-05 09:00 EET (+02:00)"
    assert format_instant(datetime(2026, 7, 5, 9, 0, 7, tzinfo=kyiv)) == "2026-07-05 09:00:07 EEST (+03:00)"


EDGE_DATES_SITE = """\
-- seeds/1900/01/first.md --
---
title: "Найдавніша"
date: 1900-01-01T00:00:00+14:00
tags: [Історія]
---
Текст.
-- seeds/2200/12/last.md --
---
title: "Найпізніша"
date: 2200-12-31T23:59:59-12:00
tags: [Історія]
---
Текст.
"""


def test_schedule_dates_at_the_edges_of_the_range_work_in_every_command(  # type: ignore[no-untyped-def]
    make_site, monkeypatch, capsys, tmp_path
) -> None:
    """Fault 3: `9999-12-31T23:59:59+02:00` built but crashed check, status, publish and build --future."""
    site = make_site(EDGE_DATES_SITE)
    monkeypatch.setenv("SITEGEN_NOW", "2026-03-29T00:15:00+00:00")
    assert main(["build", "-q", "--site", str(site), "--future"]) == 0
    assert (site / "site" / "editions" / "2201-w01" / "index.html").is_file()  # 2201-01-01 in Kyiv
    assert (site / "site" / "editions" / "1899-w52" / "index.html").is_file()  # 1899-12-31 in Kyiv
    assert main(["check", "-q", "--site", str(site)]) == 0
    assert main(["status", "--site", str(site)]) == 0
    assert "2201-01-01 13:59:59 EET (+02:00)  seeds/2200/12/last.md  Найпізніша" in capsys.readouterr().out
    assert main(["publish", "-q", "--site", str(site), "--to", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().err == ""
