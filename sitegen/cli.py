"""The command line: the only module that prints, sets up logging and maps errors to exit codes.

Exit 0 on success, 1 on a user error (`SitegenError`, one clear message, no traceback), 2 on bad
usage (argparse), 130 on Ctrl-C. Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from sitegen import __version__
from sitegen.build import BuildOptions, build
from sitegen.errors import SitegenError, raise_all, site_relative
from sitegen.output.writer import forget_published, published
from sitegen.progress import ProgressBar

log = logging.getLogger("sitegen")

PROGRESS_DELAY = 1.0
"""Seconds a build runs before it shows progress on a terminal (env `SITEGEN_PROGRESS_DELAY` overrides)."""


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        return f"{record.levelname.lower()}: {text}" if record.levelno >= logging.WARNING else text


def _setup_logging(verbosity: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    handler.addFilter(_OncePerSession())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(
        {-1: logging.ERROR, 0: logging.WARNING}.get(verbosity, logging.DEBUG if verbosity > 1 else logging.INFO)
    )


def _progress_bar(quiet: bool) -> ProgressBar | None:
    """On a terminal, a progress bar once a build has taken over a second; elsewhere nothing (one summary line)."""
    if quiet or not sys.stderr.isatty():
        return None
    return ProgressBar(sys.stderr, delay=float(os.environ.get("SITEGEN_PROGRESS_DELAY", PROGRESS_DELAY)))


def _cmd_build(args: argparse.Namespace) -> int:
    bar = _progress_bar(args.quiet)
    options = BuildOptions(
        out_dir=Path(args.out) if args.out else None,
        drafts=args.drafts,
        future=args.future,
        now=_now(),
        base_url=args.base_url,
        progress=bar,
        phase=bar.phase if bar else None,
        cache=not args.no_cache,
    )
    try:
        result = build(Path(args.site), options)
    finally:
        if bar:
            bar.clear()
    if not args.quiet:
        where = _shown_path(result.out_dir)
        print(
            f"built {result.articles} articles, {result.tags} tags, {result.feeds} feeds: "
            f"{result.files} files in {where} ({result.seconds * 1000:.0f} ms)"
        )
    return 0


def _cmd_clean(args: argparse.Namespace) -> int:
    from sitegen.clean import clean_site

    report = clean_site(Path(args.site), Path(args.out) if args.out else None)
    if not args.quiet:
        for path in report.removed:
            print(f"removed {_shown_path(path)}")
        if not report.removed:
            print("nothing to remove")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from sitegen.config import load_config
    from sitegen.importer import import_articles

    config = load_config(Path(args.site))
    report = import_articles(config, [Path(p) for p in args.raw], force=args.force, dry_run=args.dry_run)
    lines = report.lines()
    for line in lines[:-1]:
        print(line, file=sys.stderr if line.startswith(("failed", "warning")) else sys.stdout)
    if not args.quiet or report.failed:
        print(lines[-1])
    return 1 if report.failed else 0


def _cmd_status(args: argparse.Namespace) -> int:
    from sitegen.status import read_status

    for line in read_status(Path(args.site), _now()).lines():
        print(line)
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from sitegen.config import load_config
    from sitegen.scaffold import new_edition_page, new_page, parse_date_option

    config = load_config(Path(args.site))
    date = parse_date_option(args.date, config.timezone) if args.date is not None else None
    write = new_edition_page if args.edition else new_page
    path = write(config, args.title, now=_now(), date=date)
    print(_shown_path(path).rstrip("/"))
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from sitegen.starter import init_site

    where = Path(args.dir if args.dir is not None else args.site)
    report = init_site(where, now=_now(), title=args.title)
    shown = "" if where.resolve() == Path.cwd().resolve() else str(where).rstrip("/") + "/"
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.quiet:
        return 0
    for rel in report.created:
        print(f"created {shown}{rel}")
    cd = f"  cd {where}\n" if shown else ""
    print(
        f"A new digest is ready. Next:\n{cd}"
        '  sitegen new "Заголовок статті"     # a new article (a draft) in seeds/\n'
        "  sitegen serve                      # preview with live reload: http://127.0.0.1:8000/\n"
        "  sitegen publish --to ../public     # build, check and publish (or --git REPO)"
    )
    return 0


NOW_VARIABLE = "SITEGEN_NOW"
"""Freezes the clock (ISO 8601 with offset) for tests and previews of a schedule; read only here."""


def _now() -> datetime:
    """The real UTC now, or the instant in `$SITEGEN_NOW`."""
    raw = os.environ.get(NOW_VARIABLE, "").strip()
    if not raw:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise SitegenError(
            f"{NOW_VARIABLE}: not a valid date-time {raw!r}", hint="write it as 2026-03-29T10:00:00+03:00"
        ) from None
    if value.utcoffset() is None:
        raise SitegenError(f"{NOW_VARIABLE}: {raw!r} needs a UTC offset", hint="e.g. 2026-03-29T10:00:00+03:00")
    return value


SHOWN_WARNINGS = 5
"""Warnings of one kind printed before the rest are summed up in one line (`-v` prints them all)."""


def _print_warnings(warnings: Sequence[SitegenError], kinds: Sequence[str], args: argparse.Namespace) -> None:
    """Each kind's first `SHOWN_WARNINGS` warnings, then how many more; all of them with `-v`; none with `-q`."""
    if args.quiet:
        return
    by_kind: dict[str, list[SitegenError]] = {}
    for warning, kind in zip(warnings, kinds, strict=True):
        by_kind.setdefault(kind, []).append(warning)
    for kind, items in by_kind.items():
        shown = items if args.verbose or len(items) <= SHOWN_WARNINGS + 1 else items[:SHOWN_WARNINGS]
        for warning in shown:
            print(f"warning: {warning.format()}", file=sys.stderr)
        if len(shown) < len(items):
            print(f"warning: … and {len(items) - len(shown)} more {kind} warnings (-v lists them all)", file=sys.stderr)


