"""The end-of-run console summary: a table by profile, worst first, then what to look at.

Lines carry a style name, not escape codes, so the caller decides whether the terminal gets
colour (pytest's terminal writer does that for us).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model import Item, RunView, rank, verdict
from .sections import SHOWN
from .text import headline, where

STYLES = {"FAIL": "red", "ERROR": "red", "WARN": "yellow", "SKIP": "", "PASS": "green"}
MAX_LISTED = 20


@dataclass(frozen=True)
class Line:
    text: str
    style: str = ""


def _gated(items: list[Item]) -> str:
    return verdict("PASS" if item.expected else item.outcome for item in items)


def _table(view: RunView) -> list[Line]:
    by_profile = {p: [i for i in view.items if i.profile == p] for p in view.profiles}
    width = max([len("profile"), *(len(p) for p in by_profile)])
    columns = [name for name in SHOWN if name != "EXPECTED" or any(i.expected for i in view.items)]
    lines = [
        Line(f"{'profile':<{width}}  verdict  " + " ".join(f"{c:>5}" for c in columns), "bold")
    ]
    ordered = sorted(by_profile.items(), key=lambda pair: (rank(_gated(pair[1])), pair[0]))
    for profile, items in ordered:
        counts = Counter(item.shown_outcome for item in items)
        shown = _gated(items)
        numbers = " ".join(f"{counts[c]:>5}" for c in columns)
        lines.append(Line(f"{profile:<{width}}  {shown:<7}  {numbers}", STYLES[shown]))
    return lines


def _item_line(item: Item) -> Line:
    broken = item.broken("MUST") or item.broken("SHOULD")
    # An ERROR's reason names its own step; the place of a check broken before it would mislead.
    place = f" at {where(item, broken[0])}" if broken and item.outcome != "ERROR" else ""
    return Line(f"  {item.outcome:<5} {item.item}: {headline(item)}{place}", STYLES[item.outcome])


def _listing(title: str, items: list[Item]) -> list[Line]:
    if not items:
        return []
    shown = [_item_line(item) for item in items[:MAX_LISTED]]
    more = len(items) - MAX_LISTED
    tail = [Line(f"  … and {more} more (see index.html)")] if more > 0 else []
    return [Line(title, "bold"), *shown, *tail]


def lines(view: RunView) -> list[Line]:
    overall = verdict(view.gated_outcomes())
    run = view.header
    result = [
        Line(f"scimcert: {overall}: {len(view.items)} items, run {run.get('run_id', '?')}, "
             f"seed {run.get('seed', '?')}", STYLES[overall]),
        *_table(view),
    ]  # fmt: skip
    failing = sorted(
        (i for i in view.items if i.outcome in ("FAIL", "ERROR") and not i.expected),
        key=lambda i: (rank(i.outcome), i.item),
    )
    result += _listing("Failures:", failing)
    result += _listing("Warnings:", [i for i in view.items if i.outcome == "WARN"])
    skipped = Counter(i.reason for i in view.items if i.outcome == "SKIP")
    if skipped:
        result.append(Line("Not verified:", "bold"))
        result += [Line(f"  {n} skipped: {reason}") for reason, n in sorted(skipped.items())]
    expected = sum(item.expected for item in view.items)
    if expected:
        result.append(Line(f"Expected failures (baseline): {expected}, not counted by the gate"))
    return result
