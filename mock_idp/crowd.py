"""Many people named at once: a scenario writes `{prefix: m, count: 600}` where it would list 600
aliases, and means m1, m2 ... m600 (`from` moves the first number)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def aliases(value: Any) -> list[str]:
    """The aliases a step argument names: a list of them, or a numbered range as above."""
    if isinstance(value, Mapping):
        prefix, count = str(value["prefix"]), int(value["count"])
        first = int(value.get("from", 1))
        return [f"{prefix}{number}" for number in range(first, first + count)]
    return [str(alias) for alias in value or []]
