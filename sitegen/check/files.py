"""The files every site needs exist, and feeds, sitemap and JSON files are well-formed.

Atom feeds parse as XML in the Atom namespace with the elements RFC 4287 requires; `feed.json`
has the fields JSON Feed 1.1 requires; every page URL a feed or the sitemap names is a built page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from sitegen.check.built import BuiltSite
from sitegen.errors import CheckError
from sitegen.render.search_files import PACKED_SUFFIX

REQUIRED_FILES = ("index.html", "404.html", "sitemap.xml", "feed.xml", "feed.json")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1"


def check_required_files(built: BuiltSite) -> list[CheckError]:
    """`index.html`, `404.html`, `sitemap.xml` and both site feeds exist."""
    return [
        CheckError(f"{name} is missing from the built site", path=name, hint="the theme or the build did not make it")
        for name in REQUIRED_FILES
        if name not in built.files
    ]


def _problem(rel: str, message: str, hint: str = "the theme or the build wrote it wrong") -> CheckError:
    return CheckError(message, path=rel, hint=hint)


def _page_exists(built: BuiltSite, url: str, rel: str, what: str) -> list[CheckError]:
    target = built.resolve(url, built.base_path)
    if target is None or target.rel_path is not None:
        return []
    return [_problem(rel, f"{what} {url} is not a page of the built site")]


def _check_atom(built: BuiltSite, rel: str, root: ET.Element) -> list[CheckError]:
    if root.tag != ATOM + "feed":
        return [_problem(rel, f"not an Atom feed: the root element is {root.tag}, not <feed> in the Atom namespace")]
    problems = [
        _problem(rel, f"the feed has no <{name}>")
        for name in ("id", "title", "updated")
        if root.find(ATOM + name) is None
    ]
    for n, entry in enumerate(root.iter(ATOM + "entry"), 1):
        for name in ("id", "title", "updated"):
            if entry.find(ATOM + name) is None:
                problems.append(_problem(rel, f"entry {n} has no <{name}>"))
        for link in entry.iter(ATOM + "link"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                problems += _page_exists(built, link.get("href", ""), rel, f"entry {n} links to")
    return problems


def _check_sitemap(built: BuiltSite, rel: str, root: ET.Element) -> list[CheckError]:
    if root.tag != SITEMAP + "urlset":
        return [_problem(rel, f"not a sitemap: the root element is {root.tag}, not <urlset> of sitemaps.org 0.9")]
    problems = []
    for n, url in enumerate(root.iter(SITEMAP + "url"), 1):
        loc = url.find(SITEMAP + "loc")
        if loc is None or not (loc.text or "").strip():
            problems.append(_problem(rel, f"<url> {n} has no <loc>"))
        else:
            problems += _page_exists(built, (loc.text or "").strip(), rel, "it lists")
    return problems


def _check_json_feed(built: BuiltSite, rel: str, feed: Any) -> list[CheckError]:
    if not isinstance(feed, dict):
        return [_problem(rel, "a JSON Feed is an object")]
    problems = []
    if not str(feed.get("version", "")).startswith(JSON_FEED_VERSION):
        problems.append(_problem(rel, f"version is {feed.get('version')!r}, not {JSON_FEED_VERSION}.x"))
    if not isinstance(feed.get("title"), str):
        problems.append(_problem(rel, "the feed has no title"))
    items = feed.get("items")
    if not isinstance(items, list):
        return [*problems, _problem(rel, "the feed has no items list")]
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(_problem(rel, f"item {n} has no string id"))
            continue
        if not isinstance(item.get("content_html"), str) and not isinstance(item.get("content_text"), str):
            problems.append(_problem(rel, f"item {n} has neither content_html nor content_text"))
        if isinstance(item.get("url"), str):
            problems += _page_exists(built, item["url"], rel, f"item {n} links to")
    return problems


def check_feeds_and_sitemap(built: BuiltSite) -> list[CheckError]:
    """Every XML and JSON file parses; Atom feeds, JSON feeds and the sitemap have what readers need."""
    problems: list[CheckError] = []
    for rel in sorted(built.files):
        if not rel.endswith((".xml", ".json", PACKED_SUFFIX)):
            continue
        if rel.endswith(".xml"):
            try:
                root = ET.fromstring(built.read_bytes(rel))
            except ET.ParseError as exc:
                problems.append(_problem(rel, f"not well-formed XML: {exc}"))
                continue
            if rel == "sitemap.xml":
                problems += _check_sitemap(built, rel, root)
            elif rel == "feed.xml" or rel.endswith("/feed.xml") or root.tag == ATOM + "feed":
                problems += _check_atom(built, rel, root)
        else:
            try:
                parsed = built.read_json(rel)
            except ValueError as exc:
                problems.append(_problem(rel, f"not valid JSON: {exc}"))
                continue
            if rel == "feed.json" or rel.endswith("/feed.json"):
                problems += _check_json_feed(built, rel, parsed)
    return problems
