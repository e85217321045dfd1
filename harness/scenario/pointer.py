"""JSON pointers (RFC 6901) into response bodies: resolve and report whether anything is there."""

from __future__ import annotations

from typing import Any

MISSING: Any = object()


def resolve(document: Any, pointer: str) -> Any:
    """The value at `pointer`, or MISSING; "" is the whole document."""
    if pointer == "":
        return document
    current = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return MISSING
    return current
