"""The comparators an expectation uses to judge one value of a response.

Each comparator is a pure function `(actual, present, expected) -> message | None`: `present`
says whether the JSON pointer (or header) resolved at all, so "missing" and "null" stay apart.
The vocabulary copies Okta's Runscope assertions (docs/idp/okta.md#spec-test): `equals_string`
compares string forms (404 passes "404", true passes "true"), `equals_number` and `is_number`
need real JSON numbers, and `not_empty` passes `false` and `0`.

In a scenario a bare value means `equals`; a mapping whose single key is a comparator name is
that comparator; any other value is a literal for `equals`. (The loader is stricter: there, any
mapping must name a known comparator, so a typo cannot silently become a literal; a literal
object is written `{equals: {...}}`.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

Comparator = Callable[[Any, bool, Any], str | None]
MISSING = "nothing (missing)"


def show(value: Any) -> str:
    """A value as JSON, shortened: what a mismatch message quotes."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _got(actual: Any, present: bool) -> str:
    return show(actual) if present else MISSING


def _mismatch(what: str, actual: Any, present: bool) -> str:
    return f"expected {what}, got {_got(actual, present)}"


def _is_number(value: Any) -> bool:
    # bool is an int in Python, never a number in JSON.
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but 1 != true and "1" != 1; containers compare deeply."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) or _is_number(b):
        return _is_number(a) and _is_number(b) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def string_form(value: Any) -> str:
    """How Runscope (JavaScript) writes a JSON value as a string: true, 404, 1 (for 1.0), null."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _either(yes: str, no: str) -> Callable[[Any], str]:
    return lambda expected: yes if expected else no


def _listed(options: Any) -> str:
    shown = [show(option) for option in options] if isinstance(options, list) else [show(options)]
    return ", ".join(shown)


# What each comparator asks for, in words: the mismatch messages and the reports' "Expected"
# say this, never the matcher syntax a scenario is written in.
WORDS: dict[str, Callable[[Any], str]] = {
    "equals": show,
    "not_equals": lambda expected: f"anything but {show(expected)}",
    "equals_string": lambda expected: f"{show(string_form(expected))} (as a string)",
    "equals_number": lambda expected: f"the number {show(expected)}",
    "equals_ignore_case": lambda expected: f"{show(expected)} (ignoring case)",
    "is_number": _either("a number", "anything but a number"),
    "not_empty": _either("a non-empty value", "an empty value"),
    "absent": _either("absent", "present"),
    "present": _either("present", "absent"),
    "contains": lambda expected: f"a value containing {show(expected)}",
    "not_contains": lambda expected: f"a value without {show(expected)}",
    "contains_matching": lambda expected: f"an element matching {show(expected)}",
    "if_present": lambda expected: f"absent, or {describe(expected)}",
    "matches": lambda expected: f"a string matching {expected}",
    "one_of": lambda expected: f"one of {_listed(expected)}",
    "length": lambda expected: f"a value of length {expected}",
    "same_items": lambda expected: f"these items in any order: {show(expected)}",
}


def describe(spec: Any) -> str:
    """What `spec` asks for, in plain words: `{equals_number: 0}` is "the number 0"."""
    name, expected = parse(spec)
    return WORDS[name](expected)


def _wanted(name: str, expected: Any, actual: Any, present: bool) -> str:
    return _mismatch(WORDS[name](expected), actual, present)


def equals(actual: Any, present: bool, expected: Any) -> str | None:
    if present and json_equal(actual, expected):
        return None
    return _wanted("equals", expected, actual, present)


def not_equals(actual: Any, present: bool, expected: Any) -> str | None:
    """Anything but the value, absence included: `active` not false is a user not deactivated,
    whether the server says true or leaves it unassigned (RFC 7643 4.1.1)."""
    if not present or not json_equal(actual, expected):
        return None
    return _wanted("not_equals", expected, actual, present)


def equals_string(actual: Any, present: bool, expected: Any) -> str | None:
    if present and string_form(actual) == string_form(expected):
        return None
    return _wanted("equals_string", expected, actual, present)


def equals_number(actual: Any, present: bool, expected: Any) -> str | None:
    if present and _is_number(actual) and actual == expected:
        return None
    return _wanted("equals_number", expected, actual, present)


def equals_ignore_case(actual: Any, present: bool, expected: Any) -> str | None:
    if present and isinstance(actual, str) and actual.casefold() == str(expected).casefold():
        return None
    return _wanted("equals_ignore_case", expected, actual, present)


def is_number(actual: Any, present: bool, expected: Any) -> str | None:
    if present and _is_number(actual) == bool(expected):
        return None
    return _wanted("is_number", expected, actual, present)


def _empty(actual: Any, present: bool) -> bool:
    return not present or actual is None or (isinstance(actual, str | list | dict) and not actual)


def not_empty(actual: Any, present: bool, expected: Any) -> str | None:
    if _empty(actual, present) != bool(expected):
        return None
    return _wanted("not_empty", expected, actual, present)


def absent(actual: Any, present: bool, expected: Any) -> str | None:
    if present != bool(expected):
        return None
    return _wanted("absent", expected, actual, present)


def present_(actual: Any, present: bool, expected: Any) -> str | None:
    if present == bool(expected):
        return None
    return _wanted("present", expected, actual, present)


def _subset(part: Any, whole: Any) -> bool:
    """`part` is found in `whole`: mappings by subset (recursively), anything else by equality."""
    if isinstance(part, Mapping) and isinstance(whole, Mapping):
        return all(k in whole and _subset(v, whole[k]) for k, v in part.items())
    return json_equal(part, whole)


def _contained(expected: Any, actual: Any) -> bool:
    if isinstance(actual, list):
        return any(_subset(expected, element) for element in actual)
    if isinstance(actual, str):
        return isinstance(expected, str) and expected in actual
    both_mappings = isinstance(actual, Mapping) and isinstance(expected, Mapping)
    return both_mappings and _subset(expected, actual)


def contains(actual: Any, present: bool, expected: Any) -> str | None:
    """An array holding the value (or a superset of a mapping), a substring, or a sub-mapping."""
    if present and _contained(expected, actual):
        return None
    return _wanted("contains", expected, actual, present)


def not_contains(actual: Any, present: bool, expected: Any) -> str | None:
    """Anything but what `contains` accepts, absence included: after a PUT that omits `emails`,
    the server may clear them or assign defaults (RFC 7644 3.5.1), only not keep the old one."""
    if not present or not _contained(expected, actual):
        return None
    return _wanted("not_contains", expected, actual, present)


def _like(expected: Any, actual: Any) -> bool:
    """`expected` found in `actual`: mappings by subset, arrays as `same_items` (order free),
    anything else by equality."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return all(k in actual and _like(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return _paired(expected, actual)
    return json_equal(expected, actual)


