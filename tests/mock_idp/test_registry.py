"""The one registry helper: a name is registered once, and a miss lists the names there are."""

from __future__ import annotations

import pytest

from mock_idp.registry import Registry, UnknownNameError
from mock_idp.strategies import STRATEGIES


def test_entries_are_found_by_name_in_registration_order() -> None:
    colours: Registry[int] = Registry("colour")
    colours.add("red", 1)

    @colours.register("green")
    def green() -> None: ...

    assert colours.get("red") == 1 and colours.get("green") is green
    assert list(colours) == ["red", "green"] and len(colours) == 2 and "red" in colours


def test_a_name_is_registered_once() -> None:
    colours: Registry[int] = Registry("colour")
    colours.add("red", 1)
    with pytest.raises(ValueError, match="colour 'red' is registered twice"):
        colours.add("red", 2)
    assert colours.get("red") == 1


def test_an_unknown_name_lists_the_known_ones() -> None:
    colours: Registry[int] = Registry("colour")
    colours.add("red", 1)
    colours.add("blue", 2)
    with pytest.raises(UnknownNameError) as missed:
        colours.get("rde")
    assert str(missed.value) == "unknown colour 'rde'; known: blue, red"


def test_strategies_are_such_a_registry() -> None:
    with pytest.raises(
        UnknownNameError, match=r"unknown strategy 'patch-activ'; known: .*patch-active"
    ):
        STRATEGIES.get("patch-activ")
