"""`sitegen check`: a fresh build, then links, anchors, assets, leaked drafts, feeds and sitemap."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sitegen.check import check_site
from sitegen.cli import main
from sitegen.errors import SitegenError
from sitegen.render.search_files import pack, unpack
from tests.conftest import copy_seed_site, run_main

CONFIG = """\
-- sitegen.yaml --
title: "Тестовий дайджест"
base_url: "https://example.org/digest/"
"""

LINKED = """\
-- seeds/2026/02/a.md --
---
title: "Перша стаття про переговори в Брюсселі"
date: 2026-02-10T10:00:00+02:00
tags: [НАТО]
curator_note: "Читайте [другу](../b/#rozdil) і [цю](#pidsumky)."
---
Перший абзац із [посиланням на другу](/digest/2026/02/b/).

## Підсумки

Кінець, [на головну](/digest/) і [до тегу](/digest/tags/nato/).
-- seeds/2026/02/b.md --
---
title: "Друга стаття про безпеку Європи"
date: 2026-02-11T10:00:00+02:00
tags: [НАТО, Безпека]
---
Вступ.

## Розділ

Текст [назад](../a/#pidsumky).
"""

DRAFT = """\
-- seeds/2026/02/c.md --
---
title: "Секретна чернетка про гарантії безпеки"
date: 2026-02-12T10:00:00+02:00
tags: [НАТО]
draft: true
---
Ще не готово.
"""


def test_check_clean_site_passes(make_site, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(CONFIG + LINKED + DRAFT)
    assert main(["check", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("checked ") and "no problems" in out
    assert not (site / "site").exists(), "check builds into a temporary folder, never site/"


def test_check_example_digest_passes(tmp_path: Path) -> None:
    result = run_main("check", "--site", str(copy_seed_site(tmp_path / "digest")))
    assert result.code == 0, result.err
    assert "Traceback" not in result.err


def test_check_broken_link_and_anchor_in_body_report_source_line(make_site, capsys) -> None:
    site = make_site(
        CONFIG
        + LINKED.replace("/digest/2026/02/b/)", "/digest/2026/02/nemaie-takoi/)").replace(
            "[назад](../a/#pidsumky)", "[назад](#nemaie-yakoria)"
        )
    )
    assert main(["check", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert (
        "seeds/2026/02/a.md:7: broken link /digest/2026/02/nemaie-takoi/: no such file in the built site "
        "(on /digest/2026/02/a/)"
    ) in err
    assert (
        'seeds/2026/02/b.md:10: broken anchor #nemaie-yakoria: this page has no element with id="nemaie-yakoria" '
        "(on /digest/2026/02/b/)"
    ) in err
    assert "2 problems" in err


def test_check_broken_link_and_anchor_in_curator_note_report_key_line(make_site, capsys) -> None:
    site = make_site(
        CONFIG + LINKED.replace("../b/#rozdil", "/digest/tags/nemaie/").replace("(#pidsumky)", "(#nemaie)")
    )
    assert main(["check", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "seeds/2026/02/a.md:5: broken link /digest/tags/nemaie/: no such file in the built site" in err
    assert 'seeds/2026/02/a.md:5: broken anchor #nemaie: this page has no element with id="nemaie"' in err


def test_check_anchor_on_another_page(make_site, capsys) -> None:
    site = make_site(CONFIG + LINKED.replace("#rozdil", "#nemaie-rozdilu"))
    assert main(["check", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert (
        "seeds/2026/02/a.md:5: broken anchor ../b/#nemaie-rozdilu: "
        '/digest/2026/02/b/ has no element with id="nemaie-rozdilu"'
    ) in err


def test_check_link_outside_base_path(make_site, capsys) -> None:
    site = make_site(CONFIG + LINKED.replace("[на головну](/digest/)", "[на головну](/tags/nato/)"))
    assert main(["check", "--site", str(site)]) == 1
    assert (
        "seeds/2026/02/a.md:11: broken link /tags/nato/: it leads outside the site's base path /digest/"
        in capsys.readouterr().err
    )


def test_check_absolute_link_to_this_host_outside_base_path_is_external(make_site, capsys) -> None:
    # The newsroom's own pages around a digest hosted at /digest/: not broken internal links.
    site = make_site(
        CONFIG + LINKED.replace("[на головну](/digest/)", "[на сайт редакції](https://example.org/news/2026/rubric/)")
    )
    assert main(["check", "-q", "--site", str(site)]) == 0
    assert capsys.readouterr() == ("", "")


def same_story_pages(count: int) -> str:
    body = " ".join(
        "Генеральний секретар НАТО Марк Рютте заявив у Брюсселі що Альянс готовий підтримати миротворчу місію"
        " в Україні після укладення угоди про припинення вогню а також посилити протиповітряну оборону".split()
    )
    return "".join(
        f'-- seeds/2026/02/same-{i}.md --\n---\ntitle: "Версія {i}"\ndate: 2026-02-1{i}T10:00:00+02:00\n---\n{body}\n'
        for i in range(count)
    )


def test_check_repeated_warnings_are_summed_up_and_quiet_prints_only_errors(make_site, capsys) -> None:
    site = make_site(CONFIG + same_story_pages(5))  # 10 pairs that tell one story
    assert main(["check", "--site", str(site)]) == 0
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 6 and all(line.startswith("warning: seeds/2026/02/same-") for line in lines[:5])
    assert lines[5] == "warning: … and 5 more near-duplicate stories warnings (-v lists them all)"
    assert out.startswith("checked ")
    assert main(["check", "-v", "--site", str(site)]) == 0
    assert capsys.readouterr().err.count("tells the same story as") == 10
    assert main(["check", "-q", "--site", str(site)]) == 0
    assert capsys.readouterr() == ("", "")
    broken = make_site(CONFIG + same_story_pages(5) + LINKED.replace("(/digest/tags/nato/)", "(/digest/nemaie/)"), "b")
    assert main(["check", "-q", "--site", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: seeds/2026/02/a.md:11: broken link /digest/nemaie/")
    assert "warning" not in err


THEME_LEAK = """\
-- themes/leaky/templates/tags.html --
{% extends "base.html" %}
{% block main %}<h1>Теги</h1><p>Скоро: Секретна чернетка про гарантії безпеки</p>
<a href="/digest/nowhere/">архів</a>{% endblock %}
"""


def test_check_draft_leaked_by_theme_template(make_site, capsys) -> None:
    site = make_site(CONFIG.rstrip("\n") + "\ntheme: leaky\n" + LINKED + DRAFT + THEME_LEAK)
    assert main(["check", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    # `rubrics.html` and `authors.html` extend the theme's `tags.html`, so the leak is on all three.
    assert (
        'seeds/2026/02/c.md:5: draft "Секретна чернетка про гарантії безпеки" '
        "(/digest/2026/02/c/) appears in the built site: authors/index.html, rubrics/index.html, tags/index.html"
    ) in err
    # A theme link broken on pages is reported once, at the first page and line of the built HTML.
    assert "/digest/authors/: broken link /digest/nowhere/: no such file in the built site (line " in err
    assert "also on /digest/rubrics/, /digest/tags/" in err


def test_check_draft_leaked_into_search_index_and_feed(make_site) -> None:
    site = make_site(CONFIG + LINKED + DRAFT)

    def plant(out: Path) -> None:
        entry = {"title": "Секретна чернетка про гарантії безпеки", "url": "/digest/x/"}
        (out / "search-index.json").write_text(json.dumps([entry]), "utf-8")  # \\uXXXX escapes
        feed = (out / "feed.xml").read_text("utf-8")
        link = "https://example.org/digest/2026/02/c/"
        (out / "feed.xml").write_text(feed.replace("</feed>", f'<link href="{link}" rel="related"/></feed>'), "utf-8")

    report = check_site(site, after_build=plant)
    [problem] = report.problems
    assert problem.path == "seeds/2026/02/c.md" and problem.line == 5
    assert problem.message.endswith("appears in the built site: feed.xml, search-index.json")


def test_check_future_page_in_output_is_caught(make_site) -> None:
    future = DRAFT.replace("draft: true\n", "").replace("2026-02-12", "2099-02-12").replace("c.md", "f.md")
    site = make_site(CONFIG + LINKED + future)
    assert check_site(site).problems == []  # the build leaves the scheduled page out
    # Published once its date has come: then it is no leak.
    assert check_site(site, now=datetime(2099, 3, 1, tzinfo=UTC)).problems == []

    def plant(out: Path) -> None:
        page = out / "2099/02/f/index.html"
        page.parent.mkdir(parents=True)
        page.write_text("<p>Секретна чернетка про гарантії безпеки</p>", "utf-8")

    [problem] = check_site(site, after_build=plant).problems
    assert problem.format().startswith(
        'seeds/2026/02/f.md:3: future-dated page "Секретна чернетка про гарантії безпеки" '
        "(/digest/2099/02/f/) appears in the built site: "
        "2099/02/f/index.html"
    )


def test_check_missing_files_and_bad_feeds(make_site) -> None:
    site = make_site(CONFIG + LINKED)

    def damage(out: Path) -> None:
        (out / "404.html").unlink()
        (out / "feed.xml").write_text("<feed><entry>", "utf-8")
        (out / "feed.json").write_text(json.dumps({"version": "1", "items": [{"id": "x"}]}), "utf-8")
        sitemap = (out / "sitemap.xml").read_text("utf-8")
        (out / "sitemap.xml").write_text(
            sitemap.replace("</urlset>", "<url><loc>https://example.org/digest/nemaie/</loc></url></urlset>"), "utf-8"
        )

    messages = [p.format() for p in check_site(site, after_build=damage).problems]
    assert messages[0] == "404.html: 404.html is missing from the built site (the theme or the build did not make it)"
    assert any(m.startswith("feed.xml: not well-formed XML: ") for m in messages)
    assert any(m.startswith("feed.json: version is '1', not https://jsonfeed.org/version/1.x") for m in messages)
    assert any(m.startswith("feed.json: the feed has no title") for m in messages)
    assert any(m.startswith("feed.json: item 1 has neither content_html nor content_text") for m in messages)
    assert any(m.startswith("sitemap.xml: it lists https://example.org/digest/nemaie/ is not a page") for m in messages)


def test_check_missing_image_is_a_build_error_at_its_line(make_site) -> None:
    """Pictures are files processed by the build: a missing one fails the build at its Markdown line."""
    site = make_site(CONFIG + LINKED.replace("Перший абзац", "![фото](img/nemaie.jpg) Перший абзац"))
    with pytest.raises(SitegenError) as caught:
        check_site(site)
    assert caught.value.format().startswith(
        "seeds/2026/02/a.md:7: image: no image file img/nemaie.jpg "
        "(looked for seeds/2026/02/img/nemaie.jpg or media/img/nemaie.jpg)"
    )


def test_check_missing_stylesheet(make_site) -> None:
    site = make_site(CONFIG + LINKED)

    def drop_css(out: Path) -> None:
        for css in (out / "assets" / "css").iterdir():
            css.unlink()

    messages = [p.format() for p in check_site(site, after_build=drop_css).problems]
    [css] = [m for m in messages if "broken linked file /digest/assets/css/" in m]
    assert "also on" in css  # one problem for every page that links the stylesheet


def test_check_source_error_is_reported_by_the_build(make_site, capsys) -> None:
    site = make_site(CONFIG + LINKED.replace("date: 2026-02-11T10:00:00+02:00", "date: учора"))
    assert main(["check", "--site", str(site)]) == 1
    assert "seeds/2026/02/b.md:3: date:" in capsys.readouterr().err


def test_check_inline_script_in_theme_is_reported(make_site) -> None:
    theme = """\
-- themes/inline/templates/tags.html --
{% extends "base.html" %}
{% block main %}<h1 onclick="alert(1)">Теги</h1><a href="javascript:alert(2)">x</a>
<script>alert(3)</script>{% endblock %}
"""
    site = make_site(CONFIG.rstrip("\n") + "\ntheme: inline\n" + LINKED + theme)
    messages = [p.format() for p in check_site(site).problems]
    assert [m.split(" (line")[0] for m in messages if m.startswith("/digest/tags/")] == [
        "/digest/tags/: an inline event handler onclick= on <h1>",
        "/digest/tags/: a script URL in <a href>",
        "/digest/tags/: an inline <script>",
    ]


def test_check_and_publish_have_help() -> None:
    for command in ("check", "publish"):
        result = run_main(command, "--help")
        assert result.code == 0 and result.out.startswith(f"usage: sitegen {command}")
        assert "--site DIR" in result.out


def test_check_draft_title_quoted_by_a_published_page_is_no_leak(make_site) -> None:
    quoted = LINKED.replace("Вступ.", "Вступ: «Секретна чернетка про гарантії безпеки» — так звали план.")
    site = make_site(CONFIG + quoted + DRAFT)
    assert check_site(site).problems == []

    def plant(out: Path) -> None:
        (out / "extra.html").write_text('<a href="/digest/2026/02/c/">x</a>')

    messages = [p.format() for p in check_site(site, after_build=plant).problems]
    assert any(m.startswith('seeds/2026/02/c.md:5: draft "Секретна') and "extra.html" in m for m in messages)


def test_check_draft_title_with_straight_quotes_quoted_by_a_published_page_is_no_leak(make_site) -> None:
    """Typography turns both into «…» and a dash: the comparison sees them typeset alike."""
    draft = DRAFT.replace('"Секретна чернетка про гарантії безпеки"', "'Секретна \"чернетка\" - про гарантії'")
    quoted = LINKED.replace("Вступ.", 'Вступ: Секретна "чернетка" - про гарантії; так звали план.')
    site = make_site(CONFIG + quoted + draft)
    assert check_site(site).problems == []


def test_check_missing_search_index_and_draft_in_it(make_site) -> None:
    site = make_site(CONFIG + LINKED + DRAFT)
    assert check_site(site).problems == []

    def break_index(out: Path) -> None:
        [index] = (out / "search").glob("index.*.json")
        data = json.loads(index.read_text("utf-8"))
        index.unlink()
        data["leak"] = "Секретна чернетка про гарантії безпеки"
        (out / "search" / "other.json").write_text(json.dumps(data), "utf-8")

    messages = [p.format() for p in check_site(site, after_build=break_index).problems]
    assert any(m.startswith("/digest/search/: broken data-index-url URL /digest/search/index.") for m in messages)
    assert any(m.startswith('seeds/2026/02/c.md:5: draft "Секретна') and "search/other.json" in m for m in messages)


def _search_manifest(out: Path) -> tuple[Path, dict[str, Any]]:
    [path] = (out / "search").glob("index.*.json")
    return path, json.loads(path.read_text("utf-8"))


def test_check_search_index_missing_shard_bad_order_missing_and_bad_fragment(make_site) -> None:
    site = make_site(CONFIG + LINKED)

    def break_files(out: Path) -> None:
        path, manifest = _search_manifest(out)
        [(first, name)] = manifest["shards"]
        (out / "search" / name).unlink()
        shard = {"terms": ["яблук", "абрикос"], "postings": [[0, 1000], [1, 500]]}
        (out / "search" / "terms.bad.json").write_text(json.dumps(shard), "utf-8")
        manifest["shards"] = [[first, name], ["яблук", "terms.bad.json"]]
        (out / "search" / "docs" / "0.jz").unlink()
        (out / "search" / "docs" / "1.jz").write_bytes(pack(b'["a title", "/x/"]'))  # no excerpt text
        path.write_text(json.dumps(manifest), "utf-8")

    messages = [p.format() for p in check_site(site, after_build=break_files).problems]
    assert any(
        m.startswith("search/terms.") and "a term shard the search index names is missing" in m for m in messages
    )
    assert any(
        m.startswith("search/terms.bad.json: the terms of the shard from 'яблук' are out of order") for m in messages
    )
    assert any(m.startswith("search/docs/0.jz: a fragment the search index counts is missing") for m in messages)
    assert any(m.startswith("search/docs/1.jz: a search fragment is not a result row") for m in messages)
    assert all("build again" in m for m in messages if m.startswith("search/"))


def test_check_search_index_posting_past_the_store(make_site) -> None:
    site = make_site(CONFIG + LINKED)

    def break_shard(out: Path) -> None:
        _, manifest = _search_manifest(out)
        name = manifest["shards"][0][1]
        shard = unpack((out / "search" / name).read_bytes())
        shard["postings"][0] = [7, 1000]  # ref 7 of 2 articles
        (out / "search" / name).write_bytes(pack(json.dumps(shard, ensure_ascii=False).encode()))

    messages = [p.format() for p in check_site(site, after_build=break_shard).problems]
    assert len(messages) == 1 and "names an article the store has not" in messages[0]


@pytest.mark.parametrize(
    ("shard_text", "expected"),
    [
        ("{not json", "not valid JSON"),  # the JSON check's: said once, not again by the search index check
        ("x\x9c broken", "not valid JSON: not packed JSON"),  # zlib's first byte, then no zlib stream
        ('["a list"]', "a term shard is not a JSON object"),
        ('{"terms": [FIRST], "postings": [{"x": 1}]}', "names an article the store has not"),
    ],
)
def test_check_search_index_unreadable_shard_is_one_problem(make_site, shard_text: str, expected: str) -> None:
    site = make_site(CONFIG + LINKED)

    def spoil_shard(out: Path) -> None:
        _, manifest = _search_manifest(out)
        [(first, name)] = manifest["shards"]
        (out / "search" / name).write_text(shard_text.replace("FIRST", json.dumps(first)), "utf-8")

    messages = [p.format() for p in check_site(site, after_build=spoil_shard).problems]
    assert len(messages) == 1 and messages[0].startswith("search/terms.") and expected in messages[0], messages


def test_check_aside_checks_in_a_forked_process_find_what_they_find_inline(make_site, monkeypatch) -> None:
    import sitegen.check

    site = make_site(CONFIG.rstrip("\n") + "\ntheme: leaky\n" + LINKED + DRAFT + same_story_pages(3) + THEME_LEAK)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    monkeypatch.setattr(sitegen.check, "PARALLEL_MIN_PAGES", 10**9)
    inline = check_site(site, now=now)
    monkeypatch.setattr(sitegen.check, "PARALLEL_MIN_PAGES", 0)
    forked = check_site(site, now=now)
    assert [p.format() for p in forked.problems] == [p.format() for p in inline.problems]
    assert [w.format() for w in forked.warnings] == [w.format() for w in inline.warnings]
    assert any("appears in the built site" in p.message for p in forked.problems)  # the leak search ran
    assert len(forked.warnings) == 3  # three pages telling one story: three pairs


def test_check_in_memory_finds_what_a_check_of_the_written_build_finds(make_site, monkeypatch) -> None:
    """`check` builds in memory; with `after_build` it writes the build and reads it back: the same findings."""
    import sitegen.check

    broken = "-- seeds/2026/02/d.md --\n---\ntitle: Стаття з битим посиланням\ndate: 2026-02-13T10:00:00+02:00\n---\n"
    broken += "Див. [зниклу](/digest/2026/02/nemaie/) і [якір](/digest/2026/02/b/#nemaie).\r\nКінець.\n"
    site = make_site(
        CONFIG.rstrip("\n") + "\ntheme: leaky\n" + LINKED + DRAFT + same_story_pages(3) + THEME_LEAK + broken
    )
    now = datetime(2026, 3, 1, tzinfo=UTC)
    for threshold in (10**9, 0):  # inline and in forked processes
        monkeypatch.setattr(sitegen.check, "PARALLEL_MIN_PAGES", threshold)
        in_memory = check_site(site, now=now)
        written = check_site(site, now=now, after_build=lambda out: None)
        assert [p.format() for p in in_memory.problems] == [p.format() for p in written.problems]
        assert [w.format() for w in in_memory.warnings] == [w.format() for w in written.warnings]
        assert (in_memory.pages, in_memory.files) == (written.pages, written.files)
        messages = " ".join(p.message for p in in_memory.problems)
        assert "appears in the built site" in messages and "no such file in the built site" in messages
        assert 'has no element with id="nemaie"' in messages
        assert len(in_memory.warnings) == 3


def test_check_writes_no_build_to_disk(make_site, monkeypatch) -> None:
    """The build `check` checks is held in memory: nothing is written, the site folder gains only the cache."""
    import sitegen.check

    def written_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("check wrote its build to disk")

    monkeypatch.setattr(sitegen.check, "build", written_build)
    site = make_site(CONFIG + LINKED + DRAFT)
    before = {p.relative_to(site) for p in site.rglob("*")}
    report = check_site(site)
    assert report.ok and report.pages > 0
    after = {p.relative_to(site) for p in site.rglob("*")}
    assert {p.parts[0] for p in after - before} <= {".sitegen-cache"}


def test_check_leak_pattern_as_a_trie_matches_what_the_plain_alternative_matches() -> None:
    """The leak search's needles, merged into a trie, find the same strings (the longest at each place)."""
    import random
    import re

    from sitegen.check.leaks import _trie_pattern

    def plain(needles: list[str]) -> str:
        ordered = sorted(needles, key=len, reverse=True)
        return "|".join(r"\s+".join(re.escape(w) for w in n.split(" ")) for n in ordered)

    rng = random.Random(19)
    for _ in range(2000):
        needles = sorted(
            {
                " ".join("".join(rng.choice("ab.c ") for _ in range(rng.randint(1, 6))).split()) or "a"
                for _ in range(rng.randint(1, 6))
            }
        )
        text = "".join(rng.choice("ab.c \n\t") for _ in range(60))
        assert re.findall(_trie_pattern(needles), text) == re.findall(plain(needles), text), (needles, text)
