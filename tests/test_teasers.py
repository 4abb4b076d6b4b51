"""List items (`partials/teaser.html`): rendered once per article and heading level, the same bytes in every list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.engine import Engine, EngineOptions

pytestmark = pytest.mark.timeout(30)

ARTICLE = (
    '---\ntitle: "{title}"\ndate: 2026-02-{day:02d}T10:00:00+02:00\ncategory: "Політика"\n'
    'tags: ["НАТО", "ЄС"]\nsummary: "Коротко {day}."\n---\nТекст {day}.\n'
)


def _site(make_site, own_teaser: str = "") -> Path:  # type: ignore[no-untyped-def]
    files = 'title: "Т"\nbase_url: "https://example.org/"\n'
    txtar = "-- sitegen.yaml --\n" + files
    for day in (10, 11, 12):
        txtar += f"-- seeds/2026/02/a{day}.md --\n" + ARTICLE.format(title=f"Стаття {day}", day=day)
    if own_teaser:
        txtar += "-- templates/partials/teaser.html --\n" + own_teaser
    site: Path = make_site(txtar)
    return site


def _items(html: bytes) -> list[str]:
    return re.findall(r'<li class="teaser">.*?</li>\n(?=<li class="teaser"|</ol>)', html.decode(), re.S)


def test_an_article_is_the_same_item_in_every_list_of_one_level(make_site) -> None:  # type: ignore[no-untyped-def]
    outputs = Engine(_site(make_site)).build_in_memory().outputs
    tag, rubric = outputs["tags/nato/index.html"], outputs["rubrics/polityka/index.html"]
    assert len(_items(tag)) == 3 and _items(tag) == _items(rubric)
    assert '<h2 class="teaser-title"><a href="/2026/02/a12/">Стаття 12</a></h2>' in _items(tag)[0]
    latest = _items(outputs["404.html"])  # (the home page shows them in its edition, with their notes)
    assert len(latest) == 3 and latest == [item.replace("h2", "h3") for item in _items(tag)]
    month = outputs["2026/02/index.html"].decode()
    assert '<time class="meta" datetime="2026-02-12T10:00:00+02:00">10:00</time>' in month  # under its day's heading


def test_a_site_teaser_template_is_used_in_every_list(make_site) -> None:  # type: ignore[no-untyped-def]
    own = '<li class="mine">{{ a.title }} h{{ level }} {{ lang }} {{ s.tags_label }}</li>\n'
    outputs = Engine(_site(make_site, own)).build_in_memory().outputs
    assert b'<li class="mine">\xd0' in outputs["tags/nato/index.html"]
    assert '<li class="mine">Стаття 11 h2 uk ' in outputs["tags/nato/index.html"].decode()
    assert '<li class="mine">Стаття 11 h3 uk ' in outputs["404.html"].decode()


def test_a_rebuild_lists_the_new_title(make_site) -> None:  # type: ignore[no-untyped-def]
    site = _site(make_site)
    engine = Engine(site, EngineOptions())
    engine.build_in_memory()
    page = site / "seeds/2026/02/a11.md"
    page.write_text(page.read_text("utf-8").replace("Стаття 11", "Нова назва"), "utf-8")
    outputs = engine.build_in_memory([page]).outputs
    for path in ("404.html", "tags/nato/index.html", "rubrics/polityka/index.html", "2026/02/index.html"):
        assert "Нова назва" in outputs[path].decode() and "Стаття 11" not in outputs[path].decode(), path
