"""`aliases:`: a redirect page at each old URL of an article, and `/_redirects` for hosts that redirect by status.

Errors (a taken URL, an alias outside the site) are in tests/sites_invalid/44*; the redirect in a real
browser is in tests/browser/test_redirects.py.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from sitegen.check import check_site
from sitegen.config import SiteConfig
from sitegen.content.aliases import AliasError, resolve_alias
from sitegen.render.search_files import PACKED_SUFFIX, inflate

DIGEST = 'title: "Дайджест"\nbase_url: "https://example.org/digest/"\n'
ARTICLE = """\
---
title: "Підсумки зустрічі у Брюсселі"
date: 2026-02-12T18:10:00+02:00
tags: [НАТО]
aliases:
  - /2026/02/pidsumky-zustrichi-v-briusseli/
  - /digest/2026/02/stara-nazva
  - https://example.org/digest/news/12.html
  - /2026/02/підсумки/
---
Текст.
"""


def config(base_url: str = "https://example.org/digest/", file_base_url: str = "") -> SiteConfig:
    return SiteConfig(site_dir=Path("/nowhere"), title="T", base_url=base_url, file_base_url=file_base_url)


@pytest.mark.parametrize(
    ("alias", "url", "out_path"),
    [
        ("/2026/02/old-name/", "/digest/2026/02/old-name/", "2026/02/old-name/index.html"),
        ("/digest/2026/02/old-name/", "/digest/2026/02/old-name/", "2026/02/old-name/index.html"),
        ("/2026/02/old-name", "/digest/2026/02/old-name/", "2026/02/old-name/index.html"),
        ("https://example.org/digest/2026/02/old-name/", "/digest/2026/02/old-name/", "2026/02/old-name/index.html"),
        ("HTTP://EXAMPLE.ORG/digest/old.html", "/digest/old.html", "old.html"),
        (
            "/2026/02/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B0/",
            "/digest/2026/02/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B0/",
            "2026/02/новина/index.html",
        ),
        ("/2026/02/новина/", "/digest/2026/02/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B0/", "2026/02/новина/index.html"),
        ("/2026/02/a%20b/", "/digest/2026/02/a%20b/", "2026/02/a b/index.html"),
    ],
)
def test_alias_resolves_against_the_base_url(alias: str, url: str, out_path: str) -> None:
    assert resolve_alias(alias, config()) == (url, out_path)


def test_alias_is_read_against_the_base_url_of_sitegen_yaml_in_a_preview() -> None:
    """`serve` and `--base-url` replace `base_url`; an alias lands on the same page of the site."""
    preview = config("http://127.0.0.1:8000/", file_base_url="https://example.org/digest/")
    for alias in ("/2026/02/old/", "/digest/2026/02/old/", "https://example.org/digest/2026/02/old/"):
        assert resolve_alias(alias, preview) == ("/2026/02/old/", "2026/02/old/index.html"), alias


@pytest.mark.parametrize(
    ("alias", "why"),
    [
        ("https://other.example/digest/2026/02/old/", "lies outside the base URL https://example.org/digest/"),
        ("https://example.org/blog/2026/02/old/", "lies outside the base URL https://example.org/digest/"),
        ("ftp://example.org/digest/old/", "lies outside the base URL"),
        ("/2026/../../../etc/", "has . or .. parts"),
        ("/2026/%2e%2e/x/", "has . or .. parts"),
        ("/2026//02/", "has an empty part"),
        ("/2026/02/x/#top", "has a query or a fragment"),
        ("/index.php?p=12", "has a query or a fragment"),
        ("/2026/02/photo.jpg", "ends in a file name that is not a page"),
        ("/", "is the home page"),
        ("/digest/", "is the home page"),
        ("2026/02/old/", "is not a URL path"),
        ("//evil.example/x/", "lies outside the base URL"),
        ("/2026/02/old name/", "has a space"),
        ("/2026/02/%00/", "control character"),
    ],
)
def test_alias_outside_the_site_or_unusable_is_refused(alias: str, why: str) -> None:
    with pytest.raises(AliasError) as info:
        resolve_alias(alias, config())
    assert why in str(info.value)


class _Head(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def first(self, tag: str, **wanted: str) -> dict[str, str | None]:
        return next(a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items()))


@pytest.fixture
def built(make_site) -> Path:  # type: ignore[no-untyped-def]
    site = make_site(f"-- sitegen.yaml --\n{DIGEST}-- seeds/2026/02/pidsumky-u-briusseli.md --\n{ARTICLE}")
    return Path(build(site, BuildOptions()).out_dir)


def test_alias_pages_send_the_reader_on(built: Path) -> None:
    target = "/digest/2026/02/pidsumky-u-briusseli/"
    pages = [
        "2026/02/pidsumky-zustrichi-v-briusseli/index.html",
        "2026/02/stara-nazva/index.html",
        "news/12.html",
        "2026/02/підсумки/index.html",
    ]
    for rel in pages:
        html = (built / rel).read_text("utf-8")
        head = _Head(html)
        assert head.first("meta", **{"http-equiv": "refresh"})["content"] == f"0; url={target}", rel
        assert head.first("link", rel="canonical")["href"] == "https://example.org/digest/2026/02/pidsumky-u-briusseli/"
        assert head.first("meta", name="robots")["content"] == "noindex"
        assert head.first("a")["href"] == target
        assert "Підсумки зустрічі у Брюсселі</a>" in html and '<html lang="uk">' in html


def test_alias_redirects_file_lists_every_alias_with_the_base_path(built: Path) -> None:
    assert (built / "_redirects").read_text("utf-8") == (
        "/digest/2026/02/%D0%BF%D1%96%D0%B4%D1%81%D1%83%D0%BC%D0%BA%D0%B8/ /digest/2026/02/pidsumky-u-briusseli/ 301\n"
        "/digest/2026/02/pidsumky-zustrichi-v-briusseli/ /digest/2026/02/pidsumky-u-briusseli/ 301\n"
        "/digest/2026/02/stara-nazva/ /digest/2026/02/pidsumky-u-briusseli/ 301\n"
        "/digest/news/12.html /digest/2026/02/pidsumky-u-briusseli/ 301\n"
    )


def test_alias_pages_stay_out_of_sitemap_feeds_and_search(built: Path) -> None:
    for rel in ("sitemap.xml", "feed.xml", "feed.json", "tags/nato/feed.xml"):
        text = (built / rel).read_text("utf-8")
        assert "stara-nazva" not in text and "news/12" not in text, rel
    for index in (p for p in (built / "search").rglob("*") if p.suffix in (".json", PACKED_SUFFIX)):
        assert "stara-nazva" not in inflate(index.read_bytes()).decode("utf-8"), index


def test_alias_of_a_draft_is_kept_for_later_and_writes_nothing(make_site) -> None:  # type: ignore[no-untyped-def]
    draft = ARTICLE.replace("tags: [НАТО]\n", "draft: true\n")
    site = make_site(f"-- sitegen.yaml --\n{DIGEST}-- seeds/2026/02/pidsumky-u-briusseli.md --\n{draft}")
    out = build(site, BuildOptions()).out_dir
    assert not (out / "_redirects").exists() and not (out / "2026/02/stara-nazva").exists()


def test_check_verifies_every_alias_resolves(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(f"-- sitegen.yaml --\n{DIGEST}-- seeds/2026/02/pidsumky-u-briusseli.md --\n{ARTICLE}")
    assert check_site(site).problems == []

    def tamper(out: Path) -> None:
        (out / "2026/02/stara-nazva/index.html").unlink()
        page = out / "news/12.html"
        page.write_text(page.read_text("utf-8").replace("url=/digest/2026/02/pidsumky-u-briusseli/", "url=/digest/"))
        redirects = out / "_redirects"
        text = redirects.read_text("utf-8").replace("/digest/2026/02/pidsumky-u-briusseli/ 301\n", "", 1)
        redirects.write_text(text + "/digest/gone/ /digest/2026/02/nemaie/ 301\n")

    messages = [p.format() for p in check_site(site, after_build=tamper).problems]
    rel = "seeds/2026/02/pidsumky-u-briusseli.md"
    assert f"{rel}:7: aliases: /digest/2026/02/stara-nazva/ has no redirect page in the built site" in [
        m.split(" (")[0] for m in messages
    ]
    assert any(
        m.startswith(f"{rel}:8: aliases: the page at /digest/news/12.html sends the reader to /digest/, not to ")
        for m in messages
    ), messages
    assert any(m.startswith(f"{rel}:9: aliases: _redirects does not send /digest/2026/02/") for m in messages)
    assert any(
        m.startswith("_redirects:4: /digest/gone/ is sent to /digest/2026/02/nemaie/, which is not a page")
        for m in messages
    ), messages
