"""Extending the theme without copying it: site `templates/` and `static/` override single theme files,
a namespaced `{% extends "default/…" %}`, `extra_css`, the `extra_*` blocks and a theme of static files only."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from sitegen.errors import SitegenError

ARTICLE = """\
-- seeds/2026/02/a.md --
---
title: "Переговори в Брюсселі"
date: 2026-02-12T18:10:00+02:00
tags: [НАТО]
summary: "Коротко."
---
Текст статті.
"""
ARTICLE_PAGE = "2026/02/a/index.html"
BRAND_CSS = ".site-title { color: #8b0000; }\n"


def built(site: Path) -> Path:
    return build(site, BuildOptions(now=_now())).out_dir


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 3, 1, tzinfo=UTC)


def stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)


def test_site_template_extends_the_default_theme_by_its_namespaced_name(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        ARTICLE
        + """\
-- templates/article.html --
{% extends "default/article.html" %}
{% block main %}{{ super() }}<aside class="support">Підтримайте редакцію</aside>{% endblock %}
"""
    )
    html = (built(site) / ARTICLE_PAGE).read_text("utf-8")
    assert html.count('<aside class="support">Підтримайте редакцію</aside>') == 1
    assert '<h1 class="article-title">Переговори в Брюсселі</h1>' in html  # the theme's article, kept by super()
    assert '<meta property="og:title" content="Переговори в Брюсселі">' in html
    # only the article template was replaced: the tag page is the theme's
    assert "support" not in (built(site) / "tags/nato/index.html").read_text("utf-8")


def test_site_template_replaces_one_theme_file(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        ARTICLE
        + """\
-- templates/tags.html --
{% extends "base.html" %}
{% block main %}<h1>Наші теми</h1>{% for t in tags %}<a href="{{ t.url }}">{{ t.name }}</a>{% endfor %}{% endblock %}
"""
    )
    out = built(site)
    assert '<h1>Наші теми</h1><a href="/tags/nato/">НАТО</a>' in (out / "tags/index.html").read_text("utf-8")
    assert "Наші теми" not in (out / ARTICLE_PAGE).read_text("utf-8")


def test_extra_css_and_extra_head_keep_the_article_metadata(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        ARTICLE
        + """\