def _unpaired(expected: list[Any], actual: list[Any]) -> tuple[list[Any], list[Any]]:
    """The expected items no actual one matched, and the actual items left over."""
    unused, missing = list(actual), []
    for part in expected:
        match = next((i for i, item in enumerate(unused) if _like(part, item)), None)
        if match is None:
            missing.append(part)
        else:
            unused.pop(match)
    return missing, unused


def _paired(expected: list[Any], actual: list[Any]) -> bool:
    """As many items, each expected one matched by its own actual one, in any order."""
    return len(expected) == len(actual) and _unpaired(expected, actual) == ([], [])


def same_items(actual: Any, present: bool, expected: Any) -> str | None:
    """An array of as many items as expected, each found once, in any order (a mapping as a
    subset of an item): the values of a multi-valued attribute have no order a client may rely
    on, so a replay compares them as a collection (docs/replay.md). A mismatch names the first
    item missing, or the first one too many, rather than quoting both arrays."""
    if present and isinstance(actual, list) and _paired(list(expected), actual):
        return None
    if not isinstance(actual, list):
        return _wanted("same_items", expected, actual, present)
    missing, extra = _unpaired(list(expected), actual)
    counted = f"expected {len(expected)} item(s) in any order, got {len(actual)}"
    if missing:
        return f"{counted}: none like {show(missing[0])}"
    return f"{counted}: {show(extra[0])} is one too many"


def if_present(actual: Any, present: bool, expected: Any) -> str | None:
    """Nothing is fine; a value must satisfy the inner spec: an OPTIONAL member such as
    `scimType` (RFC 7644 3.12) may be left out, but when given must be the right one."""
    return None if not present else compare(expected, actual, present)


def _matching(patterns: Mapping[str, str], element: Any) -> bool:
    return isinstance(element, Mapping) and all(
        isinstance(element.get(key), str) and re.search(pattern, element[key])
        for key, pattern in patterns.items()
    )


