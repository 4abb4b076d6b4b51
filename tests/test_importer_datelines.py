"""Importer datelines: every weekday and month, any capitalisation, every apostrophe form, both layouts.

The table is the product of weekdays × months × apostrophe forms × capitalisations × time forms, in
the two raw layouts (`09:24, 2 лютого 2026` and `Брюссель, Четвер 12 лютого 2026 18:10`), with and
without the weekday. Issue 15 began with a Friday written `П'ятниця` that lost its article's date,
time and place.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sitegen.importer.layouts import parse_dateline
from sitegen.importer.raw import parse_raw
from tests.conftest import FIXTURES

KYIV = ZoneInfo("Europe/Kyiv")
WEEKDAYS = ["понеділок", "вівторок", "середа", "четвер", "п'ятниця", "субота", "неділя"]
MONTHS = ["січня", "лютого", "березня", "квітня", "травня", "червня"]
MONTHS += ["липня", "серпня", "вересня", "жовтня", "листопада", "грудня"]
APOSTROPHES = ["'", "\u2019", "\u02bc", "`"]
CASINGS = [str.lower, str.capitalize, str.upper, str.title]
TIMES = [("18:10", (18, 10)), ("18.10", (18, 10)), ("о 09:45", (9, 45)), ("о 09.45", (9, 45)), ("7:05", (7, 5))]


def place_first(weekday: str | None, month: str, time: str) -> str:
    day = f"{weekday} " if weekday else ""
    return f"Брюссель, {day}12 {month} 2026 {time}"


def time_first(weekday: str | None, month: str, time: str) -> str:
    day = f"{weekday}, " if weekday else ""
    return f"{time}, {day}12 {month} 2026"


@pytest.mark.parametrize("layout", [place_first, time_first], ids=["place-first", "time-first"])
@pytest.mark.parametrize("apostrophe", APOSTROPHES, ids=["ascii", "right-quote", "modifier", "grave"])
@pytest.mark.parametrize(("time", "clock"), TIMES, ids=[t for t, _ in TIMES])
def test_dateline_every_weekday_month_apostrophe_and_case(layout, apostrophe: str, time: str, clock) -> None:  # type: ignore[no-untyped-def]
    misses = []
    for number, month in enumerate(MONTHS, 1):
        expected = datetime(2026, number, 12, *clock, tzinfo=KYIV)
        for weekday in [*WEEKDAYS, None]:
            for casing in CASINGS:
                shown = casing(weekday.replace("'", apostrophe)) if weekday else None
                line = layout(shown, casing(month), time)
                found = parse_dateline(line, KYIV)
                place = "Брюссель" if layout is place_first else None
                if found is None or found.when != expected or found.place != place:
                    misses.append(f"{line!r} -> {found}")
    assert misses == []


@pytest.mark.parametrize(
    ("line", "place", "when"),
    [
        ("Брюссель, П'ятниця 13 лютого 2026 18:10", "Брюссель", "2026-02-13T18:10:00+02:00"),
        ("Брюссель, ПʼЯТНИЦЯ, 13 лютого 2026, 18:10", "Брюссель", "2026-02-13T18:10:00+02:00"),
        ("П’ятниця, 13 лютого 2026 о 18:10", None, "2026-02-13T18:10:00+02:00"),
        ("Слов'янськ, п`ятниця 13 лютого 2026 р. 18.10", "Слов'янськ", "2026-02-13T18:10:00+02:00"),
        ("Київ, 29 березня 2026, 10:00", "Київ", "2026-03-29T10:00:00+03:00"),
        ("Москва, Пятница 13 февраля 2026 18:10", "Москва", "2026-02-13T18:10:00+02:00"),
        ("Brussels, Friday 13 February 2026 18:10", "Brussels", "2026-02-13T18:10:00+02:00"),
        ("09:24, 2 лютого 2026", None, "2026-02-02T09:24:00+02:00"),
    ],
)
def test_dateline_written_forms(line: str, place: str | None, when: str) -> None:
    found = parse_dateline(line, KYIV)
    assert found is not None, line
    assert (found.place, found.when.isoformat()) == (place, when)


@pytest.mark.parametrize(
    "line",
    [
        "Брюссель, П'ятниця 31 лютого 2026 18:10",  # no such day
        "Брюссель, П'ятниця 13 лютого 2026 25:10",  # no such hour
        "Брюссель, П'ятниця 13 брюмера 2026 18:10",  # no such month
        "Генсек НАТО відповів, чи підтримує відновлення контактів",
        "UA EN RU",
    ],
)
def test_dateline_refuses_what_is_not_one(line: str) -> None:
    assert parse_dateline(line, KYIV) is None


@pytest.mark.parametrize("weekday", ["П'ятниця", "ПʼЯТНИЦЯ", "п’ятниця", "П`ятниця"])
def test_importer_keeps_the_dateline_of_an_article_written_on_a_friday(weekday: str) -> None:
    raw = (FIXTURES / "importer" / "seed-dateline-layout.txt").read_text("utf-8")
    assert "Брюссель, Четвер 12 лютого 2026 18:10" in raw
    friday = raw.replace("Брюссель, Четвер 12 лютого 2026 18:10", f"Брюссель, {weekday} 13 лютого 2026 18:10")
    article = parse_raw(friday.encode("utf-8"), "friday.txt", KYIV)
    assert article.date.isoformat() == "2026-02-13T18:10:00+02:00"
    assert article.location == "Брюссель"
    assert not any("dateline" in w for w in article.warnings), article.warnings
    assert article.title.startswith("Переговори з Кремлем?") and not article.summary.startswith("Брюссель")  # type: ignore[union-attr]
