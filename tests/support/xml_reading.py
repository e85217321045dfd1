"""Parse the JUnit files this project writes itself (trusted input, so ElementTree is safe)."""

from __future__ import annotations

from xml.etree import ElementTree


def parse_xml(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314 - our own output, not untrusted input
