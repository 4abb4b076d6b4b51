"""What issue 18 took out of the output stays out, and what it kept stays: group feeds of `group_feed_limit`
entries, the site feed of `feed_limit`, JSON-LD without what the meta tags say, archive and author lists without
leads (tag pages keep them)."""

from __future__ import annotations

import json
import re

import pytest

from sitegen.engine import Engine

pytestmark = pytest.mark.timeout(30)

ARTICLE = (
    '---\ntitle: "Стаття {n}"\ndate: 2026-02-{n:02d}T10:00:00+02:00\nauthor: "Ірина Мельник"\n'
    'tags: ["НАТО"]\nsummary: "Лід статті {n}."\n---\nТекст {n}.\n'
)


def _outputs(make_site, config: str = "") -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    txtar = '-- sitegen.yaml --\ntitle: "Т"\nbase_url: "https://example.org/"\n' + config
    for n in range(1, 13):
        txtar += f"-- seeds/2026/02/a{n}.md --\n" + ARTICLE.format(n=n)
    outputs: dict[str, bytes] = Engine(make_site(txtar)).build_in_memory().outputs
    return outputs


def _entries(feed: bytes) -> list[str]:
    return re.findall(r"<link href=\"https://example.org/(2026/02/a\d+)/\" />", feed.decode())


def test_default_site_output(make_site) -> None:  # type: ignore[no-untyped-def]
    """One build (the suite's time): feeds, JSON-LD, list pages."""
    outputs = _outputs(make_site)
    newest = [f"2026/02/a{n}" for n in range(12, 2, -1)]
    assert _entries(outputs["tags/nato/feed.xml"]) == newest  # group_feed_limit: 10 by default
    assert _entries(outputs["authors/iryna-melnyk/feed.xml"]) == newest
    assert len(_entries(outputs["feed.xml"])) == 12  # feed_limit: 20
    assert len(json.loads(outputs["feed.json"])["items"]) == 12
    assert b"<published>" not in outputs["feed.xml"]  # never updated: <updated> says the date
    assert b'<category term="\xd0\x9d\xd0\x90\xd0\xa2\xd0\x9e" />' in outputs["feed.xml"]  # НАТО
    assert b"<category" not in outputs["tags/nato/feed.xml"] + outputs["authors/iryna-melnyk/feed.xml"]

    page = outputs["2026/02/a5/index.html"].decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page)
    assert script is not None
    data = json.loads(script.group(1))
    assert data["headline"] == "Стаття 5" and data["url"] == "https://example.org/2026/02/a5/"
    assert not {"description", "keywords", "mainEntityOfPage"} & set(data)  # the meta tags say them:
    assert '<meta name="description" content="Лід статті 5.">' in page
    assert '<meta property="article:tag" content="НАТО">' in page

    month, author = outputs["2026/02/index.html"].decode(), outputs["authors/iryna-melnyk/index.html"].decode()
    assert "Лід статті" not in month and "Лід статті" not in author
    time = '<time class="meta" datetime="2026-02-07T10:00:00+02:00">10:00</time>'
    assert f'<a href="/2026/02/a7/">Стаття 7</a> {time}' in month
    date = '<time class="meta" datetime="2026-02-07">7 лютого 2026</time>'
    assert f'<a href="/2026/02/a7/">Стаття 7</a> {date}' in author
    assert outputs["tags/nato/index.html"].decode().count('<p class="teaser-lead">Лід статті') == 12


def test_group_feed_limit_is_a_setting(make_site) -> None:  # type: ignore[no-untyped-def]
    outputs = _outputs(make_site, "group_feed_limit: 3\nfeed_limit: 5\n")
    assert _entries(outputs["tags/nato/feed.xml"]) == ["2026/02/a12", "2026/02/a11", "2026/02/a10"]
    assert len(_entries(outputs["feed.xml"])) == 5
