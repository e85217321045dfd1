"""`${...}` interpolation: whole references keep their type, `$${` escapes, unknown names fail."""

from __future__ import annotations

from typing import Any

import pytest

from harness.scenario.interpolate import InterpolationError, interpolate, lookup, root, variables_in

VARIABLES: dict[str, Any] = {
    "uid": "2819c223",
    "code": 201,
    "flag": False,
    "nothing": None,
    "user": {"alice": {"userName": "alice@example.com", "emails": ["a@x"]}},
    "run": {"prefix": "r42"},
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/Users/${uid}", "/Users/2819c223"),
        ("${code}", 201),  # a whole reference keeps its type: `status: ${code}` is an int
        ("${flag}", False),
        ("${nothing}", None),
        ("${user.alice}", VARIABLES["user"]["alice"]),
        ("${user.alice.userName}", "alice@example.com"),
        ("${run.prefix}-${uid}", "r42-2819c223"),
        ("code ${code}, flag ${flag}, none ${nothing}", "code 201, flag false, none null"),
        ("emails ${user.alice.emails}", 'emails ["a@x"]'),
        ("$${uid}", "${uid}"),  # the escape: a literal ${
        ("$${uid} is ${uid}", "${uid} is 2819c223"),
        ("cost: $5, {braces}, $ {x}", "cost: $5, {braces}, $ {x}"),
        ("", ""),
        (7, 7),
        (None, None),
    ],
)
def test_interpolate(value: Any, expected: Any) -> None:
    assert interpolate(value, VARIABLES) == expected


def test_containers_are_walked_and_copied() -> None:
    body = {"userName": "${user.alice.userName}", "active": "${flag}", "ids": ["${uid}", 1]}
    result = interpolate(body, VARIABLES)
    assert result == {"userName": "alice@example.com", "active": False, "ids": ["2819c223", 1]}
    assert body["active"] == "${flag}"  # the scenario's own data is never changed
    assert interpolate(("${code}",), VARIABLES) == (201,)


def test_keys_are_interpolated_and_stay_strings() -> None:
    assert interpolate({"/emails/${code}": 1, "${flag}": 2}, VARIABLES) == {
        "/emails/201": 1,
        "false": 2,
    }


@pytest.mark.parametrize(
    ("value", "variable", "message"),
    [
        (
            "${uidd}",
            "uidd",
            "unknown variable 'uidd' in '${uidd}'; known: code, flag, nothing, run, uid, user",
        ),
        ("/Users/${missing.id}", "missing.id", "unknown variable 'missing'"),
        ("${user.bob}", "user.bob", "variable 'user' has no key 'bob' (in '${user.bob}')"),
        ("${uid.x}", "uid.x", "variable 'uid' is not a mapping, so has no 'x'"),
        ("${}", "", "bad variable reference '${}'"),
        ("${a b}", "a b", "bad variable reference '${a b}'"),
        ("${unterminated", "", "malformed '${' reference in '${unterminated'"),
    ],
)
def test_unknown_or_malformed_references_raise(value: str, variable: str, message: str) -> None:
    with pytest.raises(InterpolationError) as caught:
        interpolate({"at": [value]}, VARIABLES)
    assert caught.value.variable == variable
    assert message in str(caught.value)


def test_an_empty_variable_set_says_so() -> None:
    with pytest.raises(InterpolationError, match=r"known: \(none\)"):
        lookup("x", {})


def test_variables_in() -> None:
    value = {"k${key}": ["${a}", "${b.c.d} and ${a}", "$${escaped}", 5], "plain": "text"}
    assert variables_in(value) == {"key", "a", "b.c.d"}
    assert variables_in("no variables") == set()
    with pytest.raises(InterpolationError):
        variables_in("${oops")


def test_root() -> None:
    assert root("user.alice.id") == "user"
    assert root("uid") == "uid"
