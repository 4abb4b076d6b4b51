"""Pictures without a description: a warning naming the page and line (they still build).

A picture's `alt` is what a screen reader says and what shows when it cannot load; a caption does
not replace it (it describes the news, not the picture). Checked on the sources: the lead photo's
`image: {alt: …}` and every `![alt](…)` of a body.
"""

from __future__ import annotations

from sitegen.check.built import BuiltSite
from sitegen.errors import CheckError

HINT_LEAD = 'describe the picture in `image: {alt: "…"}`'
HINT_BODY = "describe the picture between the brackets: ![what it shows](photo.jpg)"


def check_alt_text(built: BuiltSite) -> list[CheckError]:
    """One warning per picture with an empty `alt`."""
    found: list[CheckError] = []
    for page_id in sorted(built.site.pages):
        page = built.site.pages[page_id]
        image = page.meta.image
        if image is not None and image.src and not image.alt:
            found.append(
                CheckError(
                    f"image: {image.src} has no alt text",
                    path=page.id,
                    line=page.key_lines.get("image"),
                    hint=HINT_LEAD,
                )
            )
        for body_image in page.body_source.images_at(page.body_line):
            if not body_image.alt:
                found.append(
                    CheckError(
                        f"image: {body_image.src} has no alt text", path=page.id, line=body_image.line, hint=HINT_BODY
                    )
                )
    return found
