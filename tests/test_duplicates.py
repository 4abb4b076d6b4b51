"""Near-duplicate stories: shingles of stemmed terms, bottom-k sketches, candidates from an inverted index."""

from __future__ import annotations

from sitegen.content.duplicates import MAX_POSTINGS, Story, find_near_duplicates, sketch
from tests.conftest import FIXTURES, REPO

DUPLICATES = FIXTURES / "duplicates"


def fixture_stories() -> list[Story]:
    return [Story(p.name, p.read_text("utf-8")) for p in sorted(DUPLICATES.iterdir())]


def test_duplicates_rewrites_of_one_story_are_found_and_unrelated_story_is_not() -> None:
    found = find_near_duplicates(fixture_stories())
    assert {(d.first, d.second) for d in found} == {
        ("brussels-original.md", "brussels-original.txt"),
        ("brussels-original.md", "brussels-rewrite.txt"),
        ("brussels-original.txt", "brussels-rewrite.txt"),
    }
    # One text in two formats (page, raw file with its header lines) comes first.
    assert (found[0].first, found[0].second) == ("brussels-original.md", "brussels-original.txt")
    assert found[0].score > 0.9
    assert [d.score for d in found] == sorted((d.score for d in found), reverse=True)
    assert all(d.score >= 0.4 for d in found)


def test_duplicates_other_stories_on_the_same_topic_stay_apart() -> None:
    # The example digest's two NATO stories (Brussels, Rutte on talks) share names and places, not a story.
    pages = [Story(p.name, p.read_text("utf-8")) for p in sorted((REPO / "seeds" / "2026").rglob("*.md"))]
    assert len(pages) == 2
    assert find_near_duplicates(pages) == []
    energy = Story("energy.txt", (DUPLICATES / "energy.txt").read_text("utf-8"))
    assert find_near_duplicates([*pages, energy]) == []
    # The fixture's Brussels story is the digest's first story retold: found.
    rewrite = Story("brussels-rewrite.txt", (DUPLICATES / "brussels-rewrite.txt").read_text("utf-8"))
    assert [d.second for d in find_near_duplicates([*pages, rewrite])] == [pages[0].name]


def test_duplicates_among_limits_pairs_to_the_named_stories() -> None:
    stories = fixture_stories()
    found = find_near_duplicates(stories, among={"brussels-rewrite.txt"})
    assert {(d.first, d.second) for d in found} == {
        ("brussels-original.md", "brussels-rewrite.txt"),
        ("brussels-original.txt", "brussels-rewrite.txt"),
    }
    assert find_near_duplicates(stories, among={"energy.txt"}) == []


def test_duplicates_are_deterministic_and_order_free() -> None:
    stories = fixture_stories()
    assert find_near_duplicates(stories) == find_near_duplicates(list(reversed(stories)))
    assert sketch(stories[0].text) == sketch(stories[0].text)


def test_duplicates_short_texts_and_boilerplate_are_not_evidence() -> None:
    short = [Story("a", "НАТО і Україна"), Story("b", "НАТО і Україна")]
    assert find_near_duplicates(short) == []
    # One paragraph repeated under many different stories is boilerplate, not a shared story.
    boiler = (
        "Читайте також наші новини у телеграм-каналі та підписуйтеся на щоденну розсилку редакції дайджесту. "
        "Редакція дякує читачам за підтримку незалежної журналістики, надсилайте новини й фото на пошту редакції."
    )
    words = "ракета енергетика бюджет вибори футбол погода музей театр лікарня школа дорога міст".split()
    many = [
        Story(f"s{i}", boiler + " " + " ".join(f"{w}{i}{j}" for j, w in enumerate(words)))
        for i in range(MAX_POSTINGS + 5)
    ]
    assert find_near_duplicates(many) == []


def test_duplicates_check_warns_naming_both_pages_and_passes(make_site, capsys) -> None:  # type: ignore[no-untyped-def]
    from sitegen.cli import main

    site = make_site()
    folder = site / "seeds/2026/02"
    folder.mkdir(parents=True)
    original = (DUPLICATES / "brussels-original.md").read_text("utf-8")
    (folder / "brussels.md").write_text(original, "utf-8")
    # The same story retold as a draft (check reads drafts too), and an unrelated page.
    rewrite = (DUPLICATES / "brussels-rewrite.txt").read_text("utf-8").split("\n")
    (folder / "retold.md").write_text(
        '---\ntitle: "Альянс не проти військ союзників"\ndate: 2026-02-02T11:40:00+02:00\ndraft: true\n---\n'
        + "\n".join(rewrite[6:-2]),
        "utf-8",
    )
    (folder / "energy.md").write_text(
        '---\ntitle: "Укренерго"\ndate: 2026-02-02T15:05:00+02:00\n---\n'
        + "\n".join((DUPLICATES / "energy.txt").read_text("utf-8").split("\n")[6:-2]),
        "utf-8",
    )
    expected = [
        "warning: seeds/2026/02/brussels.md: tells the same story as seeds/2026/02/retold.md"
        " (61% of the shorter text's word pairs shared) (keep one of them, or rewrite one)"
    ]
    assert main(["check", "--site", str(site)]) == 0
    assert capsys.readouterr().err.splitlines() == expected
    assert (site / ".sitegen-cache/sketches.bin").is_file()
    assert main(["check", "--site", str(site)]) == 0  # again, from the kept sketches: the same warning
    assert capsys.readouterr().err.splitlines() == expected


def test_check_keeps_sketches_between_runs_and_survives_a_damaged_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sitegen.check.duplicates import SketchCache

    path = tmp_path / ".sitegen-cache" / "sketches.bin"
    texts = [s.text for s in fixture_stories()]
    first = SketchCache(path)
    expected = find_near_duplicates([Story(str(i), t) for i, t in enumerate(texts)])
    assert find_near_duplicates([Story(str(i), t) for i, t in enumerate(texts)], sketcher=first.sketch) == expected
    assert first.made == len(set(texts))
    first.save()
    again = SketchCache(path)
    assert find_near_duplicates([Story(str(i), t) for i, t in enumerate(texts)], sketcher=again.sketch) == expected
    assert again.made == 0 and again.known == {k: sketch(t) for k, t in _keyed(texts).items()}
    edited = [*texts[:-1], texts[-1] + " Доповнення редактора."]
    third = SketchCache(path)
    for text in edited:
        third.sketch(text)
    assert third.made == 1
    third.save()
    assert len(SketchCache(path).known) == len(set(edited))  # the edited text's old sketch is gone
    path.write_bytes(path.read_bytes()[:-7])  # cut short: ignored, made again
    assert SketchCache(path).known == {}


def _keyed(texts: list[str]) -> dict[bytes, str]:
    import hashlib

    return {hashlib.sha1(t.encode()).digest(): t for t in texts}
