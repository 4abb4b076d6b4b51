"""Strict front matter (issue 15): every key is known, typed and checked; the editor's own data goes under `extra:`.

The whole messages of bad pages are asserted in tests/sites_invalid/42* (unknown keys with their "did
you mean", wrong types, `author` with `authors`); here: what a good page gives the templates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build, load_site
from sitegen.content.schema import FIELDS, PageMeta, validate_page
from sitegen.errors import SitegenError
from sitegen.source.frontmatter import parse_front_matter

EVERY_KEY = """\
---
title: "Переговори з Кремлем"
date: 2026-02-12T18:10:00+02:00
tags: [НАТО, Франція]
category: "Світ"
summary: "Генсек відповів."
authors: ["Валерій Ульяненко", "Олена Ткачук"]
location: "Брюссель"
source: {name: "РБК-Україна", url: "https://www.rbc.ua/"}
lang: uk
image: {src: "p.svg", alt: "Рютте", caption: "Марк Рютте", credit: "Getty Images"}
draft: false
featured: true
curator_note: "Варто прочитати."
slug: perehovory
aliases: [/2026/02/stara/]
extra: {score: 7, badge: "ексклюзив", links: [a, b]}
imported_from: {file: "002.txt", sha256: "45f7"}
updated: 2026-02-13T09:00:00+02:00
---
Текст.
"""


def test_schema_every_known_key_is_read() -> None:
    fm = parse_front_matter(EVERY_KEY, "seeds/a.md")
    assert set(fm.data) == set(FIELDS) - {"author"}
    meta, problems = validate_page(fm, "seeds/a.md", EVERY_KEY.split("\n"), timezone="Europe/Kyiv")
    assert problems == [] and isinstance(meta, PageMeta)
    assert meta.authors == ("Валерій Ульяненко", "Олена Ткачук") and meta.author == "Валерій Ульяненко, Олена Ткачук"
    assert meta.aliases == ("/2026/02/stara/",)
    assert dict(meta.extra) == {"score": 7, "badge": "ексклюзив", "links": ["a", "b"]}
    single = EVERY_KEY.replace('authors: ["Валерій Ульяненко", "Олена Ткачук"]', 'author: "Валерій Ульяненко"')
    meta, _ = validate_page(
        parse_front_matter(single, "seeds/a.md"), "seeds/a.md", single.split("\n"), timezone="Europe/Kyiv"
    )
    assert meta is not None and meta.authors == ("Валерій Ульяненко",)


def test_schema_extra_reaches_article_and_list_templates(make_site) -> None:  # type: ignore[no-untyped-def]
    site: Path = make_site(
        "-- sitegen.yaml --\n"
        'title: "Т"\nbase_url: "https://example.org/"\ntheme: own\n'
        "-- seeds/2026/02/a.md --\n" + EVERY_KEY + "-- seeds/2026/02/p.svg --\n"
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"></svg>\n'
        "-- themes/own/templates/partials/article_list.html --\n"
        '{% for a in articles %}<p class="badge">{{ a.extra.badge }} {{ a.extra.score }}</p>{% endfor %}\n'
        "-- themes/own/templates/article.html --\n"
        '{% extends "base.html" %}{% block main %}<h1>{{ article.title }}</h1>'
        "<p class=\"badge\">{{ article.extra.badge }}: {{ article.extra.links|join(', ') }}</p>{% endblock %}\n"
    )
    out = build(site, BuildOptions(drafts=True)).out_dir
    assert '<p class="badge">ексклюзив: a, b</p>' in (out / "2026/02/perehovory/index.html").read_text("utf-8")
    assert '<p class="badge">ексклюзив 7</p>' in (out / "tags/nato/index.html").read_text("utf-8")


def test_schema_extra_is_the_only_place_for_own_keys(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site("-- seeds/2026/02/a.md --\n" + EVERY_KEY.replace("extra: {", "notes: {"))
    with pytest.raises(SitegenError) as info:
        load_site(site, BuildOptions())
    assert info.value.format().startswith(
        "seeds/2026/02/a.md:17: unknown key 'notes' (keys of your own go under `extra:`)"
    )
