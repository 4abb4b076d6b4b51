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
    newest = site.newest(1)
    for url in list_urls:
        entry = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = site.absolute_url(url)
        if url == site.config.base_path and newest:
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = newest[0].meta.date.isoformat()
    for page in site.newest():
        entry = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = site.absolute_url(page.url)
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = page.meta.date.isoformat()
    ET.indent(urlset, space=" ")
    data = ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
    return Output(out_path="sitemap.xml", data=data, source="sitemap")


def render_robots(site: Site) -> Output:
    """Allow everything and point at the sitemap."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {site.absolute_url(site.url('sitemap.xml'))}\n"
    return Output(out_path="robots.txt", data=text.encode("utf-8"), source="robots")
