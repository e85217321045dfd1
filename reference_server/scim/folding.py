"""The comparison form of strings: what uniqueness, filters and sorting compare.

RFC 7643 2.1 and 7644 3.4.2.2 make comparisons case-insensitive unless an attribute is
`caseExact`; RFC 7644 7.8 asks for strings "appropriately prepared" (PRECIS, RFC 8265) first.
Unicode NFC followed by casefolding covers what IdPs send; SQLite's NOCASE would fold ASCII only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from ..behaviour import current
from .attributes import Attribute, ResourceDefinition


def fold(value: str) -> str:
    """The case-insensitive comparison key of a string."""
    folding = current().case_folding()
    if folding is not None:
        return folding(value)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", value).casefold())


def exact(value: str) -> str:
    """The case-sensitive comparison key of a string: NFC only."""
    return unicodedata.normalize("NFC", value)


def comparison_key(attribute: Attribute, value: str) -> str:
    return exact(value) if attribute.case_exact else fold(value)


def fold_value(attribute: Attribute | None, value: Any) -> Any:
    """A value with every string that compares case-insensitively folded, recursively."""
    if isinstance(value, list):
        return [fold_value(attribute, item) for item in value]
    if isinstance(value, dict):
        return {
            key: fold_value(attribute.sub(key) if attribute else None, item)
            for key, item in value.items()
        }
    if isinstance(value, str):
        # Unknown attributes fold too: a filter on them never matches anyway.
        return comparison_key(attribute, value) if attribute is not None else fold(value)
    return value


def fold_document(definition: ResourceDefinition, document: Mapping[str, Any]) -> dict[str, Any]:
    """The `fold` twin of a canonical resource document (see `storage/tables.py`)."""
    folded: dict[str, Any] = {}
    for key, value in document.items():
        schema = definition.schema_for_urn(key) if key.startswith("urn:") else None
        if schema is not None and isinstance(value, dict):
            folded[key] = {name: fold_value(schema.get(name), item) for name, item in value.items()}
        else:
            folded[key] = fold_value(definition.top_level(key), value)
    return folded
