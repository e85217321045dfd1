"""Outcomes of an item and of a run, check levels, and the one order they are combined in."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Outcome(StrEnum):
    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    SKIP = "SKIP"
    ERROR = "ERROR"
    INCONCLUSIVE = "INCONCLUSIVE"


class Level(StrEnum):
    """RFC 2119 keywords: a broken MUST fails, a broken SHOULD warns, a broken MAY is a note."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"


LEVELS = (Level.MUST, Level.SHOULD, Level.MAY)
# Worst first. ERROR leads because it is what the exit code reports first (3 before 1): the
# harness could not judge, so a FAIL beside it may be a consequence rather than the cause.
# INCONCLUSIVE (a measurement the instrument itself limited: `scimcert load` when its own
# generator was the bottleneck) yields to a FAIL found beside it, which the generator cannot
# cause, and outranks WARN: the target's figure is unknown, so the gate cannot pass.
WORST_FIRST = (
    Outcome.ERROR,
    Outcome.FAIL,
    Outcome.INCONCLUSIVE,
    Outcome.WARN,
    Outcome.SKIP,
    Outcome.PASS,
)
# What one broken check of each level does to its item.
LEVEL_EFFECT = {Level.MUST: Outcome.FAIL, Level.SHOULD: Outcome.WARN, Level.MAY: Outcome.PASS}
MEANING = {
    Outcome.PASS: "every check held (a broken MAY check is only a note)",
    Outcome.WARN: "a SHOULD check broke; the gate passes unless --fail-on warn",
    Outcome.FAIL: "a MUST check broke",
    Outcome.SKIP: "not verified: the target lacks what the item needs (the reason is given)",
    Outcome.ERROR: "not judged: the target could not be reached or the harness broke",
    Outcome.INCONCLUSIVE: "not judged: the measuring side was the limit (a load generator out of "
    "CPU); the figures and the remedy are given",
}


def rank(outcome: str) -> int:
    """Position in the worst-first order; anything unknown sorts last."""
    order = [str(o) for o in WORST_FIRST]
    return order.index(outcome) if outcome in order else len(order)


def combine(outcomes: Iterable[str]) -> Outcome:
    """The verdict of several items: the worst of ERROR, FAIL, INCONCLUSIVE and WARN; else PASS
    if anything passed; SKIP only when nothing at all was verified (an empty set included)."""
    seen = {Outcome(o) for o in outcomes}
    for worst in (Outcome.ERROR, Outcome.FAIL, Outcome.INCONCLUSIVE, Outcome.WARN, Outcome.PASS):
        if worst in seen:
            return worst
    return Outcome.SKIP