-- sitegen.yaml --
title: "Тестовий дайджест"
base_url: "https://example.org/digest/"
extra_css: [css/brand.css]
-- static/css/brand.css --
.site-title { color: #8b0000; }
-- templates/base.html --
{% extends "default/base.html" %}
{% block extra_head %}<meta name="theme-color" content="#8b0000">{% endblock %}
{% block extra_scripts %}<script src="{{ site.base_path }}js/stats.js" defer></script>{% endblock %}
"""
    )
    out = built(site)
    digest = hashlib.sha256(BRAND_CSS.encode()).hexdigest()[:10]
    for page in ("index.html", "tags/nato/index.html", ARTICLE_PAGE):
        html = (out / page).read_text("utf-8")
        theme_css, brand_css = stylesheets(html)
        assert theme_css.startswith("/digest/assets/css/style.")
        assert brand_css == f"/digest/assets/css/brand.{digest}.css"
        assert '<meta name="theme-color" content="#8b0000">' in html
        assert html.index('<script src="/digest/js/stats.js" defer></script>') > html.index("</footer>")
    assert (out / f"assets/css/brand.{digest}.css").read_text("utf-8") == BRAND_CSS
    article = (out / ARTICLE_PAGE).read_text("utf-8")
    assert '<meta property="og:type" content="article">' in article  # adding to the head dropped nothing
    assert '<script type="application/ld+json">' in article


def test_site_static_file_replaces_the_theme_file_of_that_path(make_site) -> None:  # type: ignore[no-untyped-def]
    icon = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>\n'
    site = make_site(ARTICLE + "-- static/favicon.svg --\n" + icon)
    out = built(site)
    [href] = re.findall(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', (out / "index.html").read_text())
    assert (out / href.lstrip("/")).read_text("utf-8") == icon


def test_theme_of_static_files_only_uses_the_default_templates(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        ARTICLE
        + """\
-- sitegen.yaml --
title: "Тестовий дайджест"
base_url: "https://example.org/"
theme: plain
-- themes/plain/static/css/style.css --
body { font-family: serif; }
"""
    )
    out = built(site)
    [css] = stylesheets((out / ARTICLE_PAGE).read_text("utf-8"))
    assert (out / css.lstrip("/")).read_text("utf-8") == "body { font-family: serif; }\n"
    assert '<h1 class="article-title">' in (out / ARTICLE_PAGE).read_text("utf-8")


def test_site_template_extends_its_own_theme_by_name(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        ARTICLE
        + """\
-- sitegen.yaml --
title: "Тестовий дайджест"
base_url: "https://example.org/"
theme: mine
-- themes/mine/templates/404.html --
{% extends "default/404.html" %}
{% block main %}<p class="mine">моя тема</p>{{ super() }}{% endblock %}
-- templates/404.html --
{% extends "mine/404.html" %}
{% block main %}<p class="site">мій сайт</p>{{ super() }}{% endblock %}
"""
    )
    html = (built(site) / "404.html").read_text("utf-8")
    assert html.index('<p class="site">') < html.index('<p class="mine">') < html.index('<header class="page-header">')


def test_extra_css_that_does_not_exist_is_a_config_error_with_its_line(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        ARTICLE
        + """\
-- sitegen.yaml --
title: "Тестовий дайджест"
base_url: "https://example.org/"
extra_css:
  - css/brand.css
"""
    )
    with pytest.raises(SitegenError) as info:
        built(site)
    assert info.value.format() == (
        "sitegen.yaml:3: extra_css: no file static/css/brand.css (put the stylesheet in the site's static/ folder "
        "and name it by its path there, e.g. css/extra.css)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("css/extra.css", "expected a list of stylesheet paths such as [css/extra.css], got text"),
        ("[../secret.css]", "'../secret.css': give a path inside the site's static/ folder, such as css/extra.css"),
        ("[https://cdn.example.org/x.css]", "'https://cdn.example.org/x.css': give a path inside the site's static/"),
    ],
)
def test_extra_css_values_are_checked(make_site, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    site = make_site(f'-- sitegen.yaml --\ntitle: "Т"\nbase_url: "https://example.org/"\nextra_css: {value}\n')
    with pytest.raises(SitegenError) as info:
        built(site)
    assert info.value.format().startswith(f"sitegen.yaml:3: extra_css: {message}")


def test_readme_worked_example_builds_as_it_says(make_site) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("\n## Themes\n", 1)[1].split("\n## ", 1)[0]
    article_tpl, base_tpl = re.findall(r"```jinja\n(.*?)```", section, re.DOTALL)
    css = re.search(r"static/css/brand\.css  # (.*)\n", section)
    assert css is not None and "extra_css: [css/brand.css]" in section
    site = make_site(
        ARTICLE
        + '-- sitegen.yaml --\ntitle: "Т"\nbase_url: "https://example.org/"\nextra_css: [css/brand.css]\n'
        + f"-- static/css/brand.css --\n{css[1]}\n-- templates/article.html --\n{article_tpl}"
        + f"-- templates/base.html --\n{base_tpl}"
    )
    out = built(site)
    article = (out / ARTICLE_PAGE).read_text("utf-8")
    assert '<aside class="support">Підтримайте редакцію: …</aside>' in article
    assert '<meta name="theme-color" content="#8b0000">' in article
    assert '<meta property="og:title" content="Переговори в Брюсселі">' in article
    assert '<script type="application/ld+json">' in article
    [_, brand] = stylesheets((out / "tags/index.html").read_text("utf-8"))
    assert (out / brand.lstrip("/")).read_text("utf-8").strip() == css[1].strip()
