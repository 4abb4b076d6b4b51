"""Inputs that must build (reliability.md §7 "S" cases).

Odd encodings, empty sites, drafts, removed pages, clashing titles and hostile text.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser

from sitegen.render.search_files import inflate
from tests.conftest import run_main, tree_digest

PAGE = '---\ntitle: "{title}"\ndate: 2026-02-12T18:10:00+02:00\ntags: [НАТО]\n{extra}---\n{body}\n'


def page(title: str = "Стаття", extra: str = "", body: str = "Текст.") -> str:
    return PAGE.format(title=title, extra=extra, body=body)


def write_pages(site: Path, pages: dict[str, str]) -> Path:
    for rel, text in pages.items():
        (site / "seeds" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "seeds" / rel).write_text(text, "utf-8")
    return site


def sinks(html: str) -> list[str]:
    """Elements a browser would run: event handlers, inline scripts, frames, script URLs."""
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            named = dict(attrs)
            found.extend(f"{tag} {name}" for name in named if name.startswith("on"))
            if tag == "iframe" or (
                tag == "script" and named.get("type") != "application/ld+json" and "src" not in named
            ):
                found.append(tag)
            for name in ("href", "src"):
                if (named.get(name) or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"{tag} {name}")

    Parser().feed(html)
    return found


def all_text(out: Path) -> str:
    """Every built file's text (the search index's packed files inflated)."""
    return "\n".join(inflate(p.read_bytes()).decode("utf-8") for p in sorted(out.rglob("*")) if p.is_file())


def test_build_bom_and_crlf_parse_as_usual(make_site) -> None:  # type: ignore[no-untyped-def]
    site: Path = make_site()
    raw = "\ufeff" + page(title="Віконні рядки").replace("\n", "\r\n")
    (site / "seeds" / "a.md").write_bytes(raw.encode("utf-8"))
    result = run_main("build", "-q", "--site", str(site))
    assert result.code == 0, result.err
    html = (site / "site" / "2026" / "02" / "a" / "index.html").read_text("utf-8")
    assert "<h1" in html and "Віконні рядки" in html and "\r" not in html


def test_build_empty_seeds_gives_a_valid_empty_site(make_site) -> None:  # type: ignore[no-untyped-def]
    site: Path = make_site()
    result = run_main("build", "--site", str(site))
    assert result.code == 0, result.err
    assert result.out.startswith("built 0 articles, 0 tags, 2 feeds")
    out = site / "site"
    for rel in ["index.html", "404.html", "tags/index.html", "feed.xml", "feed.json", "sitemap.xml", "robots.txt"]:
        assert (out / rel).is_file(), rel
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries == []
    assert json.loads((out / "feed.json").read_text("utf-8"))["items"] == []
    assert ET.parse(out / "sitemap.xml").getroot().tag.endswith("urlset")


def test_build_drafts_reach_no_output(make_site) -> None:  # type: ignore[no-untyped-def]
    sentinel = "SENTINEL-7f3a-чернетка"
    draft = page(
        title=f"Чернетка {sentinel}",
        extra=f'tags: [Секретний-тег-{sentinel}]\nsummary: "{sentinel}"\ndraft: true\n',
        body=f"{sentinel} у тексті.",
    ).replace("tags: [НАТО]\n", "", 1)
    site = write_pages(make_site(), {"2026/02/draft.md": draft, "2026/02/public.md": page(title="Публічна")})
    assert run_main("build", "-q", "--site", str(site)).code == 0
    out = site / "site"
    assert sentinel not in all_text(out)
    assert sentinel.lower() not in "\n".join(tree_digest(out))
    assert "sekretnyi" not in "\n".join(tree_digest(out))
    assert run_main("build", "-q", "--drafts", "--site", str(site), "--out", str(site / "preview")).code == 0
    assert sentinel in all_text(site / "preview")


def test_build_removed_or_drafted_pages_leave_no_stale_files(make_site) -> None:  # type: ignore[no-untyped-def]
    site = write_pages(make_site(), {"a.md": page(title="Перша"), "b.md": page(title="Друга")})
    assert run_main("build", "-q", "--site", str(site)).code == 0
    out = site / "site"
    assert (out / "2026" / "02" / "b" / "index.html").is_file()
    (site / "seeds" / "b.md").unlink()
    (site / "seeds" / "a.md").write_text(page(title="Перша", extra="draft: true\n"), "utf-8")
    assert run_main("build", "-q", "--site", str(site)).code == 0
    assert not (out / "2026" / "02" / "b").exists()
    assert not (out / "2026" / "02" / "a").exists()
    assert not (out / "tags" / "nato").exists()


def test_build_same_title_twice_gets_the_urls_of_the_two_files_and_no_warning(make_site) -> None:  # type: ignore[no-untyped-def]
    later = page(title="Генсек НАТО відповів").replace("18:10", "19:10")
    older = page(title="Генсек НАТО відповів")
    site = write_pages(
        make_site(), {"2026/02/hensek-nato-vidpoviv.md": later, "2026/02/hensek-nato-vidpoviv-2.md": older}
    )
    result = run_main("build", "--site", str(site))
    assert result.code == 0 and result.err == ""
    month = site / "site" / "2026" / "02"
    assert "19:10" in (month / "hensek-nato-vidpoviv" / "index.html").read_text("utf-8")
    assert "18:10" in (month / "hensek-nato-vidpoviv-2" / "index.html").read_text("utf-8")


def test_build_hostile_text_is_escaped_everywhere(make_site) -> None:  # type: ignore[no-untyped-def]
    title = '\\"><img src=x onerror=alert(7)></script><script>alert(8)</script>'
    body = (
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n<iframe src=//evil></iframe>\n\n"
        "[a](javascript:alert(3)) [b](JaVaScRiPt:alert(4)) [c](data:text/html;base64,PHNjcmlwdD4=) "
        "[d](vbscript:msgbox(5))\n"
    )
    site = write_pages(make_site(), {"a.md": page(title=title, body=body)})
    result = run_main("build", "-q", "--site", str(site))
    assert result.code == 0, result.err
    out = site / "site"
    text = "\n".join(p.read_text("utf-8") for p in out.rglob("*.html")).lower()  # JSON/XML hold it as data
    for sink in ["<script>alert", "<img src=x", "<iframe", 'href="javascript:', 'href="data:', 'href="vbscript:']:
        assert sink not in text, sink
    for html in out.rglob("*.html"):
        assert sinks(html.read_text("utf-8")) == [], html
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.entries[0].title.startswith('"><img src=x onerror=alert(7)>')


def test_build_sink_finder_finds_sinks() -> None:
    assert sinks('<img src=x onerror="a()"><script>b()</script><a href=" JavaScript:c()">x</a>') == [
        "img onerror",
        "script",
        "a href",
    ]
    assert sinks('<meta content="&#34; onerror=alert(1)"><script type="application/ld+json">{}</script>') == []


def test_build_pages_sharing_a_url_fail_once_naming_every_file(make_site) -> None:  # type: ignore[no-untyped-def]
    pages = {f"{folder}/zvit.md": page(title=f"Звіт {folder}") for folder in ("a", "b", "c")}
    site = write_pages(make_site(), {**pages, "d/inshyi.md": page(title="Інший")})
    result = run_main("build", "--site", str(site))
    assert result.code == 1
    assert result.err == (
        "error: seeds/b/zvit.md: /2026/02/zvit/ is the URL of 3 pages: seeds/a/zvit.md, seeds/b/zvit.md, "
        "seeds/c/zvit.md (each page needs its own URL: rename one file (its name is its URL) or give it its own "
        "`slug:`)\n"
    )
    assert not (site / "site").exists()


def test_build_page_with_the_most_tags_allowed_builds(make_site) -> None:  # type: ignore[no-untyped-def]
    from sitegen.build import build
    from sitegen.content.schema import MAX_TAGS

    tags = ", ".join(f"Мітка {i}" for i in range(MAX_TAGS))
    site = write_pages(make_site(), {"2026/02/a.md": page(extra=f"tags: [{tags}]\n").replace("tags: [НАТО]\n", "")})
    result = build(site)
    assert result.tags == MAX_TAGS
    listed = (site / "site" / "tags" / f"mitka-{MAX_TAGS - 1}" / "index.html").read_text("utf-8")
    assert 'href="/2026/02/a/"' in listed  # the last tag's page lists the story
    story = (site / "site" / "2026" / "02" / "a" / "index.html").read_text("utf-8")
    assert story.count('rel="tag"') == MAX_TAGS  # and the story lists all of its tags


def test_build_tags_that_share_a_url_warn_naming_both_spellings_and_files(make_site, caplog) -> None:  # type: ignore[no-untyped-def]
    """Fault 6: `Київ` on one page and `Kyiv` on another silently became one tag page showing `Kyiv`."""
    from sitegen.build import build

    site = write_pages(
        make_site(),
        {
            "2026/02/a.md": page(title="Перша").replace("[НАТО]", "[Київ]"),
            "2026/02/b.md": page(title="Друга").replace("[НАТО]", "[Kyiv]"),
            "2026/02/c.md": page(title="Третя").replace("[НАТО]", "[Україна]"),
        },
    )
    result = build(site)
    assert result.tags == 2
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "tags 'Kyiv' (seeds/2026/02/b.md), 'Київ' (seeds/2026/02/a.md) give one URL, /tags/kyiv/, and are one tag "
        "named 'Kyiv'; write them one way, or make them different words"
    ]


def test_build_killed_between_renames_then_a_failing_build_puts_the_site_back(make_site) -> None:  # type: ignore[no-untyped-def]
    """Fault 8: after a build killed between its two renames, a failing build left no `site/` at all."""
    import subprocess

    import pytest

    from sitegen.build import build
    from sitegen.errors import SitegenError

    site = write_pages(make_site(), {"2026/02/a.md": page(title="Перша")})
    build(site)
    before = tree_digest(site / "site")
    killed = subprocess.Popen(["true"])
    killed.wait(10)
    (site / "site").rename(site / f".site.old-{killed.pid}")  # what `kill -9` between the renames leaves
    write_pages(site, {"2026/02/b.md": "---\ntitle: [зламано\n---\n"})
    with pytest.raises(SitegenError):
        build(site)
    assert tree_digest(site / "site") == before
    assert sorted(p.name for p in site.iterdir()) == ["seeds", "site", "sitegen.yaml"]


def test_build_rubrics_and_authors_written_two_ways_warn_too(make_site, caplog) -> None:  # type: ignore[no-untyped-def]
    from sitegen.build import build

    site = write_pages(
        make_site(),
        {
            "2026/02/a.md": page(title="Перша", extra='category: "Світ"\nauthor: "Олена Ткачук"\n'),
            "2026/02/b.md": page(title="Друга", extra='category: "світ"\nauthor: "Olena Tkachuk"\n'),
        },
    )
    build(site)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "rubrics 'Світ' (seeds/2026/02/a.md), 'світ' (seeds/2026/02/b.md) give one URL, /rubrics/svit/, and are one "
        "rubric named 'Світ'; write them one way, or make them different words",
        "authors 'Olena Tkachuk' (seeds/2026/02/b.md), 'Олена Ткачук' (seeds/2026/02/a.md) give one URL, "
        "/authors/olena-tkachuk/, and are one author named 'Olena Tkachuk'; write them one way, or make them "
        "different words",
    ]
