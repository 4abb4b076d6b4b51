"""Article URLs come from their files (issue 15): `seeds/<yyyy>/<mm>/<name>.md` -> `/<yyyy>/<mm>/<name>/`.

Editing a title never moves a page; `slug:` overrides the name; two pages that would share a URL are
one error naming both files (tests/sites_invalid/16, 43); never a silent `-2`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build, load_site
from sitegen.content.slugs import file_slug
from sitegen.errors import SitegenError
from tests.conftest import REPO, copy_seed_site

PAGE = '---\ntitle: "{title}"\ndate: {date}\n{extra}---\nТекст.\n'


def page(title: str, date: str = "2026-02-12T18:10:00+02:00", extra: str = "") -> str:
    return PAGE.format(title=title, date=date, extra=extra)


def urls(site: Path) -> dict[str, str]:
    """Source path -> URL of every article the site builds."""
    _, model = load_site(site, BuildOptions())
    return {p.id: p.url for p in model.pages.values()}


@pytest.mark.parametrize(
    ("rel_path", "slug"),
    [
        ("seeds/2026/02/perehovory-z-kremlem.md", "perehovory-z-kremlem"),
        ("seeds/2026/02/a1.md", "a1"),
        ("seeds/2026/02/Новина дня.md", "novyna-dnia"),
        ("seeds/2026/02/News_Of The_Day.md", "news-of-the-day"),
        ("seeds/2026/02/---.md", ""),
    ],
)
def test_file_slug_is_the_file_name_or_its_transliteration(rel_path: str, slug: str) -> None:
    assert file_slug(rel_path) == slug


def test_urls_come_from_file_names_not_titles(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        "-- seeds/2026/02/rutte-pro-kreml.md --\n"
        + page("Переговори з Кремлем? Генсек НАТО відповів")
        # the month comes from the date in the site time zone: 23:30 UTC on 31 March is 1 April in Kyiv
        + "-- seeds/2026/03/kvitnevyi.md --\n"
        + page("Квітень", "2026-03-31T23:30:00+00:00")
        + "-- seeds/inbox/Новина дня.md --\n"
        + page("Будь-що")
        + "-- seeds/2026/02/zvit.md --\n"
        + page("Звіт", extra="slug: zvit-za-liutyi\n")
    )
    assert urls(site) == {
        "seeds/2026/02/rutte-pro-kreml.md": "/2026/02/rutte-pro-kreml/",
        "seeds/2026/03/kvitnevyi.md": "/2026/04/kvitnevyi/",
        "seeds/inbox/Новина дня.md": "/2026/02/novyna-dnia/",
        "seeds/2026/02/zvit.md": "/2026/02/zvit-za-liutyi/",
    }


def test_urls_title_edit_keeps_the_url(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site("-- seeds/2026/02/pidsumky-v-briusseli.md --\n" + page("Підсумки зустрічі в Брюсселі"))
    out = build(site, BuildOptions()).out_dir
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
    source = site / "seeds/2026/02/pidsumky-v-briusseli.md"
    source.write_text(source.read_text("utf-8").replace("в Брюсселі", "у Брюсселі"), "utf-8")
    out = build(site, BuildOptions()).out_dir
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html")) == before
    html = (out / "2026/02/pidsumky-v-briusseli/index.html").read_text("utf-8")
    assert "Підсумки зустрічі у Брюсселі</h1>" in html


def test_urls_same_title_in_one_month_keeps_both_pages_where_they_were(make_site) -> None:  # type: ignore[no-untyped-def]
    """An older article with a published title renumbers nothing (issue 15: `-2`, `-3` moved two pages)."""
    site = make_site(
        "-- seeds/2026/02/hensek-vidpoviv.md --\n"
        + page("Генсек відповів", "2026-02-12T18:10:00+02:00")
        + "-- seeds/2026/02/hensek-vidpoviv-2.md --\n"
        + page("Генсек відповів", "2026-02-13T18:10:00+02:00")
    )
    before = urls(site)
    (site / "seeds/2026/02/hensek-vidpoviv-3.md").write_text(page("Генсек відповів", "2026-02-01T08:00:00+02:00"))
    after = urls(site)
    assert {k: after[k] for k in before} == before
    assert after["seeds/2026/02/hensek-vidpoviv-3.md"] == "/2026/02/hensek-vidpoviv-3/"


def test_urls_a_draft_that_would_take_a_published_url_is_an_error_now(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        "-- seeds/2026/02/zvit.md --\n"
        + page("Звіт")
        + "-- seeds/drafts/zvit.md --\n"
        + page("Інший звіт", extra="draft: true\n")
    )
    with pytest.raises(SitegenError) as info:
        build(site, BuildOptions())
    assert info.value.format().startswith(
        "seeds/drafts/zvit.md: /2026/02/zvit/ is the URL of 2 pages: seeds/2026/02/zvit.md, seeds/drafts/zvit.md ("
    )


def test_urls_of_the_example_digest_are_its_file_names(tmp_path: Path) -> None:
    site = copy_seed_site(tmp_path / "s")
    found = urls(site)
    assert len(found) == len(list((REPO / "seeds").glob("20*/*/*.md"))) > 0
    for rel, url in found.items():
        yyyy, mm, name = rel.removeprefix("seeds/").removesuffix(".md").split("/")
        assert url == f"/digest/{yyyy}/{mm}/{name}/"
