"""How deeply a filter or PATCH path nests, measured before any recursive parser sees it."""

from __future__ import annotations

# Filters and PATCH paths nest no deeper than this, and are no longer than MAX_PATH_LENGTH.
MAX_DEPTH = 16
MAX_PATH_LENGTH = 4096


def nesting_depth(expression: str) -> int:
    """The deepest nesting of ( and [ outside string literals, found without parsing, so a
    hostile filter is refused before the recursive grammar sees it
    (docs/robustness.md#parser-limits)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in expression:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    return deepest
