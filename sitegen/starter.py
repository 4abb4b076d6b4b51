"""`sitegen init [DIR]`: the files of a new digest — a commented `sitegen.yaml`, one example page, a `.gitignore`.

Nothing that exists is ever changed (Hugo's `new site` and Zola's `init` refuse a non-empty
folder; sitegen is stricter about files and kinder about folders):

- a folder that already has `sitegen.yaml` is a site: refused, nothing written;
- other files may be there (a git repository's `README.md`, say): init only adds what is missing;
- an existing `.gitignore` is kept as it is; init says which lines it lacks;
- `seeds/` that already holds pages gets no example page.

Files are created with O_EXCL, so even a race never overwrites one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.atomic import write_atomic
from sitegen.config import CONFIG_NAME, SEEDS_DIR
from sitegen.content.slugs import slugify
from sitegen.errors import SitegenError

DEFAULT_TITLE = "Новинний дайджест"
TIMEZONE = "Europe/Kyiv"
EXAMPLE_TITLE = "Ласкаво просимо до дайджесту"
IGNORED = ("/site/", "/.site.sitegen-spare/", "/.sitegen-cache/")
"""What `.gitignore` must hold: the build output, its spare (`output/spare.py`) and the build cache."""

CONFIG_TEMPLATE = """\
# sitegen.yaml: the settings of this digest. Every key is listed with its default; an unknown key
# is an error that says which key you meant.

# The site's name: every page's header, the feeds, the home page's title.
title: {title}
# One sentence about the digest: the home page's description and the feeds' subtitle.
description: ""
# Where the site will live, with its scheme. Its path (e.g. https://example.org/digest/) starts
# every link; `sitegen serve` uses its own address instead.
base_url: "https://example.org/"
# The language of pages that do not say (`lang:` in front matter): BCP 47, e.g. uk, en.
language: uk
# The time zone of URLs (/<yyyy>/<mm>/), shown dates, editions and dates written without an offset.
timezone: {timezone}
# A folder under themes/, or `default` (built in). A theme may hold only static/ (CSS): missing
# templates come from the default theme.
theme: default
# Articles per list page (tags, months, editions); pages are numbered /page/2/, /page/3/, …
per_page: 20
# Entries in the site feed (Atom and JSON Feed, whole articles).
feed_limit: 20
# Entries in each tag, rubric and author feed (leads); an edition's feed has all its articles.
group_feed_limit: 10
# The publisher named in feeds and JSON-LD (default: the title).
author: ""
# The build output folder, relative to this file.
output_dir: site
# `weekly` (ISO weeks, /editions/2026-w07/) or `daily` (/editions/2026-02-12/). Curate one with
# `sitegen new --edition "Title"`.
editions: weekly
# Your own stylesheets, linked after the theme's on every page: paths under static/, e.g.
# [css/extra.css]. Files in templates/ and static/ replace the theme's files of the same name.
extra_css: []
# The site's sharing picture (Open Graph / Twitter card of pages without a photo of their own), a
# file of the site folder, e.g. media/card.png. Remove the `# ` to use one.
# image: media/card.png
"""

EXAMPLE_PAGE = """\
---
title: {title}
date: {date}
tags: [дайджест]
category: "Редакція"
summary: "Перша сторінка нового дайджесту: як додавати статті, випуски й публікувати сайт."
author: "Редакція"
---
Це приклад сторінки. Її front matter (між рядками `---`) каже заголовок, дату, теги, рубрику й лід;
нижче — текст у Markdown.

## Що далі

- `sitegen new "Заголовок"` створює чернетку нової статті в `seeds/`.
- `sitegen serve` показує сайт на <http://127.0.0.1:8000/> і оновлює його після кожного збереження.
- `sitegen publish --to ../public` або `sitegen publish --git URL` публікує перевірений сайт.

Цю сторінку можна змінити або видалити.
"""


@dataclass
class InitReport:
    """What `init` wrote and what it left as it was."""

    site_dir: Path
    created: list[str] = field(default_factory=list)
    """Relative paths of the files written."""
    notes: list[str] = field(default_factory=list)
    """What was kept, and what to do about it."""


def init_site(site_dir: Path, *, now: datetime, title: str = DEFAULT_TITLE) -> InitReport:
    """Write a new digest into `site_dir` (made if missing); never change a file that exists."""
    site_dir = site_dir.expanduser()
    if site_dir.exists() and not site_dir.is_dir():
        raise SitegenError(f"cannot make a site in {site_dir}: it is a file", hint="name a folder")
    if (site_dir / CONFIG_NAME).exists():
        raise SitegenError(
            f"{site_dir.resolve()} is a site already: it has {CONFIG_NAME}; nothing was written",
            hint="edit that sitegen.yaml, or run sitegen init with another folder",
        )
    title = " ".join(title.split()) or DEFAULT_TITLE
    report = InitReport(site_dir=site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    config = CONFIG_TEMPLATE.format(title=json.dumps(title, ensure_ascii=False), timezone=TIMEZONE)
    _create(site_dir, CONFIG_NAME, config, report)
    _gitignore(site_dir, report)
    seeds = site_dir / SEEDS_DIR
    if seeds.is_dir() and any(seeds.rglob("*.md")):
        report.notes.append(f"{SEEDS_DIR}/ already holds pages: no example page was added")
    else:
        local = now.astimezone(ZoneInfo(TIMEZONE)).replace(microsecond=0)
        page = f"{SEEDS_DIR}/{local:%Y}/{local:%m}/{slugify(EXAMPLE_TITLE)}.md"
        text = EXAMPLE_PAGE.format(title=json.dumps(EXAMPLE_TITLE, ensure_ascii=False), date=local.isoformat())
        _create(site_dir, page, text, report)
    return report


def _gitignore(site_dir: Path, report: InitReport) -> None:
    path = site_dir / ".gitignore"
    if not path.exists():
        _create(
            site_dir,
            ".gitignore",
            "# sitegen: the build output, its spare and the build cache\n" + "\n".join(IGNORED) + "\n",
            report,
        )
        return
    lines = {line.strip() for line in path.read_text("utf-8", "replace").splitlines()}
    # `site/`, `/site` or `site` (anywhere) cover `/site/` too.
    missing = [e for e in IGNORED if not lines & {e, e.lstrip("/"), e.rstrip("/"), e.strip("/")}]
    if missing:
        report.notes.append(f".gitignore kept as it was; add these lines to it: {' '.join(missing)}")


def _create(site_dir: Path, rel: str, text: str, report: InitReport) -> None:
    try:
        write_atomic(site_dir / rel, text, exclusive=True)
    except FileExistsError:
        report.notes.append(f"{rel} already exists: kept as it was")
        return
    except OSError as exc:  # a full disk, a read-only folder: this file was not written at all
        done = f"; written before it: {', '.join(report.created)}" if report.created else ""
        raise SitegenError(
            f"cannot write {rel}: {exc.strerror or exc}{done}",
            hint="free space or fix permissions, then run `sitegen init` again (it keeps what exists)",
        ) from exc
    report.created.append(rel)
