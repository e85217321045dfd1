"""Failures grouped by root cause: one collapsible card per broken check, with the evidence of
its first item and the list of every item it struck (the way Allure groups failures by category).

A run against a server with one fault breaks the same check in many scenarios and profiles; a
reader wants the cause once, with where it struck, not the same card sixteen times. Each item's
own card is still there, one click further, under its stable anchor: the matrix links to it, and
a browser opens the `<details>` around an anchor it navigates to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .difference import first_difference
from .html import Markup, join, tag
from .model import Item
from .sections import badge

Card = Callable[[Item, str], Markup]  # an item's full card, given the id to put on it


def cause_of(item: Item, levels: Sequence[str]) -> str:
    """What broke first: the first broken check of the worst level, or why the item stopped."""
    broken = [check for level in levels for check in item.broken(level)]
    if broken and item.outcome != "ERROR":
        return str(broken[0]["check"])
    return f"{item.outcome}: {item.reason.split(':', 1)[0]}" if item.reason else item.outcome


def grouped(items: Sequence[Item], levels: Sequence[str]) -> dict[str, list[Item]]:
    """Causes, the ones that struck most first."""
    found: dict[str, list[Item]] = {}
    for item in items:
        found.setdefault(cause_of(item, levels), []).append(item)
    return dict(sorted(found.items(), key=lambda pair: (-len(pair[1]), pair[0])))


def _struck(items: Sequence[Item]) -> str:
    profiles = len({item.profile for item in items})
    scenarios = len({item.scenario for item in items})
    return f"{len(items)} item(s), {scenarios} scenario(s), {profiles} profile(s)"


def _item_details(item: Item, anchor: str, card: Card) -> Markup:
    summary = tag(
        "summary",
        badge(item.shown_outcome),
        " ",
        tag("code", item.item),
        " ",
        tag("span", first_difference(item), class_="muted"),
    )
    return tag("details", summary, card(item, anchor), id=f"{anchor}-item", class_="item")


def cause_card(cause: str, items: Sequence[Item], links: Mapping[str, str], card: Card) -> Markup:
    first = items[0]
    summary = tag(
        "summary",
        badge(first.shown_outcome),
        " ",
        tag("code", cause),
        f": {_struck(items)}",
        tag("div", first_difference(first), class_="muted"),
    )
    return tag(
        "details",
        summary,
        join(_item_details(item, links[item.item], card) for item in items),
        class_="cause",
    )
