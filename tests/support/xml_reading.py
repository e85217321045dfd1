"""Parse the JUnit files this project writes itself (trusted input, so ElementTree is safe)."""

from __future__ import annotations

from xml.etree import ElementTree


def parse_xml(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314 - our own output, not untrusted input


def child(element: ElementTree.Element, tag: str) -> ElementTree.Element:
    """The first child named `tag`, which the test requires to be there."""
    found = element.find(tag)
    assert found is not None, f"no <{tag}> in <{element.tag}>"
    return found


def attr(element: ElementTree.Element, name: str) -> str:
    """An attribute the test requires to be there."""
    value = element.get(name)
    assert value is not None, f"no {name}= on <{element.tag}>"
    return value


def text_of(element: ElementTree.Element) -> str:
    """The element's text; an empty element reads as ''."""
    return element.text or ""
