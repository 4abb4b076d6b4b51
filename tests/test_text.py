"""The Ukrainian text pipeline (`sitegen.text`): word forms meet, variants fold, English keeps working."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sitegen.text
from sitegen.text import SPEC, is_stop_word, normalize, spec_json, stem, terms, tokenize


def one_term(word: str) -> str:
    found = terms(word)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "forms",
    [
        ["Україна", "України", "Україні", "Україну", "Україною", "УКРАЇНА", "україна"],
        ["переговори", "переговорів", "переговорах", "переговорами", "Переговори"],
        ["делегація", "делегації", "делегацію", "делегацією"],
        ["Брюссель", "Брюсселя", "Брюсселі", "Брюсселем"],
        ["пам'ять", "пам’ять", "памʼять", "пам`ять", "ПАМ’ЯТЬ", "пам‘ять"],
        ["з’їзд", "з'їзд", "зʼїзд", "з'їзду", "з’їзді"],
        ["Ґрунт", "ґрунт", "грунт", "ґрунту", "Грунті"],
        ["Рютте", "Рютте", "РЮТТЕ"],
        ["безпековий", "безпекового", "безпековому", "безпековим", "безпекових"],
        ["talks", "talk", "Talks", "TALK"],
        ["images", "image", "Images"],
    ],
)
def test_text_word_forms_share_one_term(forms: list[str]) -> None:
    assert len({one_term(f) for f in forms}) == 1, {f: one_term(f) for f in forms}


@pytest.mark.parametrize(
    ("a", "b"),
    [("Україна", "Росія"), ("переговори", "перемога"), ("Київ", "київський"), ("news", "new york")],
)
def test_text_different_words_keep_different_terms(a: str, b: str) -> None:
    assert terms(a) != terms(b)


def test_text_normalize_folds_case_stress_soft_hyphen_and_apostrophes() -> None:
    assert normalize("Перегово\u0301ри") == "переговори"
    assert normalize("пере\u00adговори") == "переговори"
    assert normalize("Пам’ять і пам'ять") == "память і память"
    assert normalize("ҐАНОК, ёлка, ъ") == "ганок, елка, "
    assert normalize("«Рютте»:") == "«рютте»:"  # punctuation stays; tokenize splits on it


def test_text_normalize_recomposes_letters_with_diacritics() -> None:
    decomposed = "i\u0308жак й\u0306"  # і + combining diaeresis, и + combining breve
    assert normalize("Ї") == "ї"
    assert normalize("\u0407") == normalize("\u0406\u0308") == "ї"
    assert tokenize(decomposed)[1] == "й"


def test_text_tokenize_splits_on_punctuation_dashes_and_odd_spaces() -> None:
    assert tokenize("Україна—НАТО, 2\u202f000 грн; «Рютте»: (Getty Images) e-mail COVID-19 ЗСУ/ППО") == [
        "україна",
        "нато",
        "2",
        "000",
        "грн",
        "рютте",
        "getty",
        "images",
        "e",
        "mail",
        "covid",
        "19",
        "зсу",
        "ппо",
    ]
    assert tokenize("наголосила,що") == ["наголосила", "що"]
    assert tokenize("... — – ! <img src=x onerror=alert(1)>") == ["img", "src", "x", "onerror", "alert", "1"]
    assert tokenize("") == []


def test_text_latin_look_alikes_inside_cyrillic_words_become_cyrillic() -> None:
    assert tokenize("Kиїв") == ["київ"]  # Latin K
    assert tokenize("Укpаїна") == ["україна"]  # Latin p
    assert tokenize("HATO") == ["hato"]  # all Latin: left alone
    assert tokenize("Getty") == ["getty"]


def test_text_stop_words_are_dropped_by_terms_only() -> None:
    assert tokenize("і в Україні") == ["і", "в", "україні"]
    assert terms("і в Україні") == ["україн"]
    assert terms("The talks in Brussels") == ["talk", "brussel"]
    assert is_stop_word("що") and not is_stop_word("україна")


def test_text_stem_leaves_short_words_numbers_and_mixed_tokens() -> None:
    assert stem("мир") == "мир"
    assert stem("2026") == "2026"
    assert stem("covid19") == "covid19"
    assert stem("class") == "class"
    assert stem("bus") == "bus"
    assert stem("policies") == "policy"


def test_text_stem_removes_one_ending_then_tidies() -> None:
    assert stem("україною") == "україн"
    assert stem("рютте") == "рют"  # -е off, then тт -> т
    assert stem("ірпінь") == "ірпін"
    assert stem("осінню") == "осін"  # -ю off, then нн -> н


@pytest.mark.parametrize(
    "forms",
    [
        "гарантія гарантії гарантій гарантіями гарантіях",  # -ія nouns: the ending, then the final vowel
        "посадовець посадовця посадовцем посадовці посадовцями",  # a fleeting е
        "порядок порядку порядком порядки",  # a fleeting о
        "можливість можливості можливостей можливістю",  # і in the closed final syllable
        "зусилля зусиллям зусиллі",  # a doubled consonant
        "заявив заявила заявили заявить заявлю заявлять",  # past tense, present, an epenthetic л
        "вважати вважав вважала вважають вважатиме вважаю вважано",  # infinitive, future, participle
        "вирішуватися вирішувалася вирішуються вирішувалися",  # reflexive, -ува-
        "безпековий безпекові безпекова безпекових",  # adjectives in -овий
    ],
)
def test_text_stem_merges_the_forms_of_a_word(forms: str) -> None:
    assert len({stem(normalize(f)) for f in forms.split()}) == 1, {f: stem(normalize(f)) for f in forms.split()}


def test_text_stem_keeps_apart_what_differs() -> None:
    stems = [stem(w) for w in ["україна", "росія", "франція", "переговори", "посадовець", "сила", "школа", "держава"]]
    assert len(set(stems)) == len(stems)


def test_text_data_lives_in_one_json_file() -> None:
    path = Path(sitegen.text.__file__).with_name("uk.json")
    assert json.loads(path.read_text(encoding="utf-8")) == SPEC == json.loads(spec_json())
    assert SPEC["version"] >= 1
    assert all(w == normalize(w) for w in SPEC["stop_words"])


def test_text_docstring_example_holds() -> None:
    import doctest

    assert doctest.testmod(sitegen.text).failed == 0


def test_text_normalize_fast_path_equals_the_unicode_round_trip() -> None:
    """Plain text skips NFD/NFC (sitegen.text._PLAIN); on any mix of letters, marks, apostrophes and
    look-alikes the result is the full round trip's."""
    import random
    import unicodedata

    from sitegen.text import _DELETE, _FOLDS

    def round_trip(value: str) -> str:
        decomposed = unicodedata.normalize("NFD", value.lower()).translate(_DELETE)
        return unicodedata.normalize("NFC", decomposed).translate(_FOLDS)

    alphabet = (
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВҐЄІЇЁЫЭЪёыэъ"
        "abcdeéèáñçßİıΣσςΑΩ'’ʼ`´‘′ʹ＇‛ʻ\u0301\u0300\u0306\u0308\u00ad\u200b\u200d\ufeff"
        "ѓќѝѐ й ї «»—–-.,;:!?0123456789 \n\t\u00a0\u202f№"
    )
    rng = random.Random(14)
    for _ in range(3000):
        sample = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert normalize(sample) == round_trip(sample), repr(sample)


