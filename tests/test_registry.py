"""The one registry helper: a name is registered once, and a miss lists the names there are."""

from __future__ import annotations

import pytest

from mock_idp import dialects
from mock_idp.strategies import STRATEGIES
from registry import Registry, UnknownNameError


def test_entries_are_found_by_name_in_registration_order() -> None:
    colours: Registry[object] = Registry("colour")
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


def test_an_entry_is_swapped_only_for_one_already_there() -> None:
    colours: Registry[int] = Registry("colour")
    colours.add("red", 1)
    colours.swap("red", 2)
    assert colours["red"] == 2
    with pytest.raises(UnknownNameError):
        colours.swap("blue", 3)


def test_strategies_are_such_a_registry() -> None:
    dialects.load()  # the dialects register the strategies as they are imported
    with pytest.raises(
        UnknownNameError, match=r"unknown strategy 'patch-activ'; known: .*patch-active"
    ):
        STRATEGIES.get("patch-activ")
