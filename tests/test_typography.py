"""Typography of the page's language: quotes, dashes, ellipses, no-break spaces; never in code, URLs or attributes."""

from __future__ import annotations

import json

import pytest

from sitegen import text
from sitegen.build import build
from sitegen.content.typography import typeset_text
from sitegen.render.markdown import render_markdown

NB = "\u00a0"


@pytest.mark.parametrize(
    ("source", "lang", "expected"),
    [
        ('"Я знаю, …", - підкреслив він', "uk", f"«Я знаю, …»,{NB}— підкреслив він"),
        ('"Він сказав: "так" і пішов"', "uk", "«Він сказав: „так“ і пішов»"),
        ("Чекаємо...", "uk", "Чекаємо…"),
        ("Україна — НАТО", "uk", f"Україна{NB}— НАТО"),
        ("Україна -- НАТО", "uk", f"Україна{NB}— НАТО"),
        ("п'ятниця, об'єкт", "uk", "п’ятниця, об’єкт"),
        ("5 км, 3 млн грн, 2026 р., 40 %", "uk", f"5{NB}км, 3{NB}млн грн, 2026{NB}р., 40{NB}%"),
        ("наказ № 12 і №7", "uk", f"наказ №{NB}12 і №{NB}7"),
        ("1990-2000 роки, температура -5", "uk", "1990-2000 роки, температура -5"),
        ('He said "a "nested" quote" - fine', "en", f"He said “a ‘nested’ quote”{NB}— fine"),
        ("it's", "en", "it’s"),
    ],
)
def test_typography_plain_text(source: str, lang: str, expected: str) -> None:
    assert typeset_text(source, lang) == expected


def test_typography_markdown_leaves_code_urls_and_attributes_alone() -> None:
    source = (
        '"Цитата" - текст `"код" - 5 км` і [посилання "x"](https://example.org/a-b..."c" "Заголовок - \\"q\\"").\n\n'
        "<https://example.org/x...y>\n\n"
        '```\n"блок" - коду...\n```\n'
    )
    html = render_markdown(source, "uk").html
    assert html.startswith(f"<p>«Цитата»{NB}— текст <code>&quot;код&quot; - 5 км</code>")
    assert 'href="https://example.org/a-b...%22c%22"' in html
    assert 'title="Заголовок - &quot;q&quot;"' in html
    assert ">посилання «x»</a>" in html
    assert '<a href="https://example.org/x...y">https://example.org/x...y</a>' in html
    assert "<pre><code>&quot;блок&quot; - коду...\n</code></pre>" in html


def test_typography_english_page(make_site) -> None:
    site = make_site(
        """\
-- seeds/2026/02/en.md --
---
title: 'Rutte: "talks" - maybe'
date: 2026-02-12T18:10:00+02:00
lang: en
slug: en
summary: "He said 'yes'..."
---
"Quote "inner" end" - done.
"""
    )
    out = build(site).out_dir
    html = (out / "2026/02/en/index.html").read_text("utf-8")
    assert f'<h1 class="article-title">Rutte: “talks”{NB}— maybe</h1>' in html
    assert '<p class="lead">He said ‘yes’…</p>' in html
    assert f"<p>“Quote ‘inner’ end”{NB}— done.</p>" in html
    feed = json.loads((out / "feed.json").read_text("utf-8"))["items"][0]
    assert feed["title"] == f"Rutte: “talks”{NB}— maybe" and feed["summary"] == "He said ‘yes’…"


def test_typography_reaches_titles_notes_feeds_and_editions(make_site) -> None:
    site = make_site(
        """\
-- seeds/2026/02/a.md --
---
title: 'НАТО може стати "тилом" - підсумки'
date: 2026-02-12T18:10:00+02:00
slug: a
summary: 'Рютте: "Ми підтримуємо Україну"...'
curator_note: 'Варто читати - "важливо".'
---
Текст.
-- seeds/editions/2026-w07.md --
---
title: 'Тиждень "дипломатії" - підсумки'
---
Вступ - "коротко".
"""
    )
    out = build(site).out_dir
    html = (out / "2026/02/a/index.html").read_text("utf-8")
    title = f"НАТО може стати «тилом»{NB}— підсумки"
    assert f'<h1 class="article-title">{title}</h1>' in html
    assert f'<meta property="og:title" content="{title}">' in html
    assert '<p class="lead">Рютте: «Ми підтримуємо Україну»…</p>' in html
    assert f"<p>Варто читати{NB}— «важливо».</p>" in html
    edition = (out / "editions/2026-w07/index.html").read_text("utf-8")
    assert f"Тиждень «дипломатії»{NB}— підсумки" in edition and f"<p>Вступ{NB}— «коротко».</p>" in edition
    atom = (out / "feed.xml").read_text("utf-8")
    assert f"<title>{title}</title>" in atom


@pytest.mark.parametrize(
    "variant",
    ['"тилом"', "«тилом»", "„тилом“", "“тилом”", "‘тилом’", "'тилом'", "‹тилом›", "‚тилом‘", "«„тилом“»"],
)
def test_typography_search_treats_every_quote_style_alike(variant: str) -> None:
    """The search pipeline (mirrored in uk-text.js; parity: tests/browser/test_search_parity.py) drops quotes."""
    assert text.terms(f"НАТО може стати {variant} для миротворців") == text.terms(
        "НАТО може стати тилом для миротворців"
    )
