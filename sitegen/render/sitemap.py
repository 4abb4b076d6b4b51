"""`sitemap.xml` and `robots.txt`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from sitegen.content.model import Site
from sitegen.render.output import Output

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_sitemap(site: Site, list_urls: Sequence[str]) -> Output:
    """Every article (with its date) and every list page (root-relative `list_urls`)."""
    ET.register_namespace("", SITEMAP_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    lastmods = _list_lastmods(site)
    for url in list_urls:
        entry = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = site.absolute_url(url)
        if url in lastmods:
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = lastmods[url]
    for page in site.newest():
        entry = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = site.absolute_url(page.url)
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = page.meta.date.isoformat()
    ET.indent(urlset, space=" ")
    data = ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
    return Output(out_path="sitemap.xml", data=data, source="sitemap")


def _list_lastmods(site: Site) -> dict[str, str]:
    """The date of the newest article on the home page, each edition and each archive year and month.

    Their content changes only when such an article does (an edition's intro aside); other list
    pages (tags, paginated pages) are left without `lastmod` rather than given a wrong one.
    """

    def newest(ids: Sequence[str]) -> str:
        return max(site.pages[i].meta.date for i in ids).isoformat()

    found = {site.config.base_path: newest(site.order[:1])} if site.order else {}
    for edition in site.editions.values():
        found[edition.url] = newest(edition.page_ids)
    for year in site.archive:
        found[year.url] = newest(year.months[0].page_ids[:1])
        for month in year.months:
            found[month.url] = newest(month.page_ids[:1])
    return found


def render_robots(site: Site) -> Output:
    """Allow everything and point at the sitemap."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {site.absolute_url(site.url('sitemap.xml'))}\n"
    return Output(out_path="robots.txt", data=text.encode("utf-8"), source="robots")
