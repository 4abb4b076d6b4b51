"""Search treats every quote style alike, in the browser too: typeset text («», „“, “”, ‘’) and what readers type.

Typography (`sitegen/content/typography.py`) changes quotes and apostrophes in titles and bodies; a
reader types straight ones. The shared pipeline (`sitegen/text/uk.json`, mirrored by `uk-text.js`)
drops every quote and apostrophe, so both give the same terms on both sides.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from sitegen import text
from tests.conftest import REPO

SENTENCES = [
    f"НАТО може стати {q} для миротворців, п{a}ятниця"
    for q in ('"тилом"', "«тилом»", "„тилом“", "“тилом”", "‘тилом’", "'тилом'", "‹тилом›", "‚тилом‘", "«„тилом“»")
    for a in ("'", "’", "ʼ")
]


@pytest.fixture(scope="module")
def uk_text(browser: Browser) -> Iterator[Page]:
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><html><head></head><body></body></html>")
    page.add_script_tag(path=str(REPO / "themes/default/static/js/uk-text.js"))
    yield page
    page.close()


def test_quote_styles_give_one_set_of_terms_in_python_and_js(uk_text: Page) -> None:
    js_terms = uk_text.evaluate("([spec, s]) => { const t = sitegenText.make(spec); return s.map(x => t.terms(x)); }",
                                [text.SPEC, SENTENCES])  # fmt: skip
    expected = text.terms("НАТО може стати тилом для миротворців, пятниця")
    assert js_terms == [text.terms(s) for s in SENTENCES]
    assert all(terms == expected for terms in js_terms)
