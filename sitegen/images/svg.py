"""SVG pictures: published as they are, but only when they can run nothing and fetch nothing.

An SVG opened on its own URL is a document that runs its scripts, so one with `<script>`, event
handler attributes, `<foreignObject>` (HTML inside), links to other files or `javascript:` URLs is
refused, as is any DTD or entity (billion laughs): `defusedxml` parses it. The size a page
reserves for it comes from `width`/`height`, else from the `viewBox`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
FORBIDDEN = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})
_HREF_OK = re.compile(r"^\s*#")
_URL_IN_STYLE = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class SvgError(Exception):
    """Why an SVG file is refused."""


def svg_size(data: bytes) -> tuple[int, int]:
    """The SVG's size in CSS pixels, after checking that it is safe to publish; `SvgError` otherwise."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise SvgError("the SVG declares a DTD or entities; save it without them") from None
    except ET.ParseError as exc:
        raise SvgError(f"not a well-formed SVG file: {exc}") from None
    if _local(root.tag) != "svg":
        raise SvgError(f"not an SVG file: the root element is <{_local(root.tag)}>")
    for element in root.iter():
        name = _local(element.tag)
        if name in FORBIDDEN:
            raise SvgError(f"the SVG contains <{name}>, which could run code; remove it")
        for attr, value in element.attrib.items():
            key = _local(attr).lower()
            if key.startswith("on"):
                raise SvgError(f"the SVG has an event handler {key}= on <{name}>; remove it")
            if key == "href" and not _HREF_OK.match(value):
                raise SvgError(f"the SVG links to {value[:60]!r}; an SVG picture may only refer to itself (#id)")
            if key == "style" and _URL_IN_STYLE.search(value):
                raise SvgError("the SVG loads a file through url(...) in a style; embed or remove it")
        if name == "style" and element.text and (_URL_IN_STYLE.search(element.text) or "@import" in element.text):
            raise SvgError("the SVG's <style> loads other files; remove the url(...) or @import")
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return round(width), round(height)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            w, h = float(box[2]), float(box[3])
        except ValueError:
            w = h = 0.0
        if w > 0 and h > 0:
            return round(w), round(h)
    raise SvgError("the SVG has no size: give the <svg> a width and height, or a viewBox")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) if match else None
