"""The search index the search page names is whole: every file its manifest names is there and fits.

The browser trusts the manifest (sitegen/render/search_files.py): a query whose shard is missing,
whose terms are out of order, or whose result has no fragment, would fail or find the wrong articles
on the live site while every page still looks fine. So, as the browser reads them: the shard files
hold their terms in order, each within its shard's range; every posting names an article the index
counts; every counted article has its fragment, a result row with the text of its excerpt.
"""

from __future__ import annotations

from typing import Any

from sitegen.check.built import BuiltSite
from sitegen.errors import CheckError
from sitegen.render.search_files import FRAGMENTS_DIR, PACKED_SUFFIX, term_order

SEARCH_PAGE = "search/index.html"
INDEX_ATTRIBUTE = "data-index-url"
HINT = "the search index was changed after the build; build again"


def check_search_index(built: BuiltSite) -> list[CheckError]:
    """The manifest named by the search page and every file it names (a missing manifest is a broken link)."""
    if SEARCH_PAGE not in built.files:
        return []
    page_url = built.page_url(SEARCH_PAGE)
    for ref in built.parsed(SEARCH_PAGE).references:
        if ref.attr == INDEX_ATTRIBUTE:
            target = built.resolve(ref.url, page_url)
            if target is not None and target.rel_path is not None:
                return _check_manifest(built, target.rel_path)
    return []


def _read_json(built: BuiltSite, rel: str) -> Any:
    """The parsed file, or None when it is not JSON (`check_feeds_and_sitemap` reports every such file)."""
    try:
        return built.read_json(rel)
    except ValueError:
        return None


def _check_manifest(built: BuiltSite, rel: str) -> list[CheckError]:
    manifest = _read_json(built, rel)
    if manifest is None:
        return []
    if not isinstance(manifest, dict):
        return [CheckError("the search index's manifest is not a JSON object", path=rel, hint=HINT)]
    problems: list[CheckError] = []
    folder = rel.rsplit("/", 1)[0] + "/"
    try:
        shards = [(str(first), folder + str(name)) for first, name in manifest["shards"]]
        documents = manifest["documents"]
        count, per_group = int(documents["count"]), int(documents["per_group"])
        groups = [str(name) for name in documents["groups"]]
    except (KeyError, TypeError, ValueError) as exc:
        return [CheckError(f"the search index's manifest lacks {exc}", path=rel, hint=HINT)]
    for number, (first, shard_rel) in enumerate(shards):
        after = shards[number + 1][0] if number + 1 < len(shards) else None
        problems += _check_shard(built, shard_rel, first, after, count)
    if per_group < 1 or len(groups) != -(-count // per_group):
        problems.append(CheckError(f"{count} articles do not fit {len(groups)} fragment groups", path=rel, hint=HINT))
        return problems
    for ref in range(count):
        problem = _check_fragment(built, f"{folder}{FRAGMENTS_DIR}/{ref}{PACKED_SUFFIX}")
        if problem is not None:
            problems.append(problem)
    return problems


def _check_shard(built: BuiltSite, rel: str, first: str, after: str | None, count: int) -> list[CheckError]:
    """Terms in order within [first, after), one posting list each, refs of stored articles."""
    if rel not in built.files:
        return [CheckError("a term shard the search index names is missing", path=rel, hint=HINT)]
    shard = _read_json(built, rel)
    if shard is None:
        return []
    if not isinstance(shard, dict):
        return [CheckError("a term shard is not a JSON object", path=rel, hint=HINT)]
    problems: list[CheckError] = []
    terms, postings = shard.get("terms"), shard.get("postings")
    if not isinstance(terms, list) or not isinstance(postings, list) or len(terms) != len(postings) or not terms:
        return [CheckError("a term shard has no terms, or not one posting list per term", path=rel, hint=HINT)]
    keys = [term_order(t) for t in terms]
    if terms[0] != first or keys != sorted(set(keys)) or (after is not None and keys[-1] >= term_order(after)):
        problems.append(CheckError(f"the terms of the shard from {first!r} are out of order", path=rel, hint=HINT))
    for term, flat in zip(terms, postings, strict=True):
        refs = flat[0::2] if isinstance(flat, list) else [-1]
        if any(not isinstance(d, int) or d < 0 for d in refs) or sum(refs) >= count:
            problems.append(CheckError(f"term {term!r} names an article the store has not", path=rel, hint=HINT))
            break
    return problems


FRAGMENT_FIELDS = (str, str, str, str, list, str, str)
"""`[title, url, date, date_text, [[tag, tag url], …], summary, body]` (search.SearchEntry.fragment)."""


def _check_fragment(built: BuiltSite, rel: str) -> CheckError | None:
    """The fragment is there and is a result row with its excerpt text."""
    if rel not in built.files:
        return CheckError("a fragment the search index counts is missing", path=rel, hint=HINT)
    fragment = _read_json(built, rel)
    if fragment is None:
        return None
    if (
        not isinstance(fragment, list)
        or len(fragment) != len(FRAGMENT_FIELDS)
        or not all(isinstance(value, kind) for value, kind in zip(fragment, FRAGMENT_FIELDS, strict=True))
        or not all(isinstance(tag, list) and len(tag) == 2 for tag in fragment[4])
    ):
        return CheckError("a search fragment is not a result row", path=rel, hint=HINT)
    return None
