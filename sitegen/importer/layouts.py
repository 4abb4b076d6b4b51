"""Recognisers for the pieces of a raw scraped article: header, dateline, photo credit, teasers, tag line.

Each takes one line (NBSP already turned into spaces) and returns what it found, or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

# Month names as they appear in datelines: Ukrainian and Russian genitive, and English.
MONTHS: dict[str, int] = {
    name: number
    for names in (
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "january february march april may june july august september october november december",
    )
    for number, name in enumerate(names.split(), 1)
}
LANGUAGE_CODES = {"ua": "uk", "uk": "uk", "en": "en", "ru": "ru"}

_HEADER = re.compile(r"^\s*date\s+(\d{4})-(\d{2})-(\d{2})\b\s*(.*)$")
_RUBRIC = re.compile(r"^\d+\.\s*(.+)$")
APOSTROPHES = "'\u2019\u02bc`\u2018\u2032"
"""Every way scraped text writes the Ukrainian apostrophe: ' ’ ʼ ` ‘ ′ (folded to one before matching)."""
WEEKDAYS: frozenset[str] = frozenset(
    (
        "понеділок вівторок середа четвер п'ятниця субота неділя "
        "понедельник вторник среда четверг пятница суббота воскресенье "
        "monday tuesday wednesday thursday friday saturday sunday"
    ).split()
)
"""Weekday names in datelines (Ukrainian, Russian, English), lowercase with the ASCII apostrophe."""
_FOLD_APOSTROPHES = str.maketrans({ch: "'" for ch in APOSTROPHES})
_WORD = r"[^\W\d_](?:[\w']*[^\W\d_])?"
_TIME = r"(?:(?:о|об|в|at)\s+)?(?P<{0}h>\d{{1,2}})[:.](?P<{0}m>\d{{2}})"
_DATE = rf"(?:(?P<weekday>{_WORD}),?\s+)?(?P<day>\d{{1,2}})\s+(?P<month>{_WORD})\s+(?P<year>\d{{4}})(?:\s*р\.?)?"
_DATELINE = re.compile(
    rf"^(?:(?P<place>[^,\d]+?),\s*)?(?:{_TIME.format('a')},?\s+)?{_DATE}(?:,?\s+{_TIME.format('b')})?$",
    re.IGNORECASE,
)
_SWITCHER = re.compile(r"^(?:(?:UA|EN|RU|UK)\s*)+$", re.I)
_PHOTO = re.compile(r"(?:Фото|Photo):\s*(?P<caption>.*?)\s*(?:\((?P<credit>[^()]+)\))?\s*$")
_AUTHOR = re.compile(r"^(?:Автор|Author):\s*(.+)$")
_TEASER = re.compile(r"^(?:Читайте також|Читайте также|Read also|Read more)\s*:", re.I)
_SENTENCE_END = tuple('.!?:;…»"”)')


@dataclass(frozen=True, slots=True)
class Header:
    """The first line: the publication date and either a rubric or the site's language switcher."""

    day: tuple[int, int, int]
    rubric: str | None
    languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline: the local date and time and, in the second layout, the place."""

    when: datetime
    place: str | None


def parse_header(line: str) -> Header | None:
    """`date 2026-02-02   1. В Україні` or `date 2026-02-12 ua en ru`."""
    match = _HEADER.match(line)
    if not match:
        return None
    rest = match.group(4).strip()
    rubric = _RUBRIC.match(rest)
    words = rest.lower().split()
    languages = tuple(LANGUAGE_CODES[w] for w in words) if words and all(w in LANGUAGE_CODES for w in words) else ()
    day = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return Header(day=day, rubric=rubric.group(1).strip() if rubric else None, languages=languages)


def parse_dateline(line: str, zone: ZoneInfo) -> Dateline | None:
    """`09:24, 2 лютого 2026` or `Брюссель, Четвер 12 лютого 2026 18:10`, as an aware datetime in `zone`.

    Any capitalisation and apostrophe (`П'ЯТНИЦЯ`, `пʼятниця`), with or without the weekday and a
    comma after it, the time as `18:10`, `18.10` or `о 18:10`, before the date or after it.
    """
    text = " ".join(line.translate(_FOLD_APOSTROPHES).split())
    match = _DATELINE.match(text)
    if not match:
        return None
    place, weekday = match.group("place"), match.group("weekday")
    if place is not None and place.strip().casefold() in WEEKDAYS:  # `П'ятниця, 13 лютого …`: no place
        place, weekday = None, place
    if weekday is not None and weekday.casefold() not in WEEKDAYS:
        return None
    hour, minute = match.group("ah", "am") if match.group("ah") else match.group("bh", "bm")
    number = MONTHS.get(match.group("month").casefold())
    if number is None or hour is None or (match.group("ah") and match.group("bh")):
        return None
    try:
        when = datetime(int(match.group("year")), number, int(match.group("day")), int(hour), int(minute), tzinfo=zone)
    except ValueError:
        return None
    if place is not None:  # the place as written, with its own apostrophes (`Слов’янськ`)
        place = " ".join(line.split()).split(",", 1)[0]
    return Dateline(when=when, place=place.strip() if place else None)


def is_switcher(line: str) -> bool:
    """`UA EN RU`: the source site's language links."""
    return bool(_SWITCHER.match(line.strip()))


def parse_photo(line: str) -> tuple[str, str | None] | None:
    """`… Фото: Марк Рютте, генеральний секретар НАТО (Getty Images)` -> (caption, credit)."""
    match = _PHOTO.search(line)
    if not match or not match.group("caption"):
        return None
    return match.group("caption").strip(), (match.group("credit") or "").strip() or None


def parse_author(line: str) -> str | None:
    match = _AUTHOR.match(line.strip())
    return match.group(1).strip() if match else None


def is_teaser(line: str) -> bool:
    """`Читайте також: …`: a link to another story, not body text."""
    return bool(_TEASER.match(line.strip()))


def is_subheading(line: str) -> bool:
    """A short line without final punctuation standing between paragraphs."""
    text = line.strip()
    return 0 < len(text) <= 90 and not text.endswith(_SENTENCE_END) and len(text.split()) <= 12


def parse_tag_line(line: str) -> list[str] | None:
    """`НАТО Україна війна Бельгія`: a last line of a few words without punctuation."""
    text = line.strip()
    words = text.split()
    if not 1 <= len(words) <= 8 or any(ch in text for ch in '.,!?:;«»"()'):
        return None
    return words


def detect_language(text: str) -> str:
    """`uk`, `ru` or `en` from the letters: Ukrainian-only letters, Russian-only letters, or Latin script."""
    lower = text.lower()
    ukrainian = sum(lower.count(ch) for ch in "іїєґ")
    russian = sum(lower.count(ch) for ch in "ыэъё")
    cyrillic = sum(1 for ch in lower if "а" <= ch <= "я" or ch in "іїєґё")
    latin = sum(1 for ch in lower if "a" <= ch <= "z")
    if latin > cyrillic:
        return "en"
    return "ru" if russian > ukrainian else "uk"
