"""Comparators pass and fail like Okta's Runscope assertions (okta.md section 5), and say why."""

from __future__ import annotations

from typing import Any

import pytest

from harness.scenario.comparators import (
    COMPARATORS,
    argument_problem,
    compare,
    describe,
    json_equal,
    parse,
)

MISSING = object()  # a pointer that resolved to nothing
USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"

# (comparator spec, actual value) pairs that must pass
PASSES = [
    (False, False),
    ({"equals": {"a": [1, 2]}}, {"a": [1, 2.0]}),
    ({"equals": None}, None),
    ({"equals_string": "true"}, True),  # Runscope `equal`: active "true" passes true
    ({"equals_string": "404"}, 404),
    ({"equals_string": 404}, "404"),
    ({"equals_string": "1"}, 1.0),  # JavaScript writes 1.0 as 1
    ({"equals_string": "null"}, None),
    ({"equals_number": 0}, 0),
    ({"equals_number": 1}, 1.0),
    ({"equals_ignore_case": "Alice@Example.com"}, "alice@example.COM"),
    ({"is_number": True}, 1.5),
    ({"is_number": False}, "1"),
    ({"not_empty": True}, False),  # Runscope `not_empty` passes false and 0
    ({"not_empty": True}, 0),
    ({"not_empty": True}, "x"),
    ({"not_empty": False}, []),
    ({"not_empty": False}, MISSING),
    ({"absent": True}, MISSING),
    ({"absent": False}, None),  # null is there: it is not absent
    ({"not_equals": False}, True),
    ({"not_equals": False}, MISSING),  # unassigned is not false
    ({"present": True}, None),
    ({"present": False}, MISSING),
    ({"contains": {"userName": "x"}}, [{"id": "1"}, {"id": "2", "userName": "x"}]),
    ({"contains": {"name": {"givenName": "A"}}}, [{"name": {"givenName": "A", "familyName": "B"}}]),
    ({"contains": USER_URN}, [USER_URN.replace("core", "extension"), USER_URN]),
    ({"contains": "json"}, "application/scim+json"),
    ({"contains": {"givenName": "A"}}, {"givenName": "A", "familyName": "B"}),
    ({"matches": "^.+@"}, "a@b"),
    ({"not_contains": {"value": "a@b"}}, MISSING),  # cleared (RFC 7644 3.5.1)
    ({"not_contains": {"value": "a@b"}}, [{"value": "c@d", "primary": True}]),  # defaulted
    ({"contains_matching": {"endpoint": "(^|/)Users$"}}, [{"endpoint": "Users"}]),
    ({"if_present": "invalidFilter"}, MISSING),  # scimType is OPTIONAL (RFC 7644 3.12)
    ({"if_present": {"one_of": ["a", "b"]}}, "b"),
    ({"contains_matching": {"endpoint": "(^|/)Users$"}}, [{"endpoint": "https://h/v2/Users"}]),
    ({"one_of": [200, 204]}, 204),
    ({"length": 2}, [1, 2]),
    ({"length": 3}, "abc"),
    ({"length": 1}, {"a": 1}),
    ({"value": "x"}, {"value": "x"}),  # not a comparator name: a literal for equals
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    # Order free, items matched one each, a mapping as a subset, nested arrays order free too.
    ({"same_items": [{"v": "b"}, {"v": "a"}]}, [{"v": "a", "$ref": "x"}, {"v": "b"}]),
    ({"same_items": [{"t": ["y", "x"]}]}, [{"t": ["x", "y"]}]),
    ({"same_items": []}, []),
]

