"""bulkId references (RFC 7644 3.7.2): within one bulk request, the string "bulkId:<id>" in an
operation's path or data stands for the id of the resource the request's POST with that bulkId
created, once it has."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PREFIX = "bulkId:"


def references(value: Any) -> set[str]:
    """The bulkIds `value` names: in any string of it, whole, or as a path segment."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found |= {part[len(PREFIX) :] for part in node.split("/") if part.startswith(PREFIX)}
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def substitute(value: Any, created: Mapping[str, str]) -> Any:
    """`value` with every reference replaced by the id `created` holds for its bulkId."""
    if isinstance(value, str):
        parts = value.split("/")
        return "/".join(
            created.get(part[len(PREFIX) :], part) if part.startswith(PREFIX) else part
            for part in parts
        )
    if isinstance(value, dict):
        return {key: substitute(item, created) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, created) for item in value]
    return value