def contains_matching(actual: Any, present: bool, expected: Any) -> str | None:
    """An array with an element whose named members are strings matching the regular expressions:
    one rule for the several spellings a field may rightly take ("Users", "/Users", a full URL)."""
    if present and isinstance(actual, list) and any(_matching(expected, e) for e in actual):
        return None
    return _wanted("contains_matching", expected, actual, present)


def matches(actual: Any, present: bool, expected: Any) -> str | None:
    if present and isinstance(actual, str) and re.search(expected, actual):
        return None
    return _wanted("matches", expected, actual, present)


def one_of(actual: Any, present: bool, expected: Any) -> str | None:
    if present and any(json_equal(actual, option) for option in expected):
        return None
    return _wanted("one_of", expected, actual, present)


def length(actual: Any, present: bool, expected: Any) -> str | None:
    if present and isinstance(actual, str | list | dict) and len(actual) == expected:
        return None
    size = f" (length {len(actual)})" if present and isinstance(actual, str | list | dict) else ""
    return _wanted("length", expected, actual, present) + size


COMPARATORS: dict[str, Comparator] = {
    "equals": equals,
    "not_equals": not_equals,
    "equals_string": equals_string,
    "equals_number": equals_number,
    "equals_ignore_case": equals_ignore_case,
    "is_number": is_number,
    "not_empty": not_empty,
    "absent": absent,
    "present": present_,
    "contains": contains,
    "not_contains": not_contains,
    "contains_matching": contains_matching,
    "if_present": if_present,
    "matches": matches,
    "one_of": one_of,
    "length": length,
    "same_items": same_items,
}


def _boolean(expected: Any) -> str | None:
    return None if isinstance(expected, bool) else "expects true or false"


def _pattern(expected: Any) -> str | None:
    if not isinstance(expected, str):
        return "expects a regular expression (a string)"
    try:
        re.compile(expected)
    except re.error as error:
        return f"has an invalid regular expression: {error}"
    return None


def _patterns(expected: Any) -> str | None:
    if not isinstance(expected, Mapping) or not expected:
        return "expects a mapping of member names to regular expressions"
    for pattern in expected.values():
        problem = _pattern(pattern)
        if problem is not None:
            return problem
    return None


def _inner(expected: Any) -> str | None:
    """A spec inside a spec: a mapping must name a known comparator (as the loader asks)."""
    name, inner = parse(expected)
    if isinstance(expected, Mapping) and len(expected) == 1 and inner is expected:
        return f"expects a comparator spec; unknown comparator '{next(iter(expected))}'"
    problem = argument_problem(name, inner)
    return None if problem is None else f"expects a valid spec: '{name}' {problem}"


def _typed(check: Callable[[Any], bool], what: str) -> Callable[[Any], str | None]:
    return lambda expected: None if check(expected) else f"expects {what}"


# What each comparator's expected value must be; the loader checks these before anything runs.
_ARGUMENTS: dict[str, Callable[[Any], str | None]] = {
    "equals_number": _typed(_is_number, "a number"),
    "equals_ignore_case": _typed(lambda e: isinstance(e, str), "a string"),
    "is_number": _boolean,
    "not_empty": _boolean,
    "absent": _boolean,
    "present": _boolean,
    "matches": _pattern,
    "contains_matching": _patterns,
    "if_present": _inner,
    "one_of": _typed(lambda e: isinstance(e, list) and bool(e), "a non-empty list"),
    "length": _typed(lambda e: _is_number(e) and isinstance(e, int) and e >= 0, "a count"),
    "same_items": _typed(lambda e: isinstance(e, list), "a list"),
}


def argument_problem(name: str, expected: Any) -> str | None:
    """Why `expected` is no valid argument for comparator `name` (e.g. "expects a number")."""
    check = _ARGUMENTS.get(name)
    return None if check is None else check(expected)


def parse(spec: Any) -> tuple[str, Any]:
    """`(comparator name, expected)` for a spec: `{name: expected}` or a bare value (equals)."""
    if isinstance(spec, Mapping) and len(spec) == 1:
        ((name, expected),) = spec.items()
        if name in COMPARATORS:
            return name, expected
    return "equals", spec


def compare(spec: Any, actual: Any, present: bool) -> str | None:
    """None if `actual` satisfies `spec`, else a one-sentence mismatch message."""
    name, expected = parse(spec)
    return COMPARATORS[name](actual, present, expected)