def test_text_plain_characters_table_is_what_unicode_gives() -> None:
    """The fast path's characters are kept as a table (working them out took 20-40 ms of every start): it is the
    set worked out from this Python's Unicode data and `uk.json`, and `_PLAIN` matches exactly those."""
    import unicodedata

    from sitegen.text import _PLAIN, _PLAIN_RANGES, _code_ranges, _plain_codes, _plain_ranges

    codes = _plain_codes()
    assert _plain_ranges() == _code_ranges(codes)
    if unicodedata.unidata_version in ("14.0.0", "15.0.0", "15.1.0"):
        assert _plain_ranges() is _PLAIN_RANGES
    plain = set(codes) | {ord("\n"), ord("\t")}
    assert [c for c in range(0x10000) if _PLAIN.fullmatch(chr(c))] == sorted(plain)


def test_text_term_counts_equal_counting_terms_on_any_text() -> None:
    """`terms` and `term_counts` (white-space pieces, each through the pipeline once) give the stems of
    `tokenize`'s words, stop words left out, on random mixes of words, marks, apostrophes, dashes, odd spaces
    and look-alikes; repeated texts use the cache."""
    import random
    from collections import Counter

    from sitegen.text import is_stop_word, stem, term_counts, tokenize

    words = ["Україна", "України", "НАТО", "Kиїв", "п'ять", "пʼять", "будь-який", "Нью-Йорк", "та", "і", "Рютте"]
    alphabet = (
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВҐЄІЇЁЫЭЪёыэъabcdeéèñßİıΣσςΑΩ"
        "'’ʼ`´\u0301\u0300\u0306\u0308\u00ad\u200b\u200d\ufeff«»—–-.,;:!?0123456789 \n\t\u00a0\u202f\u2003\u3000"
    )
    rng = random.Random(1414)
    for _ in range(2000):
        parts = [rng.choice(words) if rng.random() < 0.5 else rng.choice(alphabet) for _ in range(rng.randint(0, 20))]
        sample = "".join(p + (rng.choice(" \n\u00a0") if rng.random() < 0.4 else "") for p in parts)
        expected = [stem(token) for token in tokenize(sample) if not is_stop_word(token)]
        for _ in range(2):
            assert terms(sample) == expected, repr(sample)
            assert term_counts(sample) == Counter(expected), repr(sample)


def test_text_white_space_takes_no_part_in_normalisation() -> None:
    """What `term_counts` relies on: every character `str.split` splits on stays a non-word character
    through `normalize`, and normalising across it is normalising each side (no composition, no reordering
    of marks, no case context), beside letters, combining marks and apostrophes."""
    import re
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert " " in spaces and "\u00a0" in spaces
    word = re.compile(f"[{SPEC['word_chars']}]")
    marks = [chr(c) for c in (*range(0x300, 0x370, 9), 0x301, 0x306, 0x308, 0x338, 0x483, 0x20DD)]
    sides = [*marks, "а", "и", "e", "Σ", "'", "’", "<", "\u00ad", ""]
    for space in spaces:
        assert not word.search(normalize(space)), hex(ord(space))
        for left in sides:
            for right in sides:
                assert normalize(left + space + right) == normalize(left) + normalize(space) + normalize(right)
