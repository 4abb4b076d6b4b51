"""Publishing to a git branch: one new commit on top of the branch's head, pushed without force.

Everything happens in a temporary bare repository with the real `git` command: the branch is
fetched, the new tree is assembled in a private index from the build (plus the branch's `CNAME`
and `.nojekyll`, which the build does not make; an empty `.nojekyll` when the branch has none, so
GitHub Pages serves the files as they are instead of running Jekyll, which drops `_`-files), and
a commit whose parent is the fetched head is pushed as a fast-forward. History is kept (unlike
ghp-import and `mkdocs gh-deploy`, which "nuke" the branch, mkdocs#840); when the tree is
unchanged no commit is made. A branch checked out in a work tree of a local repository is
refused: pushing there would leave that work tree out of step with its branch
(maxheld83/ghpages#27 overwrote `master`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sitegen.errors import PublishError
from sitegen.publish.diff import Digest
from sitegen.publish.folder import PRESERVED
from sitegen.publish.tempdirs import make_temp_dir

NOJEKYLL = ".nojekyll"
"""Tells GitHub Pages not to run Jekyll, which would leave out every file or folder starting with `_`."""
TIMEOUT = 600
"""Seconds any one git command may take (a push of a large first publish over a slow link)."""


def run_git(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    """Run `git ARGS`; return stdout, or raise a `PublishError` with git's own message."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"))}
    full_env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}, **(env or {}))
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=full_env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except FileNotFoundError:
        raise PublishError("cannot publish to git: the `git` command is not installed", hint="install git") from None
    if proc.returncode != 0:
        output = proc.stderr or proc.stdout
        raise GitError(f"git {args[0]} failed: {_reason(output) or f'exit {proc.returncode}'}", output=output)
    return proc.stdout


class GitError(PublishError):
    """A git command that failed; `output` is everything it said."""

    def __init__(self, message: str, *, output: str) -> None:
        super().__init__(message)
        self.output = output


def _is_remote_cause(line: str) -> bool:
    """A line of `git push` that says why the remote refused (`remote: fatal: … No space left on device`)."""
    text = line.strip().lower()
    return (text.startswith("remote:") and ("fatal" in text or "error" in text)) or "unpack failed" in text


