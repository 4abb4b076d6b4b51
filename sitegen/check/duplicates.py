"""Near-duplicate stories among the site's pages (drafts and scheduled ones too): advisory, never failing.

Two pages that tell one story (a re-scrape, two outlets' versions) are a curation slip, not a broken
site: `check` warns, naming both files, and `publish` goes on.
"""

from __future__ import annotations

from sitegen.check.built import BuiltSite
from sitegen.content.duplicates import Story, find_near_duplicates, story_text
from sitegen.errors import CheckError


def check_duplicates(built: BuiltSite) -> list[CheckError]:
    """One warning per pair of pages that tell the same story, most similar first."""
    site = built.everything or built.site
    stories = [Story(page.id, story_text(page.title, page.meta.summary, page.body)) for page in site.pages.values()]
    return [
        CheckError(
            f"tells the same story as {dup.second} ({dup.score:.0%} of the shorter text's word pairs shared)",
            path=dup.first,
            hint="keep one of them, or rewrite one",
        )
        for dup in find_near_duplicates(stories)
    ]
