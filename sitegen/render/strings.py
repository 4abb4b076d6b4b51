"""Theme strings in the page's language, with Babel for dates and CLDR plural forms."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date as Date
from datetime import datetime as DateTime
from datetime import time as Time
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_time


@lru_cache(maxsize=65536)
def _day(year: int, month: int, day: int, locale: Locale) -> str:
    """`d MMMM yyyy` of one calendar day, memoised across pages: an article's date shows on its page,
    the home page, every tag page, its edition and its archive month (one `Strings` is made per page)."""
    return format_date(Date(year, month, day), "d MMMM yyyy", locale=locale)


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, locale: Locale) -> str:
    """`HH:mm` of one time of day, memoised: Babel takes longer to format it than the rest of an article's dateline."""
    return format_time(Time(hour, minute), "HH:mm", locale=locale)


@lru_cache(maxsize=4096)
def _plural_form(count: int, locale: Locale) -> str:
    """The CLDR plural category of `count` (memoised: Babel evaluates the rule's conditions on every call)."""
    form: str = locale.plural_form(count)
    return form


@lru_cache(maxsize=4096)
def _day_range(start: Date, end: Date, locale: Locale) -> str:
    """`Strings.date_range`, memoised: every article of an edition names the edition's range."""
    if start == end:
        return _day(start.year, start.month, start.day, locale)
    last = _day(end.year, end.month, end.day, locale)
    if (start.year, start.month) == (end.year, end.month):
        return f"{format_date(start, 'd', locale=locale)}–{last}"
    if start.year == end.year:
        return f"{format_date(start, 'd MMMM', locale=locale)} – {last}"
    return f"{_day(start.year, start.month, start.day, locale)} – {last}"


class Strings:
    """The theme's words for one language: `s.tags`, `s.plural('articles', 5)`, `s.date(d)`."""

    def __init__(self, lang: str, table: Mapping[str, Any], source: str) -> None:
        self.lang = lang
        self._table = table
        self._source = source
        self._locale = Locale.parse(lang.replace("-", "_"))

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        return self[key]

    def __getitem__(self, key: str) -> Any:
        try:
            return self._table[key]
        except KeyError:
            raise KeyError(f"no string '{key}' for language '{self.lang}' in {self._source}") from None

    def plural(self, key: str, count: int) -> str:
        """`'5 статей'` from `{one: '{n} стаття', few: '{n} статті', many: '{n} статей', other: …}`."""
        forms = self[key]
        form = _plural_form(count, self._locale)
        text = forms.get(form) or forms.get("other") or forms.get("many")
        return str(text).replace("{n}", str(count))

    def plural_categories(self, upto: int) -> str:
        """The CLDR plural category of 0 … upto-1, a letter each (`one` -> `o`, `other` -> `x`), for scripts."""
        letters = {"zero": "z", "one": "o", "two": "t", "few": "f", "many": "m", "other": "x"}
        return "".join(letters[_plural_form(n, self._locale)] for n in range(upto))

    def format(self, key: str, **values: Any) -> str:
        """`s.format('page_of', n=2, total=5)` -> `'Сторінка 2 з 5'`."""
        text = str(self[key])
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def date(self, value: DateTime | Date) -> str:
        """`12 лютого 2026`: the genitive month, as CLDR's format pattern gives it."""
        return _day(value.year, value.month, value.day, self._locale)

    def datetime(self, value: DateTime) -> str:
        """`12 лютого 2026, 18:10`."""
        return self.date(value) + ", " + self.time(value)

    def time(self, value: DateTime) -> str:
        """`18:10`: the time of day, as under a day heading of the archive."""
        return _clock(value.hour, value.minute, self._locale)

    def month(self, value: DateTime | Date) -> str:
        """`лютий 2026`: the stand-alone (nominative) month for headings."""
        if isinstance(value, DateTime):
            return format_datetime(value, "LLLL yyyy", locale=self._locale)
        return format_date(value, "LLLL yyyy", locale=self._locale)

    def weekday(self, value: DateTime | Date) -> str:
        """`четвер`: the day of the week (a daily edition's kicker)."""
        return format_date(value, "EEEE", locale=self._locale)

    def month_name(self, value: DateTime | Date) -> str:
        """`лютий`: the stand-alone (nominative) month name alone, for a month inside its year."""
        return format_date(value, "LLLL", locale=self._locale)

    def date_range(self, start: Date, end: Date) -> str:
        """`9–15 лютого 2026`, `26 січня – 1 лютого 2026`, `29 грудня 2025 – 4 січня 2026` (genitive months).

        Babel's `format_interval` has only abbreviated month intervals for `uk` ("9–15 лют. 2026 р."),
        so the range is put together from `d MMMM` parts here.
        """
        return _day_range(start, end, self._locale)
