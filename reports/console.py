"""The end-of-run console summary: a table by profile, worst first, then what to look at.

Lines carry a style name, not escape codes, so the caller decides whether the terminal gets
colour (pytest's terminal writer does that for us).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from verdict.status import RunVerdict

from . import run_status, suite
from .difference import first_difference
from .model import Item, RunView, rank
from .sections import SHOWN
from .text import where

STYLES = {
    "FAIL": "red",
    "ERROR": "red",
    "WARN": "yellow",
    "SKIP": "",
    "PASS": "green",
    "NOT RUN": "",
}
MAX_LISTED = 20


@dataclass(frozen=True)
class Line:
    text: str
    style: str = ""


def style(verdict: RunVerdict) -> str:
    """Green only for a clean pass: a qualified PASS (partial, waived...) is yellow."""
    if verdict.verdict.value == "PASS" and run_status.qualified(verdict):
        return "yellow"
    return STYLES[verdict.verdict.value]


def _table(view: RunView) -> list[Line]:
    verdicts = {p.profile: p for p in view.assessment.profiles}
    width = max([len("profile"), *(len(p) for p in verdicts)])
    shown = [name for name in SHOWN if any(i.shown_outcome == name for i in view.items)]
    heads = f"{'profile':<{width}}  verdict  status      " + " ".join(f"{c:>7}" for c in shown)
    lines = [Line(heads.rstrip(), "bold")]
    ordered = sorted(verdicts.values(), key=lambda v: (rank(v.verdict.value), v.profile))
    for verdict in ordered:
        counts = Counter(item.shown_outcome for item in view.of_profile(verdict.profile))
        numbers = " ".join(f"{counts[c]:>7}" for c in shown)
        status = verdict.status.value
        text = f"{verdict.profile:<{width}}  {verdict.verdict.value:<7}  {status:<10}  {numbers}"
        lines.append(Line(text.rstrip(), style(verdict)))
    return lines


def _item_line(item: Item) -> Line:
    broken = item.broken("MUST") or item.broken("SHOULD")
    # An ERROR's reason names its own step; the place of a check broken before it would mislead.
    place = f" at {where(item, broken[0])}" if broken and item.outcome != "ERROR" else ""
    word = "WAIVED" if item.expected else item.outcome
    return Line(f"  {word:<5} {item.item}: {first_difference(item)}{place}", STYLES[item.outcome])


def _listing(title: str, items: list[Item]) -> list[Line]:
    if not items:
        return []
    shown = [_item_line(item) for item in items[:MAX_LISTED]]
    more = len(items) - MAX_LISTED
    tail = [Line(f"  … and {more} more (see index.html)")] if more > 0 else []
    return [Line(title, "bold"), *shown, *tail]


def _suite_lines(view: RunView) -> list[Line]:
    """A `--suite` run's vendor result, qualified as scimcert's emulation, and each test."""
    if view.suite is None:
        return []
    record = view.suite
    found = [Line(suite.headline(record), "green" if record["passed"] else "red")]
    found += [Line(f"  because {reason}") for reason in record["reasons"]]
    found += [Line(f"  {line}") for line in suite.test_lines(record)]
    if record["result_file"]:
        found.append(Line(f"  vendor-shaped result: {record['result_file']}"))
    return found


def lines(view: RunView) -> list[Line]:
    run, assessment = view.header, view.assessment
    result = [Line(f"scimcert: {run_status.headline(view)}", style(assessment.run))]
    result += [Line(f"  also {reason}") for reason in run_status.further_reasons(assessment.run)]
    result += [
        Line(
            f"  run {run.get('run_id', '?')}, seed {run.get('seed', '?')}; "
            f"{run_status.exit_line(assessment)}"
        ),
        *_table(view),
    ]
    result += _suite_lines(view)
    questions = run_status.question_lines(assessment)
    if questions:
        result.append(Line("Questions answered:", "bold"))
        result += [Line(f"  {line}") for line in questions]
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
    waived = [item for item in view.items if item.expected]
    result += _listing("Waived by the baseline (MUST failures the gate did not count):", waived)
    not_run = [item for item in view.items if not item.finished]
    if not_run:
        names = ", ".join(item.item for item in not_run[:5])
        more = f" and {len(not_run) - 5} more" if len(not_run) > 5 else ""
        result.append(Line(f"Not run: {len(not_run)} item(s): {names}{more}", "bold"))
    return result