def _cmd_check(args: argparse.Namespace) -> int:
    from sitegen.check import ExternalOptions, check_site

    external = ExternalOptions(timeout=args.timeout) if args.external else None
    report = check_site(Path(args.site), now=_now(), external=external)
    _print_warnings(report.warnings, report.warning_kinds, args)
    raise_all(report.problems)
    if not args.quiet:
        fetched = "" if report.external is None else f", {report.external} external links fetched"
        print(
            f"checked {report.pages} pages and {report.files} files of a fresh build: no problems "
            f"(build {report.build.seconds * 1000:.0f} ms, checks {report.seconds * 1000:.0f} ms{fetched})"
        )
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from sitegen.config import load_config
    from sitegen.publish import PublishOptions, PublishTarget, publish
    from sitegen.publish.folder import FolderTarget
    from sitegen.publish.git import GitTarget

    site_dir = Path(args.site)
    target: PublishTarget = (
        GitTarget(args.git, args.branch) if args.git else FolderTarget(Path(args.to), load_config(site_dir))
    )
    options = PublishOptions(
        dry_run=args.dry_run, max_deletes=args.max_deletes, message=args.message, force=args.force, now=_now()
    )
    report = publish(site_dir, target, options)
    _print_warnings(report.check.warnings, report.check.warning_kinds, args)
    for number, line in enumerate(report.removed_articles_warning()):
        print(f"warning: {line}" if number == 0 else line, file=sys.stderr)
    diff = report.diff
    if report.dry_run:
        for line in diff.lines():
            print(line)
        print(f"dry run: publishing to {report.target} would make {diff.summary()}; nothing was changed")
        if report.refusal is not None:
            raise report.refusal
        return 0
    for line in diff.lines() if args.verbose else []:
        print(line)
    if args.quiet:
        return 0
    if not report.changed:
        print(f"nothing to publish: {report.target} already holds this build ({report.build.articles} articles)")
    else:
        commit = f" as commit {report.commit[:12]}" if report.commit else ""
        print(
            f"published {report.build.articles} articles to {report.target}{commit}: {diff.summary()}; "
            f"verified ({report.seconds * 1000:.0f} ms)"
        )
    return 0


