"""`${name}` variables in scenario values.

Scenarios name values the run only knows later (a created user's id, the run prefix, an IdP
user's generated name). `${name}` reads a variable, `${a.b.c}` walks nested mappings, and
`$${` writes a literal `${`. A string that is exactly one `${...}` becomes the value itself,
keeping its type, so an expected `active: ${flag}` stays a boolean; inside a longer string a
value is written in its JSON form (`true`, `5`, `null`), the way it would appear on the wire.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

# Escape first, then a well-formed reference, then any other `${` (unterminated or bad name).
_TOKEN = re.compile(r"\$\$\{|\$\{([^{}]*)\}|\$\{")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
_WHOLE = re.compile(r"\$\{([^{}]*)\}")


class InterpolationError(Exception):
    """A `${...}` that names no known variable, or is not a well-formed reference."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(message)
        self.variable = variable


def interpolate(value: Any, variables: Mapping[str, Any]) -> Any:
    """Return `value` with every `${...}` in its strings (and mapping keys) replaced."""
    if isinstance(value, str):
        return _string(value, variables)
    if isinstance(value, Mapping):
        return {_key(k, variables): interpolate(v, variables) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(interpolate(item, variables) for item in value)
    return value


def variables_in(value: Any) -> set[str]:
    """The variable names (`a.b.c` as written) referenced anywhere in `value`."""
    if isinstance(value, str):
        return set(_references(value))
    found: set[str] = set()
    if isinstance(value, Mapping):
        for key, item in value.items():
            found |= variables_in(key) | variables_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= variables_in(item)
    return found


def root(name: str) -> str:
    """The top-level variable a dotted name starts from: `user.alice.id` -> `user`."""
    return name.split(".", 1)[0]


def _references(text: str) -> list[str]:
    """Names referenced in `text`, escapes skipped; a malformed reference raises."""
    return [_valid_name(match) for match in _TOKEN.finditer(text) if match.group(0) != "$${"]


def _valid_name(match: re.Match[str]) -> str:
    name = match.group(1)
    if name is None:
        hint = "write $${ for a literal ${"
        raise InterpolationError("", f"malformed '${{' reference in {match.string!r} ({hint})")
    if not _NAME.fullmatch(name):
        raise InterpolationError(name, f"bad variable reference '${{{name}}}'")
    return name


def _string(text: str, variables: Mapping[str, Any]) -> Any:
    whole = _WHOLE.fullmatch(text)
    if whole is not None:
        return lookup(_valid_name(whole), variables)

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        return _embed(lookup(_valid_name(match), variables))

    return _TOKEN.sub(replace, text)


def _key(key: Any, variables: Mapping[str, Any]) -> Any:
    # Keys stay strings even when they are one whole reference: a key must stay hashable.
    if not isinstance(key, str):
        return key
    value = _string(key, variables)
    return value if isinstance(value, str) else _embed(value)


def _embed(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return str(value)


def lookup(name: str, variables: Mapping[str, Any]) -> Any:
    """The value of `name` (`a.b.c` walks nested mappings); unknown names raise."""
    first, *rest = name.split(".")
    if first not in variables:
        known = ", ".join(sorted(variables)) or "(none)"
        message = f"unknown variable '{first}' in '${{{name}}}'; known: {known}"
        raise InterpolationError(name, message)
    value = variables[first]
    walked = first
    for part in rest:
        if not isinstance(value, Mapping) or part not in value:
            what = "has no key" if isinstance(value, Mapping) else "is not a mapping, so has no"
            message = f"variable '{walked}' {what} '{part}' (in '${{{name}}}')"
            raise InterpolationError(name, message)
        value = value[part]
        walked = f"{walked}.{part}"
    return value
