"""Helpers of the error family: how messages show paths."""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import site_relative


def test_site_relative_names_files_under_the_site_by_their_relative_path(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    (tmp_path / "link").symlink_to(site)
    assert site_relative(site / "seeds" / "a.md", site) == "seeds/a.md"
    assert site_relative(tmp_path / "link" / "seeds" / "a.md", site) == "seeds/a.md"  # through a link
    assert site_relative(site, site) == "."
    assert site_relative(tmp_path / "elsewhere.md", site) == (tmp_path / "elsewhere.md").as_posix()
