"""Faults in what Microsoft's gallery validation sends straight to the endpoint
(docs/idp/entra.md#gallery-validation): its null update and its direct group update."""

from __future__ import annotations

from typing import Any

from .exchange import Exchange
from .registry import fault
from .writes import drop_operations, elsewhere_than


def _replace_with_nothing(operation: Any) -> bool:
    """A `replace` with a path whose value is "" or null: how the null update clears a value."""
    if not isinstance(operation, dict) or str(operation.get("op", "")).lower() != "replace":
        return False
    return bool(operation.get("path")) and operation.get("value") in ("", None)


@fault(
    "empty-replace-ignored",
    'PATCH replacing a user\'s attribute with "" or null answers 200 and keeps the old value',
    phase="request",
)
def _empty_replace_ignored(x: Exchange) -> None:
    drop_operations(x, "Users", _replace_with_nothing)


@fault(
    "group-replace-ignored",
    "PATCH of a group applies member changes and ignores every other attribute",
    phase="request",
)
def _group_replace_ignored(x: Exchange) -> None:
    drop_operations(x, "Groups", elsewhere_than("members", filtered=True))