# (comparator spec, actual value, the exact message)
FAILURES = [
    (False, True, "expected false, got true"),
    (1, True, "expected 1, got true"),  # JSON equality: 1 is not true
    ("1", 1, 'expected "1", got 1'),
    ({"equals": [1, 2]}, [2, 1], "expected [1, 2], got [2, 1]"),
    ({"equals": None}, MISSING, "expected null, got nothing (missing)"),
    ({"equals_string": "false"}, True, 'expected "false" (as a string), got true'),
    ({"equals_string": "Alice"}, "alice", 'expected "Alice" (as a string), got "alice"'),
    ({"equals_string": "404"}, MISSING, 'expected "404" (as a string), got nothing (missing)'),
    ({"equals_number": 0}, "0", 'expected the number 0, got "0"'),  # a numeric string fails
    ({"equals_number": 1}, True, "expected the number 1, got true"),
    ({"equals_number": 0}, 1, "expected the number 0, got 1"),
    ({"equals_ignore_case": "a"}, 1, 'expected "a" (ignoring case), got 1'),
    ({"is_number": True}, "5", 'expected a number, got "5"'),
    ({"is_number": True}, False, "expected a number, got false"),
    ({"is_number": False}, 5, "expected anything but a number, got 5"),
    ({"not_empty": True}, None, "expected a non-empty value, got null"),
    ({"not_empty": True}, "", 'expected a non-empty value, got ""'),
    ({"not_empty": True}, [], "expected a non-empty value, got []"),
    ({"not_empty": True}, {}, "expected a non-empty value, got {}"),
    ({"not_empty": True}, MISSING, "expected a non-empty value, got nothing (missing)"),
    ({"not_empty": False}, 0, "expected an empty value, got 0"),
    ({"absent": True}, "secret", 'expected absent, got "secret"'),
    ({"not_equals": False}, False, "expected anything but false, got false"),
    ({"absent": True}, None, "expected absent, got null"),
    ({"present": True}, MISSING, "expected present, got nothing (missing)"),
    ({"contains": {"a": 1}}, [{"a": 2}], 'expected a value containing {"a": 1}, got [{"a": 2}]'),
    ({"contains": "x"}, 5, 'expected a value containing "x", got 5'),
    ({"contains": 1}, [True], "expected a value containing 1, got [true]"),
    ({"matches": "^a"}, "ba", 'expected a string matching ^a, got "ba"'),
    (
        {"not_contains": {"v": "a"}},
        [{"v": "a"}],
        'expected a value without {"v": "a"}, got [{"v": "a"}]',
    ),
    (
        {"contains_matching": {"e": "^U"}},
        [{"e": "G"}],
        'expected an element matching {"e": "^U"}, got [{"e": "G"}]',
    ),
    (
        {"contains_matching": {"e": "^U"}},
        [{"e": 1}],
        'expected an element matching {"e": "^U"}, got [{"e": 1}]',
    ),
    ({"matches": "1"}, 1, "expected a string matching 1, got 1"),
    (
        {"if_present": "invalidFilter"},
        "invalidSyntax",
        'expected "invalidFilter", got "invalidSyntax"',
    ),
    ({"one_of": [200, 204]}, 404, "expected one of 200, 204, got 404"),
    ({"length": 1}, [1, 2], "expected a value of length 1, got [1, 2] (length 2)"),
    ({"length": 1}, 5, "expected a value of length 1, got 5"),
    (
        {"same_items": [{"v": "a"}, {"v": "b"}]},
        [{"v": "a"}],
        'expected 2 item(s) in any order, got 1: none like {"v": "b"}',
    ),
    (
        {"same_items": [{"v": "a"}, {"v": "a"}]},
        [{"v": "a"}, {"v": "b"}],
        'expected 2 item(s) in any order, got 2: none like {"v": "a"}',
    ),
    (
        {"same_items": ["x"]},
        ["x", "y"],
        'expected 1 item(s) in any order, got 2: "y" is one too many',
    ),
    ({"same_items": [1]}, MISSING, "expected these items in any order: [1], got nothing (missing)"),
]


def _run(spec: Any, actual: Any) -> str | None:
    if actual is MISSING:
        return compare(spec, None, False)
    return compare(spec, actual, True)


@pytest.mark.parametrize(("spec", "actual"), PASSES)
def test_passes(spec: Any, actual: Any) -> None:
    assert _run(spec, actual) is None


@pytest.mark.parametrize(("spec", "actual", "message"), FAILURES)
def test_fails_with_a_clear_message(spec: Any, actual: Any, message: str) -> None:
    assert _run(spec, actual) == message