def _reason(output: str) -> str:
    """The line of git's output that says why: a refusal or rejection first, then the first error."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for wanted in (("refusing", "rejected"), ("fatal:", "error:")):
        for line in lines:
            if any(word in line for word in wanted):
                return line
    return lines[-1] if lines else ""


def source_commit(site_dir: Path) -> str | None:
    """`<commit>` (with `+changes` when the site has uncommitted changes), or None outside a git work tree."""
    try:
        if run_git("rev-parse", "--is-inside-work-tree", cwd=site_dir).strip() != "true":
            return None
        commit = run_git("rev-parse", "--short=12", "HEAD", cwd=site_dir).strip()
        # sitegen's own caches (`.sitegen-cache/`, written by check) are no change of the site
        dirty = run_git("status", "--porcelain", "--", ".", ":!.sitegen-cache", cwd=site_dir).strip()
    except PublishError:
        return None
    return commit + ("+changes" if dirty else "")


def _local_repo(repo: str) -> Path | None:
    """The folder of a repository given as a path (not a URL), if it exists."""
    if "://" in repo or (":" in repo.split("/")[0] and not Path(repo).exists()):
        return None  # a URL or scp-like `host:path`
    path = Path(repo).expanduser()
    return path.resolve() if path.exists() else None


BRANCHES = "refs/heads/"
_SHORTHANDS = ("HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "@", "-")


def branch_name(raw: str, repo: str) -> str:
    """The branch `--branch` names, `refs/heads/x` written as `x`; git's shorthands and bad names refused.

    `git check-ref-format --branch` expands shorthands (`@` is the current branch, `@{-1}` the
    previous one), so `--branch @` made a branch named `@` and `refs/heads/x` one named
    `refs/heads/refs/heads/x` (issue 17, fault 7). The full ref name is checked instead.
    """
    name = raw.strip().removeprefix(BRANCHES)
    problem = None
    if name in _SHORTHANDS or "@{" in name:
        problem = "it is a git shorthand, not a branch name"
    elif name.startswith("refs/"):
        problem = "it names a ref outside refs/heads/, not a branch"
    else:
        try:
            run_git("check-ref-format", BRANCHES + name)
        except PublishError:
            problem = "it is not a valid branch name"
    if problem:
        raise PublishError(
            f"refused to publish to branch {raw!r} of {repo}: {problem}",
            hint="name a branch such as gh-pages",
        )
    return name


class GitTarget:
    """A branch of a git repository (a path or URL `git push` accepts)."""

    def __init__(self, repo: str, branch: str) -> None:
        self.repo = repo
        self.branch = branch_name(branch, repo)
        self.ref = BRANCHES + self.branch
        self.head: str | None = None
        """The branch's commit before publishing (None: the branch is new)."""
        self.commit: str | None = None
        self._tmp: Path | None = None

    def describe(self) -> str:
        return f"branch {self.branch} of {self.repo}"

    @property
    def work(self) -> Path:
        assert self._tmp is not None, "prepare() first"
        return self._tmp / "repo.git"

    def prepare(self) -> None:
        """Check the branch may be published to and fetch its head into a temporary repository."""
        shown = self.describe()
        local = _local_repo(self.repo)
        if local is None and "://" not in self.repo and ":" not in self.repo:
            raise PublishError(
                f"refused to publish to {shown}: {self.repo} does not exist",
                hint="give the path or URL of an existing git repository (`git init --bare` makes one)",
            )
        if local is not None:
            self._refuse_checked_out(local, shown)
            self.repo = str(local)  # git runs in a temporary folder: a relative path would lose its way
        self._tmp = make_temp_dir("git")
        run_git("init", "-q", "--bare", str(self.work))
        try:
            listed = run_git("ls-remote", self.repo, self.ref, cwd=self.work)
        except PublishError as exc:
            raise PublishError(
                f"refused to publish to {shown}: git cannot read it ({exc.message})",
                hint="check the path or URL and your access to it",
            ) from None
        self.head = next((line.split()[0] for line in listed.splitlines() if line.endswith("\t" + self.ref)), None)
        if self.head:
            run_git("fetch", "-q", "--no-tags", self.repo, self.ref, cwd=self.work)
            run_git("update-ref", "refs/sitegen/previous", self.head, cwd=self.work)

    def _refuse_checked_out(self, local: Path, shown: str) -> None:
        try:
            bare = run_git("rev-parse", "--is-bare-repository", cwd=local).strip() == "true"
        except PublishError:
            raise PublishError(
                f"refused to publish to {shown}: {local} is not a git repository",
                hint="give the path or URL of a git repository (`git init --bare` makes one)",
            ) from None
        if bare:
            return
        listing = run_git("worktree", "list", "--porcelain", cwd=local)
        for block in listing.split("\n\n"):
            lines = block.splitlines()
            if f"branch {self.ref}" in lines:
                where = lines[0].removeprefix("worktree ") if lines else str(local)
                raise PublishError(
                    f"refused to publish to {shown}: the branch is checked out in the work tree {where}, "
                    "whose files would no longer match it",
                    hint="publish to another branch, check out another branch there, or push to a bare repository",
                )

    def published(self) -> Digest:
        """Blob ids of the files on the branch now (the kept host files left out)."""
        if not self.head:
            return {}
        found: dict[str, str] = {}
        for entry in run_git("ls-tree", "-r", "-z", self.head, cwd=self.work).split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            _mode, kind, sha = meta.split()
            if kind == "blob" and path not in PRESERVED:
                found[path] = sha
        return found

    def _kept_entries(self) -> list[str]:
        """`git update-index --index-info` lines for the branch's CNAME and .nojekyll."""
        if not self.head:
            return []
        listed = run_git("ls-tree", "-z", self.head, "--", *PRESERVED, cwd=self.work)
        return [entry for entry in listed.split("\0") if entry]

    def write(self, tree: Path, files: list[str], message: str) -> bool:
        """Commit `tree` on top of the branch and push it; False when the tree is unchanged (no commit)."""
        env = {"GIT_INDEX_FILE": str(self.work / "sitegen-index"), **_identity(self.work)}
        shas = run_git(
            "hash-object", "-w", "--stdin-paths", cwd=self.work, stdin="".join(f"{tree / f}\n" for f in files)
        )
        entries = [f"100644 blob {sha}\t{path}" for sha, path in zip(shas.split(), files, strict=True)]
        entries += [e for e in self._kept_entries() if e.split("\t", 1)[1] not in files]
        if not any(e.split("\t", 1)[1] == NOJEKYLL for e in entries):
            empty = run_git("hash-object", "-w", "--stdin", cwd=self.work, stdin="").strip()
            entries.append(f"100644 blob {empty}\t{NOJEKYLL}")
        run_git(
            "update-index", "--add", "--index-info", cwd=self.work, env=env, stdin="".join(e + "\n" for e in entries)
        )
        new_tree = run_git("write-tree", cwd=self.work, env=env).strip()
        if self.head and run_git("rev-parse", f"{self.head}^{{tree}}", cwd=self.work).strip() == new_tree:
            return False
        parents = ["-p", self.head] if self.head else []
        self.commit = run_git(
            "commit-tree", new_tree, *parents, "-F", "-", cwd=self.work, env=env, stdin=message
        ).strip()
        try:
            # Never --force: if the branch moved since it was fetched, the push fails and nothing is lost.
            run_git("push", "-q", self.repo, f"{self.commit}:{self.ref}", cwd=self.work)
        except GitError as exc:
            # Only a branch that moved since the fetch means someone else published; a remote out of
            # space or refusing the pack must not be blamed on them (issue 17, fault 8).
            raced = any(word in exc.output for word in ("fetch first", "non-fast-forward", "stale info"))
            causes = [line.strip() for line in exc.output.splitlines() if _is_remote_cause(line)]
            raise PublishError(
                f"refused by {self.repo}: the push of the new commit failed ({'; '.join([exc.message, *causes])})",
                hint="the branch was not changed; "
                + ("if someone else published meanwhile, run sitegen publish again" if raced else "fix what git says"),
            ) from None
        return True

    def reread(self) -> tuple[str | None, Digest]:
        """The branch's head and files as the repository has them now (fetched again)."""
        listed = run_git("ls-remote", self.repo, self.ref, cwd=self.work)
        head = next((line.split()[0] for line in listed.splitlines() if line.endswith("\t" + self.ref)), None)
        if head is None:
            return None, {}
        run_git("fetch", "-q", "--no-tags", self.repo, self.ref, cwd=self.work)
        self.head = head
        return head, self.published()

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _identity(cwd: Path) -> dict[str, str]:
    """The user's git identity if they have one, else `sitegen` (publishing must not fail for want of one)."""
    try:
        run_git("var", "GIT_COMMITTER_IDENT", cwd=cwd)
        run_git("var", "GIT_AUTHOR_IDENT", cwd=cwd)
        return {}
    except PublishError:
        return {
            "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME", "sitegen"),
            "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL", "sitegen@localhost"),
            "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", "sitegen"),
            "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", "sitegen@localhost"),
        }