class _OncePerSession(logging.Filter):
    """Each warning once per run: every `serve` rebuild, and `check` and `publish` (which load the
    pages twice), would repeat the same warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or record.name.startswith("sitegen.serve"):
            return True
        text = record.getMessage()
        if text in self.seen:
            return False
        self.seen.add(text)
        return True


def _cmd_serve(args: argparse.Namespace) -> int:
    from sitegen.serve import ServeOptions, serve

    def say(line: str) -> None:
        print(line, flush=True)

    options = ServeOptions(host=args.host, port=args.port, poll=args.poll, drafts=args.drafts)
    try:
        serve(Path(args.site), options, say)
    except KeyboardInterrupt:
        print("stopped", flush=True)  # Ctrl-C is how serve ends: exit 0
    return 0


def _shown_path(path: Path) -> str:
    return site_relative(path, Path.cwd()) + "/"


def make_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per verb."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--site", default=".", metavar="DIR", help="folder holding sitegen.yaml (default: .)")
    noise = common.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    noise.add_argument("-v", "--verbose", action="count", default=0, help="say more (twice: debug)")

    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="A static site generator for a curated news digest.",
        epilog="Run `sitegen COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "build", parents=[common], help="build the site into site/", description="Build the site into site/ (atomic)."
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default: output_dir of sitegen.yaml, site/)")
    p.add_argument("--drafts", action="store_true", help="include pages with draft: true")
    p.add_argument("--future", action="store_true", help="include pages dated in the future (scheduled)")
    p.add_argument("--base-url", metavar="URL", help="override base_url of sitegen.yaml")
    p.add_argument(
        "--no-cache", action="store_true", help="ignore the build cache in .sitegen-cache/ (and do not save one)"
    )
    p.set_defaults(func=_cmd_build)

    p = commands.add_parser(
        "clean",
        parents=[common],
        help="remove the output folder and .sitegen-cache/",
        description="Remove the output folder (only if sitegen made it) and the caches in .sitegen-cache/.",
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default: output_dir of sitegen.yaml, site/)")
    p.set_defaults(func=_cmd_clean)

    p = commands.add_parser(
        "import",
        parents=[common],
        help="turn raw scraped articles into pages under seeds/",
        description="Turn raw scraped article files (or folders of *.txt) into Markdown pages under seeds/.",
    )
    p.add_argument("raw", nargs="+", metavar="RAW", help="raw article file or folder")
    p.add_argument("--force", action="store_true", help="overwrite the page of an article imported before")
    p.add_argument("--dry-run", action="store_true", help="write nothing; print what would happen")
    p.set_defaults(func=_cmd_import)

    p = commands.add_parser(
        "status",
        parents=[common],
        help="list drafts, scheduled pages and the next publish instant",
        description="List drafts, scheduled (future-dated) pages and the next instant a rebuild would publish.",
    )
    p.set_defaults(func=_cmd_status)

    p = commands.add_parser(
        "init",
        parents=[common],
        help="start a new digest: sitegen.yaml, an example page, .gitignore",
        description="Write a new digest into DIR (default: --site, else the current folder): a commented "
        "sitegen.yaml, seeds/ with one example page and a .gitignore. A file that exists is never changed; a "
        "folder that already has sitegen.yaml is refused.",
    )
    p.add_argument("dir", nargs="?", metavar="DIR", help="folder of the new site (made if missing)")
    p.add_argument("--title", default="Новинний дайджест", help="the digest's title (default: Новинний дайджест)")
    p.set_defaults(func=_cmd_init)

    p = commands.add_parser(
        "new",
        parents=[common],
        help="write a new page skeleton into seeds/",
        description="Write seeds/<yyyy>/<mm>/<slug>.md, a draft dated now in the site time zone; print its path. "
        "With --edition, write the page of the edition (week, or day with `editions: daily`) of that date.",
    )
    p.add_argument("title", metavar="TITLE", help="the article's (or the edition's) title")
    p.add_argument("--date", metavar="ISO", help="date-time, with UTC offset or in the site time zone (default: now)")
    p.add_argument(
        "--edition", action="store_true", help="write seeds/editions/<week or day>.md, the edition's page, instead"
    )
    p.set_defaults(func=_cmd_new)

    p = commands.add_parser(
        "check",
        parents=[common],
        help="build afresh and check links, anchors, assets, feeds and that no draft leaked",
        description="Build the site in memory and check it: internal links and #anchors, images and "
        "assets, no draft or future-dated page in any file, well-formed feeds and sitemap. Exit 1 on any problem. "
        "Links to other sites (and to this host outside the base URL's path) are external: checked with --external.",
    )
    p.add_argument(
        "--external",
        action="store_true",
        help="also fetch every external link (concurrently; good answers cached for 7 days in .sitegen-cache/)",
    )
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per external link (default: 10)")
    p.set_defaults(func=_cmd_check)

    p = commands.add_parser(
        "publish",
        parents=[common],
        help="build, check and deploy to a folder or a git branch",
        description="Build the site afresh, check it, and deploy it to a folder (atomic swap) or as one new commit "
        "on a branch of a git repository (history kept, never force-pushed). Any check problem publishes nothing.",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="DIR", help="publish into this folder (made by sitegen publish, or empty)")
    where.add_argument("--git", metavar="REPO", help="publish to a branch of this git repository (path or URL)")
    p.add_argument("--branch", default="gh-pages", help="branch for --git (default: gh-pages)")
    p.add_argument(
        "--dry-run", action="store_true", help="print what would be added, changed and removed; change nothing"
    )
    p.add_argument(
        "--max-deletes",
        type=int,
        default=256,
        metavar="N",
        help="refuse to remove more than N published files (default: 256; -1: no limit)",
    )
    p.add_argument("--message", metavar="TEXT", help="first line of the commit message (--git)")
    p.add_argument(
        "--force", action="store_true", help="publish even an empty build, too many removals or a much smaller build"
    )
    p.set_defaults(func=_cmd_publish)

    p = commands.add_parser(
        "serve",
        parents=[common],
        help="preview the site: build in memory, serve, rebuild and reload on change",
        description="Build the site in memory, serve it on 127.0.0.1, rebuild on every change and reload open tabs. "
        "Never writes into site/.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument(
        "--poll",
        type=float,
        nargs="?",
        const=1.0,
        default=None,
        metavar="SECONDS",
        help="scan for changes every SECONDS (default 1) instead of file system events (network mounts)",
    )
    p.add_argument("--drafts", action="store_true", help="include pages with draft: true")
    p.set_defaults(func=_cmd_serve)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


def run() -> NoReturn:
    """`sitegen` and `python -m sitegen`: `main()`, then the process ends without freeing its objects one by one.

    A build leaves hundreds of MB of objects (the content model, the build cache's state), which the interpreter
    would free one by one on its way out: 0.25 CPU s after a body edit at 5,000 articles, a tenth of that build.
    So, when nothing else runs (no other thread, no child process), the exit handlers run (logging's flush,
    `atexit`), standard output and error are flushed, and `os._exit` ends the process. Objects' finalizers are
    not run then: sitegen closes its files itself. Otherwise (and under a profiler or tracer, such as
    `python -m cProfile -m sitegen`, which writes its results after this returns) it exits as any Python program
    does.
    """
    status = main()
    children = sys.modules.get("multiprocessing")
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    if watched or threading.active_count() > 1 or (children is not None and children.active_children()):
        sys.exit(status)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # (a closed pipe: as much as a normal exit would have said)
            status = status or 120
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (130 after Ctrl-C, 143 after SIGTERM)."""
    args = make_parser().parse_args(argv)
    _setup_logging(-1 if args.quiet else args.verbose)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main_thread else None
    forget_published()
    try:
        status: int = args.func(args)
        return status
    except SitegenError as exc:
        print(f"error: {exc.format()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        done = published()
        if done:  # (after the swap: the rest was clean-up, which the next build finishes)
            print(f"interrupted: the new output was already in place in {done[-1]}", file=sys.stderr)
        else:
            print("interrupted: the previous output was left as it was", file=sys.stderr)
        return 143 if isinstance(exc, _Terminated) else 130
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
