"""A few helpers to build escaped HTML from plain values: text is escaped, markup is not."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape


class Markup(str):
    """HTML that is already safe; everything else passed to the helpers is escaped."""


def render(value: object) -> str:
    return value if isinstance(value, Markup) else escape(str(value))


def tag(name: str, *content: object, **attributes: str) -> Markup:
    attrs = "".join(f' {key.rstrip("_")}="{escape(value)}"' for key, value in attributes.items())
    return Markup(f"<{name}{attrs}>{''.join(render(part) for part in content)}</{name}>")


def join(parts: Iterable[object]) -> Markup:
    return Markup("".join(render(part) for part in parts))


def _cell(value: object) -> Markup:
    """A ready `<td>` stays as it is (it may carry a class); anything else becomes one."""
    if isinstance(value, Markup) and value.startswith("<td"):
        return value
    return tag("td", value)


def table(headers: Iterable[object], rows: Iterable[Iterable[object]], **attributes: str) -> Markup:
    head = tag("tr", *(tag("th", header) for header in headers))
    body = join(tag("tr", *(_cell(cell) for cell in row)) for row in rows)
    return tag("table", head, body, **attributes)