def test_every_comparator_is_exercised_both_ways() -> None:
    passed = {parse(spec)[0] for spec, _ in PASSES}
    failed = {parse(spec)[0] for spec, *_ in FAILURES}
    assert passed == failed == set(COMPARATORS)


# (comparator spec, what a report says was expected): plain words, never the matcher syntax
WORDS = [
    (0, "0"),
    ({"equals": "x"}, '"x"'),
    ({"not_equals": False}, "anything but false"),
    ({"equals_string": 404}, '"404" (as a string)'),
    ({"equals_number": 0}, "the number 0"),
    ({"equals_ignore_case": "A"}, '"A" (ignoring case)'),
    ({"is_number": True}, "a number"),
    ({"is_number": False}, "anything but a number"),
    ({"not_empty": True}, "a non-empty value"),
    ({"not_empty": False}, "an empty value"),
    ({"absent": True}, "absent"),
    ({"absent": False}, "present"),
    ({"present": True}, "present"),
    ({"present": False}, "absent"),
    ({"contains": {"a": 1}}, 'a value containing {"a": 1}'),
    ({"not_contains": "x"}, 'a value without "x"'),
    ({"contains_matching": {"e": "^U"}}, 'an element matching {"e": "^U"}'),
    ({"if_present": {"equals_number": 0}}, "absent, or the number 0"),
    ({"matches": "^x"}, "a string matching ^x"),
    ({"one_of": [200, 204]}, "one of 200, 204"),
    ({"length": 2}, "a value of length 2"),
    ({"same_items": [1, 2]}, "these items in any order: [1, 2]"),
]


@pytest.mark.parametrize(("spec", "words"), WORDS)
def test_what_a_comparator_asks_for_is_said_in_words(spec: Any, words: str) -> None:
    assert describe(spec) == words


def test_every_comparator_has_words() -> None:
    assert {parse(spec)[0] for spec, _ in WORDS} == set(COMPARATORS)


def test_a_bare_value_or_an_unknown_key_is_equals() -> None:
    assert parse(5) == ("equals", 5)
    assert parse({"equal": 5}) == ("equals", {"equal": 5})
    assert parse({"matches": "x"}) == ("matches", "x")


def test_long_values_are_shortened_in_messages() -> None:
    message = compare("x", "y" * 500, True)
    assert message is not None and len(message) < 120 and message.endswith("...")


def test_json_equality_keeps_booleans_apart_from_numbers() -> None:
    assert json_equal(1, 1.0) and json_equal({"a": [True]}, {"a": [True]})
    assert not json_equal(1, True) and not json_equal(0, False) and not json_equal([1], [True])
    assert not json_equal({"a": 1}, {"a": 1, "b": 2}) and not json_equal("1", 1)


@pytest.mark.parametrize(
    ("name", "expected", "problem"),
    [
        ("equals_number", "0", "expects a number"),
        ("equals_number", True, "expects a number"),
        ("absent", "yes", "expects true or false"),
        ("not_empty", 1, "expects true or false"),
        ("matches", 5, "expects a regular expression (a string)"),
        ("one_of", 200, "expects a non-empty list"),
        ("length", -1, "expects a count"),
        ("equals_ignore_case", 5, "expects a string"),
        ("contains_matching", {}, "expects a mapping of member names to regular expressions"),
        ("if_present", {"one_of": 1}, "expects a valid spec: 'one_of' expects a non-empty list"),
        ("if_present", {"bogus": 1}, "expects a comparator spec; unknown comparator 'bogus'"),
        ("same_items", {"a": 1}, "expects a list"),
    ],
)
def test_bad_arguments_are_named(name: str, expected: Any, problem: str) -> None:
    assert argument_problem(name, expected) == problem


def test_good_arguments_pass() -> None:
    for name, expected in [("matches", "^a+$"), ("length", 0), ("equals", {"a": 1})]:
        assert argument_problem(name, expected) is None
    assert (argument_problem("matches", "(") or "").startswith("has an invalid regular expression")
