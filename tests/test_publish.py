"""`sitegen publish` with real folders and real git repositories (a bare repository as the remote)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen import __version__
from sitegen.cli import main
from tests.conftest import REPO, many_pages, run_main, tree_digest

pytestmark = pytest.mark.timeout(60)  # git runs as a subprocess: a hang fails in a minute

SITE = """\
-- sitegen.yaml --
title: "Тестовий дайджест"
base_url: "https://example.org/digest/"
-- seeds/2026/02/a.md --
---
title: "Перша стаття про переговори в Брюсселі"
date: 2026-02-10T10:00:00+02:00
tags: [НАТО]
---
Перший абзац.
-- seeds/2026/02/b.md --
---
title: "Друга стаття про безпеку Європи"
date: 2026-02-11T10:00:00+02:00
tags: [НАТО, Безпека]
---
Другий абзац.
-- seeds/2026/02/c.md --
---
title: "Третя стаття про гарантії для України"
date: 2026-02-12T10:00:00+02:00
tags: [Україна]
---
Третій абзац.
"""
C_TITLE = "Третя стаття про гарантії для України"
C_SLUG = "2026/02/c/"

IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Editor",
    "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Test Editor",
    "GIT_COMMITTER_EMAIL": "editor@example.org",
}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must pass on a machine without a git identity."""
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(path), cwd=tmp_path)
    return path


def commits(repo: Path, branch: str = "gh-pages") -> list[str]:
    return git("rev-list", branch, cwd=repo).split()


def branch_files(repo: Path, branch: str = "gh-pages") -> dict[str, bytes]:
    names = git("ls-tree", "-r", "--name-only", branch, cwd=repo).split("\n")
    return {
        n: subprocess.run(["git", "show", f"{branch}:{n}"], cwd=repo, capture_output=True, timeout=60).stdout
        for n in names
        if n
    }


def publish(*args: str, site: Path) -> int:
    return main(["publish", "--site", str(site), *args])


# Folder target


