"""Embed blocks: the allowlist, link cards, errors at their line, placeholders and each page's CSP."""

from __future__ import annotations

import re

import pytest

from sitegen.build import build
from sitegen.errors import SitegenError
from sitegen.render.embeds import EmbedError, parse_embed


@pytest.mark.parametrize(
    ("block", "provider", "frame"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "youtube",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=42"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
        ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
        ("url: https://t.me/ukrpravda_news/12345\ntitle: Допис", "telegram", "https://t.me/ukrpravda_news/12345?embed=1"),
        ("https://x.com/NATO/status/1890000000000000000", "x",
         "https://platform.twitter.com/embed/Tweet.html?id=1890000000000000000&dnt=true"),
        ("https://twitter.com/NATO/status/123", "x", "https://platform.twitter.com/embed/Tweet.html?id=123&dnt=true"),
        ("url: https://www.nato.int/cps/en/natohq/news.htm\ntitle: Стенограма\ncard: true", "card", None),
    ],
)  # fmt: skip
def test_embeds_allowlist(block: str, provider: str, frame: str | None) -> None:
    embed = parse_embed(block)
    assert (embed.provider, embed.frame_url) == (provider, frame)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("https://www.tiktok.com/@x/video/1", "www.tiktok.com is not on the embed list (YouTube, Vimeo, Telegram, X)"),
        ("https://www.youtube.com/watch?v=short", "no YouTube video id in https://www.youtube.com/watch?v=short"),
        ("https://t.me/ukrpravda_news", "https://t.me/ukrpravda_news is not a post of a public Telegram channel"),
        ("javascript:alert(1)", "'javascript:alert(1)' is not a web address"),
        ("url: https://example.org/\ncard: true", "a link card needs a title"),
        ("url: https://youtu.be/dQw4w9WgXcQ\ntitel: x", "unknown key 'titel'"),
        ("", "an embed needs a url"),
    ],
)
def test_embeds_refused(block: str, message: str) -> None:
    with pytest.raises(EmbedError) as caught:
        parse_embed(block)
    assert caught.value.message == message


EMBED_PAGE = """\
---
title: "Відео"
date: 2026-02-12T18:10:00+02:00
slug: a
---
Текст.

```embed
url: https://www.youtube.com/watch?v=dQw4w9WgXcQ
title: "Пресконференція"
caption: Брюссель, 12 лютого.
```

```embed
https://t.me/ukrpravda_news/12345
```

```embed
url: https://www.nato.int/cps/en/natohq/news.htm
title: Стенограма
description: Англійською.
card: true
```

```python
print("звичайний код")
```
"""


def test_embeds_render_private_placeholders_and_a_per_page_csp(make_site) -> None:
    site = make_site(
        f"-- seeds/a.md --\n{EMBED_PAGE}-- seeds/b.md --\n---\ntitle: Б\ndate: 2026-02-11T10:00:00+02:00\n---\n"
    )
    out = build(site).out_dir
    html = (out / "2026/02/a/index.html").read_text("utf-8")
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"', html).group(1)  # type: ignore[union-attr]
    assert "frame-src https://www.youtube-nocookie.com https://t.me;" in csp and "script-src 'self';" in csp
    assert "<iframe" not in html
    assert (
        '<figure class="embed embed-youtube"><div class="embed-box" '
        'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1" '
        'data-embed-title="Пресконференція"><a class="embed-link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" '
        'rel="noopener"><span class="embed-provider">YouTube</span><span class="embed-title">Пресконференція</span>'
    ) in html
    assert "<figcaption>Брюссель, 12 лютого.</figcaption>" in html
    assert (
        '<figure class="embed embed-card"><div class="embed-box"><a class="embed-link" href="https://www.nato.int/'
        in html
    )
    assert '<code class="language-python">print(&quot;звичайний код&quot;)' in html
    assert re.search(r'<script src="/assets/js/embed\.\w+\.js" defer></script>', html)
    other = (out / "2026/02/b/index.html").read_text("utf-8")
    assert "frame-src" not in other and "embed." not in other


def test_embeds_off_the_list_is_an_error_at_its_line(make_site) -> None:
    page = EMBED_PAGE.replace("https://t.me/ukrpravda_news/12345", "https://www.facebook.com/nato/posts/1")
    page = page.replace("title: Стенограма\n", "")
    site = make_site(f"-- seeds/a.md --\n{page}")
    with pytest.raises(SitegenError) as caught:
        build(site)
    assert [e.format() for e in caught.value.errors] == [  # type: ignore[attr-defined]
        "seeds/a.md:15: embed: www.facebook.com is not on the embed list (YouTube, Vimeo, Telegram, X) (to show "
        "any other page as a link card (no frame, nothing loaded from it), add `card: true`)",
        'seeds/a.md:18: embed: a link card needs a title (add `title: "…"` (sitegen never fetches the page))',
    ]
