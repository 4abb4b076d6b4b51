"""May this folder be replaced? One policy for `build --out` and `publish --to` (reliability.md §2, case 34).

Both commands replace a whole folder by a new one. A folder is refused when that could destroy
what the user wrote: the root of the file system, the home folder, the site folder, its sources
(`seeds/`, `themes/`, `templates/`, `static/`) or a folder inside them or holding them, a file,
and a folder that is not empty and has no marker of the command. A build may write inside the
site folder (`site/` is its default); a publish may not (mkdocs#2081: a deploy into the sources).
"""

from __future__ import annotations

from pathlib import Path

from sitegen.config import SiteConfig

_SOURCES = (
    ("seeds_dir", "seeds/", "which holds your pages"),
    ("themes_dir", "themes/", "which holds your themes"),
    ("templates_dir", "templates/", "which holds your templates"),
    ("static_dir", "static/", "which holds your static files"),
)


def refusal(target: Path, config: SiteConfig, *, marker: str, verb: str, inside_site: bool) -> str | None:
    """Why `target` must not be replaced by `sitegen <verb>`, or `None` when it may.

    `marker` is the file the command leaves in every folder it made; `inside_site` allows a folder
    inside the site folder (but never inside its sources).
    """
    target = target.expanduser().resolve()
    home = Path.home().resolve()
    if target == Path(target.anchor):
        return "it is the root of the file system"
    if home.is_relative_to(target):
        return "it is your home folder or holds it"
    site = config.site_dir.resolve()
    sources = [(getattr(config, attr).resolve(), name, holds) for attr, name, holds in _SOURCES]
    guarded = [(site, "the site folder", "which holds sitegen.yaml and seeds/"), *sources]
    for folder, name, holds in guarded:
        if target == folder:
            return f"it is {name}, {holds}"
    for folder, name, _ in guarded:
        if folder.is_relative_to(target):
            return f"it holds {name} ({folder})"
    for folder, name, _ in [*sources, *([] if inside_site else guarded[:1])]:
        if target.is_relative_to(folder):
            return f"it is inside {name} ({folder})"
    reason = not_a_folder(target)
    if reason is None and target.is_dir() and any(target.iterdir()) and not (target / marker).is_file():
        reason = f"it is not empty and has no {marker} marker, so sitegen did not {verb} it; it was left untouched"
    return reason


def not_a_folder(path: Path) -> str | None:
    """Why `path` can never be a folder (it, or a folder on the way to it, is a file), or `None`."""
    for at in (path, *path.parents):
        if at.exists():
            if at.is_dir():
                return None
            return "it is a file, not a folder" if at == path else f"{at} is a file, not a folder"
    return None