def test_publish_folder_new_then_again_same_bytes(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    first = tree_digest(out)
    assert ".sitegen-publish" in first and ".sitegen-build" not in first
    assert {"index.html", "404.html", "sitemap.xml", "feed.xml", "feed.json", C_SLUG + "index.html"} <= set(first)
    assert "published 3 articles to" in capsys.readouterr().out
    assert publish("--to", str(out), site=site) == 0
    assert tree_digest(out) == first
    assert "nothing to publish" in capsys.readouterr().out
    assert not (site / "site").exists(), "publish builds into a temporary folder, never site/"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"], "no temp folder left beside the target"


def test_publish_folder_foreign_is_refused_and_kept(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    out = tmp_path / "www"
    out.mkdir()
    (out / "mine.txt").write_text("не чіпати", "utf-8")
    before = tree_digest(out)
    assert publish("--to", str(out), site=site) == 1
    err = capsys.readouterr().err
    assert err == (
        f"error: refused to publish to {out}: it is not empty and has no .sitegen-publish marker, so sitegen "
        "did not publish it; it was left untouched (choose an empty or new folder outside the site folder, "
        "or one sitegen published before)\n"
    )
    assert tree_digest(out) == before


@pytest.mark.parametrize("inside", ["public", "seeds/out", "."])
def test_publish_folder_inside_site_is_refused(make_site, inside: str, capsys) -> None:
    site = make_site(SITE)
    before = tree_digest(site)
    assert publish("--to", str(site / inside), site=site) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: refused to publish to {(site / inside).resolve()}: it is ")
    assert ("the site folder" in err) and err.count("\n") == 1
    assert tree_digest(site) == before


def test_publish_folder_under_a_file_is_not_a_folder(make_site, tmp_path: Path, capsys) -> None:
    """Fault 8: `--to FILE/site` said "File exists"."""
    site = make_site(SITE)
    (tmp_path / "notes.txt").write_text("мої нотатки\n", "utf-8")
    assert publish("--to", str(tmp_path / "notes.txt" / "site"), site=site) == 1
    assert capsys.readouterr().err == (
        f"error: refused to publish to {tmp_path / 'notes.txt' / 'site'}: {tmp_path / 'notes.txt'} is a file, "
        "not a folder (choose an empty or new folder outside the site folder, or one sitegen published before)\n"
    )
    assert (tmp_path / "notes.txt").read_text("utf-8") == "мої нотатки\n"


def test_publish_folder_holding_the_site_is_refused(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    assert publish("--to", str(tmp_path), site=site) == 1
    assert f"it holds the site folder ({site})" in capsys.readouterr().err


def test_publish_broken_source_publishes_nothing_and_names_file(make_site, tmp_path: Path, remote: Path) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    assert publish("--git", str(remote), site=site) == 0
    before, head = tree_digest(out), commits(remote)
    page = site / "seeds/2026/02/b.md"
    page.write_text(page.read_text("utf-8").replace("tags: [НАТО, Безпека]", "tags: [НАТО, Безпека"), "utf-8")
    for target in (["--to", str(out)], ["--git", str(remote)]):
        result = run_main("publish", "--site", str(site), *target, env=IDENTITY)
        assert result.code == 1
        assert result.err.startswith("error: seeds/2026/02/b.md:4:"), result.err
        assert "Traceback" not in result.err
    assert tree_digest(out) == before
    assert commits(remote) == head


def test_publish_check_problem_publishes_nothing(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE.replace("Другий абзац.", "Другий [абзац](/digest/nemaie/)."))
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 1
    err = capsys.readouterr().err
    assert "1. seeds/2026/02/b.md:6: broken link /digest/nemaie/" in err
    assert "2. refused to publish: check found 1 problem in the build" in err
    assert not out.exists()


def test_publish_draft_disappears_from_every_published_file(make_site, tmp_path: Path, remote: Path) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    assert publish("--git", str(remote), site=site) == 0
    page = site / "seeds/2026/02/c.md"
    page.write_text(page.read_text("utf-8").replace("tags: [Україна]", "tags: [Україна]\ndraft: true"), "utf-8")
    assert publish("--to", str(out), site=site) == 0
    assert publish("--git", str(remote), site=site) == 0
    published = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for files in (published, branch_files(remote)):
        assert files and "index.html" in files
        leaks = [name for name, data in files.items() if C_TITLE.encode() in data or C_SLUG.encode() in data]
        assert leaks == []
        assert not any(name.startswith(C_SLUG) or name.startswith("tags/ukraina/") for name in files)


def test_publish_dry_run_lists_exact_diff_and_changes_nothing(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    before = tree_digest(out)
    (site / "seeds/2026/02/c.md").unlink()
    page = site / "seeds/2026/02/a.md"
    page.write_text(page.read_text("utf-8").replace("Перший абзац.", "Перший абзац, змінений."), "utf-8")
    capsys.readouterr()
    assert publish("--to", str(out), "--dry-run", site=site) == 0
    lines = capsys.readouterr().out.splitlines()
    assert tree_digest(out) == before
    # 2 added, and 3 of the removed: the search index's manifest and term shard, whose fingerprinted names follow
    # their content, and the third fragment (`search/docs/2.jz`: fragments keep their names)
    assert lines[-1].startswith(f"dry run: publishing to {out} would make 2 added, ")
    listed = {line[2:]: line[0] for line in lines[:-1]}
    assert publish("--to", str(out), site=site) == 0
    after = tree_digest(out)
    actual = {p: "+" for p in after.keys() - before.keys()}
    actual |= {p: "-" for p in before.keys() - after.keys()}
    actual |= {p: "~" for p in after.keys() & before.keys() if after[p] != before[p]}
    assert listed == actual
    assert listed[C_SLUG + "index.html"] == "-" and listed["tags/ukraina/index.html"] == "-"
    assert listed["2026/02/a/index.html"] == "~"


def test_publish_lists_removed_article_pages_apart_and_says_how_to_keep_their_readers(
    make_site, tmp_path: Path, capsys
) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    (site / "seeds/2026/02/c.md").rename(site / "seeds/2026/02/harantii-dlia-ukrainy.md")  # a new URL
    capsys.readouterr()
    assert publish("--to", str(out), "--dry-run", site=site) == 0
    captured = capsys.readouterr()
    assert f"- {C_SLUG}index.html" in captured.out.splitlines()  # among the other removals
    assert captured.err.splitlines() == [
        f"warning: this publish would remove 1 article page from {out}: links to it will get 404",
        f"  - /digest/{C_SLUG}",
        "  to keep their readers, list each old URL in `aliases:` of the page that replaces it, "
        f"e.g. aliases: [/{C_SLUG}]",
    ]
    page = site / "seeds/2026/02/harantii-dlia-ukrainy.md"
    page.write_text(page.read_text("utf-8").replace("tags: [Україна]", f"tags: [Україна]\naliases: [/{C_SLUG}]"))
    assert publish("--to", str(out), "--dry-run", site=site) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and f"~ {C_SLUG}index.html" in captured.out.splitlines()  # now a redirect page


def test_publish_deletion_cap_holds(make_site, tmp_path: Path, remote: Path, capsys) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    assert publish("--git", str(remote), site=site) == 0
    before, head = tree_digest(out), commits(remote)
    (site / "seeds/2026/02/c.md").unlink()
    capsys.readouterr()
    for target in (["--to", str(out)], ["--git", str(remote)]):
        assert publish(*target, "--max-deletes", "2", site=site) == 1
        err = capsys.readouterr().err
        # the page, its tag's page and feed, and the old search files (fingerprinted names: manifest, term
        # shard; and the third of the 3 fragments)
        assert err.startswith("error: refused to publish: it would remove 6 published files, more than --max-deletes 2")
        assert err.count("\n") == 1
    assert tree_digest(out) == before and commits(remote) == head
    assert publish("--to", str(out), "--max-deletes", "8", site=site) == 0
    assert publish("--git", str(remote), "--max-deletes", "2", "--force", site=site) == 0
    assert len(commits(remote)) == 2


def test_publish_empty_build_is_refused(make_site, tmp_path: Path, capsys) -> None:
    site = make_site("-- sitegen.yaml --\ntitle: Порожньо\nbase_url: https://example.org/\n")
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 1
    assert capsys.readouterr().err == (
        "error: refused to publish: the build has no articles (check seeds/; run again with --force if this is "
        "what you want)\n"
    )
    assert not out.exists()


# Git target


def test_publish_git_creates_branch_with_the_build(make_site, remote: Path, capsys) -> None:
    site = make_site(SITE)
    assert publish("--git", str(remote), site=site) == 0
    [commit] = commits(remote)
    assert capsys.readouterr().out.startswith(
        f"published 3 articles to branch gh-pages of {remote} as commit {commit[:12]}"
    )
    files = branch_files(remote)
    assert {"index.html", "404.html", "sitemap.xml", "feed.xml", "feed.json", C_SLUG + "index.html"} <= set(files)
    assert ".sitegen-build" not in files and ".sitegen-publish" not in files
    message = git("log", "-1", "--format=%B", "gh-pages", cwd=remote)
    assert message.startswith("Publish Тестовий дайджест: 3 articles\n\n")
    assert f"Built by sitegen {__version__}: 3 articles, 3 tags, " in message
    assert "Source: not a git work tree." in message
    assert git("log", "-1", "--format=%an <%ae>", "gh-pages", cwd=remote).strip() == "Test Editor <editor@example.org>"


def test_publish_git_same_build_adds_no_commit_and_a_change_adds_one(make_site, remote: Path, capsys) -> None:
    site = make_site(SITE)
    assert publish("--git", str(remote), site=site) == 0
    first = commits(remote)
    assert publish("--git", str(remote), site=site) == 0
    assert commits(remote) == first
    assert "nothing to publish" in capsys.readouterr().out
    page = site / "seeds/2026/02/b.md"
    page.write_text(page.read_text("utf-8").replace("Другий абзац.", "Другий абзац, виправлений."), "utf-8")
    assert publish("--git", str(remote), "--message", "Виправлення", site=site) == 0
    second = commits(remote)
    assert len(second) == 2 and second[1:] == first
    assert git("rev-parse", "gh-pages^", cwd=remote).strip() == first[0]
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=remote).strip() == "Виправлення"


def test_publish_git_adds_nojekyll_when_the_branch_has_none(make_site, remote: Path) -> None:
    site = make_site(SITE)
    assert publish("--git", str(remote), site=site) == 0
    assert branch_files(remote)[".nojekyll"] == b""  # GitHub Pages would run Jekyll and drop `_`-files
    assert publish("--git", str(remote), site=site) == 0
    assert len(commits(remote)) == 1  # it is no change of the build: the same build adds no commit


def test_publish_git_keeps_cname_and_nojekyll(make_site, tmp_path: Path, remote: Path) -> None:
    site = make_site(SITE)
    assert publish("--git", str(remote), site=site) == 0
    clone = tmp_path / "clone"
    git("clone", "-q", "--branch", "gh-pages", str(remote), str(clone), cwd=tmp_path)
    (clone / "CNAME").write_text("digest.example.org\n", "utf-8")
    (clone / ".nojekyll").write_text("", "utf-8")
    git("add", "CNAME", ".nojekyll", cwd=clone)
    git("commit", "-q", "-m", "Custom domain", cwd=clone)
    git("push", "-q", "origin", "gh-pages", cwd=clone)
    (site / "seeds/2026/02/c.md").unlink()
    assert publish("--git", str(remote), site=site) == 0
    files = branch_files(remote)
    assert files["CNAME"] == b"digest.example.org\n" and files[".nojekyll"] == b""
    assert C_SLUG + "index.html" not in files
    assert len(commits(remote)) == 3


def test_publish_git_message_names_source_commit(make_site, remote: Path) -> None:
    site = make_site(SITE)
    git("init", "-q", cwd=site)
    git("add", "-A", cwd=site)
    git("commit", "-q", "-m", "Сайт", cwd=site)
    head = git("rev-parse", "--short=12", "HEAD", cwd=site).strip()
    assert publish("--git", str(remote), site=site) == 0
    assert f"Source: commit {head}.\n" in git("log", "-1", "--format=%B", "gh-pages", cwd=remote)


def test_publish_git_checked_out_branch_is_refused(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    repo = tmp_path / "work"
    git("init", "-q", "-b", "gh-pages", str(repo), cwd=tmp_path)
    (repo / "README").write_text("x", "utf-8")
    git("add", "README", cwd=repo)
    git("commit", "-q", "-m", "x", cwd=repo)
    head = commits(repo)
    assert publish("--git", str(repo), site=site) == 1
    assert capsys.readouterr().err == (
        f"error: refused to publish to branch gh-pages of {repo}: the branch is checked out in the work tree "
        f"{repo.resolve()}, whose files would no longer match it (publish to another branch, check out another "
        "branch there, or push to a bare repository)\n"
    )
    assert commits(repo) == head
    # Another branch of the same repository is fine.
    assert publish("--git", str(repo), "--branch", "site", site=site) == 0
    assert commits(repo) == head and len(commits(repo, "site")) == 1


def test_publish_git_missing_repository_is_refused(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    assert publish("--git", str(tmp_path / "nope.git"), site=site) == 1
    assert capsys.readouterr().err.startswith(
        f"error: refused to publish to branch gh-pages of {tmp_path / 'nope.git'}"
    )


def test_publish_git_branch_given_as_a_ref_is_normalised(make_site, remote: Path) -> None:
    """Fault 7: `--branch refs/heads/x` made `refs/heads/refs/heads/x`."""
    site = make_site(SITE)
    assert publish("-q", "--git", str(remote), "--branch", "refs/heads/pages", site=site) == 0
    assert git("for-each-ref", "--format=%(refname)", cwd=remote).split() == ["refs/heads/pages"]


@pytest.mark.parametrize("branch", ["@", "@{-1}", "HEAD", "-", "refs/tags/v1", "a..b", "x.lock", ""])
def test_publish_git_shorthand_or_bad_branch_is_refused(make_site, remote: Path, capsys, branch: str) -> None:
    """Fault 7: `--branch @` made a branch named `@`."""
    site = make_site(SITE)
    assert publish("--git", str(remote), "--branch", branch, site=site) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: refused to publish to branch {branch!r} of {remote}: it ")
    assert err.endswith(" (name a branch such as gh-pages)\n") and err.count("\n") == 1
    assert git("for-each-ref", cwd=remote) == ""


def test_publish_git_dry_run_changes_nothing(make_site, remote: Path, capsys) -> None:
    site = make_site(SITE)
    assert publish("--git", str(remote), "--dry-run", site=site) == 0
    out = capsys.readouterr().out
    assert "+ index.html" in out.splitlines()
    assert git("branch", "--list", cwd=remote) == ""


def test_publish_usage_needs_a_target() -> None:
    assert run_main("publish").code == 2
    assert run_main("publish", "--to", "a", "--git", "b").code == 2


def test_publish_dry_run_shows_the_refusal_a_real_run_would_meet(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    before = tree_digest(out)
    (site / "seeds/2026/02/c.md").unlink()
    capsys.readouterr()
    assert publish("--to", str(out), "--dry-run", "--max-deletes", "0", site=site) == 1
    captured = capsys.readouterr()
    assert f"- {C_SLUG}index.html" in captured.out.splitlines()
    assert captured.err.startswith(f"warning: this publish would remove 1 article page from {out}: ")
    assert "\nerror: refused to publish: it would remove 6 published files" in captured.err  # with old search files
    assert tree_digest(out) == before


def test_publish_folder_interrupted_leaves_previous_tree(make_site, tmp_path: Path, monkeypatch) -> None:
    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    before = tree_digest(out)
    page = site / "seeds/2026/02/a.md"
    page.write_text(page.read_text("utf-8").replace("Перший абзац.", "Змінений абзац."), "utf-8")
    import shutil

    copied = 0
    real_copy = shutil.copyfile

    def copy_then_interrupt(src, dst):  # type: ignore[no-untyped-def]
        nonlocal copied
        copied += 1
        if copied == 5:
            raise KeyboardInterrupt
        return real_copy(src, dst)

    monkeypatch.setattr("sitegen.publish.folder.shutil.copyfile", copy_then_interrupt)
    assert publish("--to", str(out), site=site) == 130
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]


def test_publish_folder_full_disk_names_the_target_not_the_temp_build(make_site, tmp_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    """Fault 8: a publish into a full disk named a file of the deleted temp build."""
    import errno
    import shutil

    site = make_site(SITE)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    before = tree_digest(out)
    (site / "seeds/2026/02/c.md").unlink()
    real_copy = shutil.copyfile

    def full_disk(src, dst):  # type: ignore[no-untyped-def]
        if str(dst).endswith("sitemap.xml"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_copy(src, dst)

    monkeypatch.setattr("sitegen.publish.folder.shutil.copyfile", full_disk)
    capsys.readouterr()
    assert publish("--to", str(out), site=site) == 1
    assert capsys.readouterr().err == (
        f"error: cannot publish to {out}: No space left on device (writing sitemap.xml) "
        "(the folder was left as it was; free some space, then publish again)\n"
    )
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]


def test_publish_git_relative_repository_path(make_site, tmp_path: Path, remote: Path, monkeypatch) -> None:
    site = make_site(SITE)
    monkeypatch.chdir(tmp_path)
    assert publish("--git", "remote.git", "--branch", "pages", site=site) == 0
    assert len(commits(remote, "pages")) == 1


def test_publish_git_dry_run_lists_exact_diff(make_site, remote: Path, capsys) -> None:
    site = make_site(SITE)
    assert publish("--git", str(remote), site=site) == 0
    (site / "seeds/2026/02/c.md").unlink()
    page = site / "seeds/2026/02/a.md"
    page.write_text(page.read_text("utf-8").replace("Перший абзац.", "Перший абзац, змінений."), "utf-8")
    capsys.readouterr()
    head = commits(remote)
    assert publish("--git", str(remote), "--dry-run", site=site) == 0
    listed = sorted(line.split(" ", 1)[::-1] for line in capsys.readouterr().out.splitlines()[:-1])
    assert commits(remote) == head
    assert publish("--git", str(remote), site=site) == 0
    status = git("diff", "--no-renames", "--name-status", "gh-pages~1", "gh-pages", cwd=remote).splitlines()
    actual = sorted([path, {"A": "+", "M": "~", "D": "-"}[kind]] for kind, path in (s.split("\t") for s in status))
    assert listed == actual and len(actual) > 3


def test_publish_git_never_overwrites_a_concurrent_publish(
    make_site, tmp_path: Path, remote: Path, monkeypatch, capsys
):
    site = make_site(SITE)
    assert publish("--git", str(remote), site=site) == 0
    clone = tmp_path / "clone"
    git("clone", "-q", "--branch", "gh-pages", str(remote), str(clone), cwd=tmp_path)
    (clone / "CNAME").write_text("digest.example.org\n", "utf-8")
    git("add", "CNAME", cwd=clone)
    git("commit", "-q", "-m", "Someone else", cwd=clone)

    from sitegen.publish.git import GitTarget

    fetched = GitTarget.published

    def fetched_then_someone_pushes(self: GitTarget):  # type: ignore[no-untyped-def]
        found = fetched(self)
        git("push", "-q", "origin", "gh-pages", cwd=clone)  # lands between our fetch and our push
        return found

    monkeypatch.setattr(GitTarget, "published", fetched_then_someone_pushes)
    (site / "seeds/2026/02/c.md").unlink()
    capsys.readouterr()
    assert publish("--git", str(remote), site=site) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: refused by {remote}: the push of the new commit failed (git push failed: ")
    assert "(the branch was not changed; if someone else published meanwhile, run sitegen publish again)" in err
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=remote).strip() == "Someone else"


def test_publish_git_push_refused_for_space_does_not_blame_another_publish(make_site, remote: Path, capsys) -> None:
    """Fault 8: a push the remote refused (out of space, pack too large) hinted that someone else published."""
    site = make_site(SITE)
    git("config", "receive.maxInputSize", "100", cwd=remote)  # the remote refuses the pack, as a full disk does
    assert publish("--git", str(remote), site=site) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: refused by {remote}: the push of the new commit failed (git push failed: ")
    assert "remote: fatal: pack exceeds maximum allowed size" in err
    assert err.endswith("(the branch was not changed; fix what git says)\n") and "someone else" not in err
    assert git("for-each-ref", cwd=remote) == ""


def test_publish_verification_mismatch_is_an_error(make_site, tmp_path: Path, monkeypatch, capsys) -> None:
    from sitegen.publish.folder import FolderTarget

    real = FolderTarget.reread

    def tampered(self: FolderTarget):  # type: ignore[no-untyped-def]
        (self.path / "index.html").write_text("підмінено", "utf-8")
        return real(self)

    monkeypatch.setattr(FolderTarget, "reread", tampered)
    site = make_site(SITE)
    assert publish("--to", str(tmp_path / "public"), site=site) == 1
    assert capsys.readouterr().err.startswith(
        f"error: published, but {tmp_path / 'public'} does not match the build: 1 file differs (index.html)"
    )


def test_publish_much_smaller_build_is_refused(make_site, tmp_path: Path, capsys) -> None:
    pages = "".join(
        f"-- seeds/2026/02/p{i}.md --\n---\ntitle: Стаття номер {i}\ndate: 2026-02-{1 + i:02d}T10:00:00+02:00\n"
        f"tags: [Тег{i}]\n---\nТекст.\n"
        for i in range(16)
    )
    site = make_site("-- sitegen.yaml --\ntitle: Дайджест\nbase_url: https://example.org/\n" + pages)
    out = tmp_path / "public"
    assert publish("--to", str(out), site=site) == 0
    before = tree_digest(out)
    for i in range(1, 16):
        (site / f"seeds/2026/02/p{i}.md").unlink()
    capsys.readouterr()
    assert publish("--to", str(out), "--max-deletes", "-1", site=site) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: refused to publish: the build has ") and "less than half of the " in err
    assert tree_digest(out) == before
    assert publish("--to", str(out), "--max-deletes", "-1", "--force", site=site) == 0


def test_publish_git_url_to_checked_out_branch_reports_git_refusal(make_site, tmp_path: Path, capsys) -> None:
    site = make_site(SITE)
    repo = tmp_path / "work"
    git("init", "-q", "-b", "gh-pages", str(repo), cwd=tmp_path)
    git("commit", "-q", "--allow-empty", "-m", "x", cwd=repo)
    head = commits(repo)
    assert publish("--git", f"file://{repo}", site=site) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: refused by file://{repo}: the push of the new commit failed (git push failed: ")
    assert "refusing to update checked out branch" in err and err.count("\n") == 1
    assert commits(repo) == head


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait(10)
    return child.pid


def test_publish_removes_what_killed_publishes_left_and_nothing_else(
    make_site, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Fault 5: killed publishes left their temp build behind, and `.public.old-*` beside the target."""
    site = make_site(SITE)
    out = tmp_path / "public"
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    assert publish("--to", str(out), site=site) == 0
    dead, alive = _dead_pid(), os.getppid()
    stale = [temp / f"sitegen-publish-build-{dead}-a1b2", temp / f"sitegen-publish-git-{dead}-c3d4"]
    kept = [temp / f"sitegen-publish-build-{alive}-e5f6", temp / "sitegen-publish-build-x7y8", temp / "other"]
    for folder in [*stale, *kept]:
        (folder / "site").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("x", "utf-8")
    (tmp_path / f".public.old-{dead}" / "a").mkdir(parents=True)
    (tmp_path / f".public.tmp-{dead}").mkdir()
    capsys.readouterr()
    assert publish("--to", str(out), site=site) == 0
    assert "nothing to publish" in capsys.readouterr().out
    assert sorted(p.name for p in temp.iterdir()) == sorted(p.name for p in kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site", "tmp"]


@pytest.mark.timeout(90)
def test_publish_killed_leaves_temp_folders_the_next_publish_removes(tmp_path: Path) -> None:
    """Fault 5, as it happened: `kill -9` of a publish while it builds."""
    site = many_pages(tmp_path / "s", 20)
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "public"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)}
    args = [sys.executable, "-m", "sitegen", "publish", "-q", "--site", str(site), "--to", str(out)]
    with subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
        deadline = time.monotonic() + 60
        while not any(temp.glob("sitegen-publish-*")) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        proc.kill()
        proc.wait(30)
    assert any(temp.iterdir()), "the publish was killed while its temporary build existed"
    again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "error" not in again.stderr, again.stderr
    assert list(temp.iterdir()) == []
    assert (out / "index.html").is_file()
