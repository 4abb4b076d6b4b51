"""Reader-facing lists: numbered pagination (first, last, a window) and the tags index grouped by first letter."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from sitegen.build import BuildOptions, build
from sitegen.render.pagination import page_numbers, pagination


@pytest.mark.parametrize(
    ("n", "total", "expected"),
    [
        (1, 1, [1]),
        (1, 5, [1, 2, 3, 4, 5]),
        (1, 43, [1, 2, 3, 0, 43]),
        (10, 43, [1, 0, 8, 9, 10, 11, 12, 0, 43]),
        (43, 43, [1, 0, 41, 42, 43]),
        (4, 43, [1, 2, 3, 4, 5, 6, 0, 43]),  # one page between 1 and the window is shown, not a gap
        (5, 43, [1, 2, 3, 4, 5, 6, 7, 0, 43]),
        (6, 43, [1, 0, 4, 5, 6, 7, 8, 0, 43]),
    ],
)
def test_page_numbers_first_last_and_a_window(n: int, total: int, expected: list[int]) -> None:
    assert page_numbers(n, total) == expected


def test_pagination_links_pages_by_url() -> None:
    view = pagination("/tags/nato/", 2, 3)
    assert [(p["number"], p["url"], p["current"]) for p in view["pages"]] == [
        (1, "/tags/nato/", False),
        (2, "/tags/nato/page/2/", True),
        (3, "/tags/nato/page/3/", False),
    ]
    assert (view["prev_url"], view["next_url"]) == ("/tags/nato/", "/tags/nato/page/3/")


def test_tags_index_groups_by_first_letter_in_ukrainian_alphabet_order(make_site) -> None:  # type: ignore[no-untyped-def]
    names = ["Їжа", "Європа", "Ґрунт", "Гроші", "Іспанія", "ЄС", "NATO", "2026", "аграрії", "Ізраїль"]
    site = make_site(
        f'-- seeds/2026/02/a.md --\n---\ntitle: "А"\ndate: 2026-02-12T10:00:00+02:00\ntags: {names}\n---\nТекст.\n'
    )
    out = build(site, BuildOptions(now=datetime(2026, 3, 1, tzinfo=UTC))).out_dir
    html = (out / "tags/index.html").read_text("utf-8")
    bar = html.split('<nav class="letter-bar"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#letter-([^"]+)">([^<]+)<', bar) == [
        ("А", "А"), ("Г", "Г"), ("Ґ", "Ґ"), ("Є", "Є"), ("І", "І"), ("Ї", "Ї"), ("N", "N"), ("other", "Інше"),
    ]  # fmt: skip
    listed = re.findall(r'<li><a href="/tags/[^"]+/">([^<]+)</a> <span class="count">1 стаття</span></li>', html)
    assert listed == ["аграрії", "Гроші", "Ґрунт", "Європа", "ЄС", "Ізраїль", "Іспанія", "Їжа", "NATO", "2026"]
    for anchor in ("А", "Ґ", "other"):
        assert f'<section class="tag-letter" id="letter-{anchor}"' in html
