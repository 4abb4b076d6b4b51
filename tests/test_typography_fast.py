"""`_fix_text`'s shortcuts (a dash looked for first, the dash rule starting at its space, the unit regex matching its
digit) change no output."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content import typography
from sitegen.content.typography import NBSP, UNITS

pytestmark = pytest.mark.timeout(60)

_SPACED_DASH_BEHIND = re.compile(r"(?<=\S)[ \t\u00a0]+(?:-{1,3}|\u2013|\u2014)(?=[ \t\n]|$)")
_NUMBER_UNIT_BEHIND = re.compile(r"(?<=\d)[ \t](?=(?:" + "|".join(re.escape(u) for u in UNITS) + r")(?!\w))")


def reference_fix_text(text: str, *, after_text: bool) -> str:
    """The rules as first written: every regex over every text."""
    text = _SPACED_DASH_BEHIND.sub(NBSP + "\u2014", text)
    if after_text:
        text = typography._DASH_AT_START.sub(NBSP + "\u2014", text)
    text = _NUMBER_UNIT_BEHIND.sub(NBSP, text)
    return typography._NUMERO.sub("№" + NBSP, text)


_PIECES = st.sampled_from(
    [" ", "\t", "\u00a0", "\n", "-", "--", "---", "\u2013", "\u2014", "5", "12", "№", "км", "млн", "р.", "%",
     "°C", "$", "kmh", "слово", "a", "_", "x²"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=16).map("".join), st.booleans())
def test_fix_text_equals_the_plain_rules(text: str, after_text: bool) -> None:
    assert typography._fix_text(text, after_text=after_text) == reference_fix_text(text, after_text=after_text)


def test_fix_text_cases() -> None:
    for text in (
        "5 5 км",
        "1 2 3 млн",
        "слово - слово",
        " — так",
        "№ 5 і № 6",
        "40 % і 3 кг",
        "5\t$",
        "а - - б",
        "а\n - б",
        "а  \u00a0--- б",
        "а ---- б",
        "а -\u00a0б",
        "а -",
    ):
        for after_text in (False, True):
            assert typography._fix_text(text, after_text=after_text) == reference_fix_text(text, after_text=after_text)
    assert typography._fix_text("5 5 км", after_text=False) == "5 5\u00a0км"
