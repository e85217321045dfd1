"""The options a strategy reads, declared where it is registered: name, and the values it takes.

A profile is checked against these when it loads (`profile.py`), so `ops: capitalized` or an
option no strategy reads is refused with the file, the line and the choices, never sent silently
as the default. Each option's values are a small JSON Schema, which also words the refusals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    schema: Mapping[str, Any]  # the JSON Schema of its value
    required: bool = False  # the verb must set it: the strategy has no default to fall back on

    def problem(self, value: Any) -> str | None:
        """Why `value` is not one this option takes, in jsonschema's words; None if it is."""
        validator = jsonschema.Draft202012Validator(dict(self.schema))
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        return None if error is None else error.message


def choice(name: str, *values: str) -> Option:
    return Option(name, {"enum": list(values)})


def flag(name: str) -> Option:
    return Option(name, {"type": "boolean"})


def text(name: str) -> Option:
    return Option(name, {"type": "string"})


def count(name: str) -> Option:
    return Option(name, {"type": "integer", "minimum": 1})


def table(name: str, values: Mapping[str, Any] | None = None) -> Option:
    """A mapping, of any values or of values under `values` (a JSON Schema)."""
    return Option(name, {"type": "object", "additionalProperties": dict(values or {})})


# Options more than one dialect reads, declared once.
OP = choice("op", "add", "remove", "replace")
OPS = choice("ops", "lowercase", "capitalised")  # Entra's default job capitalises them
BOOLEANS = choice("booleans", "json", "string")  # "True"/"False" strings: Entra's default job
# What a deactivate (false) or reactivate (true) sets `active` to.
ACTIVE_VALUE = Option("value", {"type": "boolean"}, required=True)
ACTIVE_PATH = text("path")  # with a path (`active`), or path-less with `{"active": ...}`
