"""Plain-text accounts of an item, for JUnit, the console and a rebuilt pytest report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .model import Item
from .timeline import timeline_lines
from .transcript import BODY_LIMIT, elide, request_text, response_text

Record = Mapping[str, Any]


def value_text(value: Any) -> str:
    return elide(json.dumps(value, ensure_ascii=False), BODY_LIMIT)


def expected_text(value: Any) -> str:
    """What a check expected: words as they are ("the number 0", "201 or 204"), values as JSON."""
    return elide(value, BODY_LIMIT) if isinstance(value, str) else value_text(value)


def where(item: Item, check: Record) -> str:
    """`file:line, step N`: where in the scenario the broken expectation is written."""
    line = check.get("line") or 0
    place = f"{item.source}:{line}" if line else item.source
    step = int(check.get("step", -1))
    return f"{place}, step {step + 1}" if step >= 0 else f"{place}, after the steps (cleanup)"


def check_headline(check: Record) -> str:
    return f"{check['level']} {check['check']} ({check['ref']}): {check['title']}"


def finding_lines(finding: Record) -> list[str]:
    lines = [f"- {finding['message']}"]
    if finding.get("expected") is not None or finding.get("actual") is not None:
        lines.append(f"  expected: {expected_text(finding.get('expected'))}")
        lines.append(f"  actual:   {value_text(finding.get('actual'))}")
    return lines


def check_lines(item: Item, check: Record) -> list[str]:
    lines = [check_headline(check), f"  at {where(item, check)}"]
    lines += [f"  {line}" for finding in check["findings"] for line in finding_lines(finding)]
    recorded = item.exchange(int(check["sequence"]))
    if recorded is not None:
        lines += ["  request:", *_indent(request_text(recorded["exchange"]))]
        lines += ["  response:", *_indent(response_text(recorded["exchange"]))]
        lines += ["  reproduce:", f"    {recorded['curl']}"]
    return lines


def _indent(text: str) -> list[str]:
    return [f"    {line}" for line in text.splitlines()]


def headline(item: Item) -> str:
    """One line: the outcome and its first cause."""
    if item.outcome in ("ERROR", "SKIP") and item.reason:
        return item.reason  # the run stopped for this reason; any broken check came before
    broken = item.broken("MUST") or item.broken("SHOULD")
    if broken:
        first = broken[0]
        more = f" (+{len(broken) - 1} more)" if len(broken) > 1 else ""
        return f"{first['level']} {first['check']} ({first['ref']}) broken{more}"
    return item.reason or item.outcome


def describe(item: Item) -> str:
    """Everything a person needs to see why an item did not pass, and to reproduce it."""
    lines = [f"{item.shown_outcome} {item.item}: {item.title}", f"scenario file: {item.source}"]
    if item.reason:
        lines.append(f"reason: {item.reason}")
    if item.rerun:
        lines.append(f"rerun this item: {item.rerun}")
    steps = timeline_lines(item)
    if steps:
        lines += ["steps:", *(f"  {line}" for line in steps)]
    for check in item.broken():
        lines += check_lines(item, check)
    return "\n".join(lines)
