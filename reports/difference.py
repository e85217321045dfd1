"""An item's first difference in one line: what a CI log or a JUnit message shows first."""

from __future__ import annotations

from verdict.questions import question_of

from .model import Item
from .text import headline


def first_difference(item: Item) -> str:
    """`/active: expected false, got true [MUST deactivation-keeps-user] (+1 more)`: the first
    finding of the first broken check, the check that judged it, and how many more there are.
    An item that stopped (ERROR, SKIP) or broke nothing gives its headline instead."""
    broken = item.broken("MUST") or item.broken("SHOULD")
    if not broken or item.outcome == "ERROR" or not broken[0]["findings"]:
        return headline(item)
    first = broken[0]
    more = sum(len(check["findings"]) for check in broken) - 1
    tail = f" (+{more} more)" if more else ""
    question = question_of(str(first.get("ref", "")))
    return (
        f"{first['findings'][0]['message']} [{first['level']} {first['check']}, {question}]{tail}"
    )
