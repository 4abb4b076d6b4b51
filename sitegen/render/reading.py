"""Reading time, language-aware: Cyrillic and Latin words are read at different speeds.

Rates are silent-reading speeds measured with the same standardized texts in many languages by
the IReST study (Trauzettel-Klosinski & Dietz, "Standardized Assessment of Reading Performance:
The New International Reading Speed Texts IReST", IOVS 53(9):5452-5461, 2012,
doi:10.1167/iovs.11-8284): English 228 ± 30 words per minute, Russian 184 ± 32 (Ukrainian was
not measured; Russian is the closest Cyrillic language, with similarly long inflected words).
Every other tool uses one constant for every script (features.md §3.17).
"""

from __future__ import annotations

import math
import re

CYRILLIC_WPM = 180
"""Words per minute of Cyrillic text (IReST Russian: 184)."""
LATIN_WPM = 230
"""Words per minute of Latin-script text (IReST English: 228)."""
OTHER_WPM = 200
"""Words in other scripts (Greek, Georgian, …): a middle value. Numbers are not counted as words."""

_WORD = re.compile(r"[^\W\d_](?:[\w’ʼ'-]*\w)?")
_CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def word_counts(text: str) -> tuple[int, int, int]:
    """(Cyrillic, Latin, other) words of `text`; a word's script is that of its first letter."""
    cyrillic = latin = other = 0
    for match in _WORD.finditer(text):
        first = match.group(0)[0]
        if _CYRILLIC.match(first):
            cyrillic += 1
        elif _LATIN.match(first):
            latin += 1
        else:
            other += 1
    return cyrillic, latin, other


def reading_minutes(text: str) -> int:
    """Whole minutes to read `text` (at least 1): each script's words at its own rate, rounded up."""
    cyrillic, latin, other = word_counts(text)
    minutes = cyrillic / CYRILLIC_WPM + latin / LATIN_WPM + other / OTHER_WPM
    return max(1, math.ceil(minutes - 1e-9))
