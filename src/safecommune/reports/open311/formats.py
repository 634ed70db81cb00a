"""JSON and XML as GeoReport v2 writes them: ``<services><service>``,
``<service_definition>``, ``<service_requests><request>`` and ``<errors><error>``, UTF-8 with
the XML declaration; errors are ``[{"code": 400, "description": "…"}]`` in JSON."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Characters XML 1.0 cannot carry at all; dropped from any text we write.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The element of each item in a list, by the list's element.
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error",
             "attributes": "attribute"}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child)
    elif isinstance(value, list):
        for child in value:
            _fill(ElementTree.SubElement(element, ITEM_TAGS[element.tag]), child)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, value)
    body = ElementTree.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def to_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def render(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    """``value`` as JSON, or as XML under the element ``root`` (a list's items are named by
    ``ITEM_TAGS``; a dict's keys are elements)."""
    fmt = fmt if fmt in FORMATS else "json"
    body = to_xml(root, value) if fmt == "xml" else to_json(value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": str(description)}],
                  status=status)
