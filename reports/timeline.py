"""An item's step timeline: what each step did, what it sent, and how it ended.

A failure is often noticed by a read several steps after the write that caused it; the
timeline puts them side by side. Each step is one row: its line, what it did, the requests it
sent with their status, and held / failed / not evaluated / blocked by step N. Files written
before steps were recorded still get rows, from their exchanges and checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from .html import Markup, table, tag
from .model import Item
from .transcript import status_of

Record = Mapping[str, Any]
QUERY_LIMIT = 60
GRADED = ("MUST", "SHOULD")


@dataclass(frozen=True)
class Row:
    step: int  # 0-based
    line: int
    action: str
    requests: tuple[str, ...]  # "POST /Users → 201"
    result: str  # "held", "failed: user-created", "blocked by step 1: needs ${uid}..."
    state: str  # held, failed, not-evaluated, blocked, done: a class for the page
    last: int = -1  # the last step of a run of steps blocked alike, shown as one row
    last_line: int = 0

    @property
    def steps(self) -> str:
        return f"{self.step + 1}-{self.last + 1}" if self.last > self.step else f"{self.step + 1}"

    @property
    def lines(self) -> str:
        return f"{self.line}-{self.last_line}" if self.last > self.step else f"{self.line}"


def _request(recorded: Record) -> str:
    exchange = recorded["exchange"]
    parts = urlsplit(str(exchange["request"]["url"]))
    query = f"?{parts.query}" if parts.query else ""
    if len(query) > QUERY_LIMIT:
        query = query[:QUERY_LIMIT] + "…"
    return f"{exchange['request']['method']} {parts.path}{query} → {status_of(exchange)}"


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _result(record: Record | None, checks: Sequence[Record], setup: bool) -> tuple[str, str]:
    """What became of the step, in words, and its state."""
    if record is not None and int(record.get("blocked_by", -1)) >= 0:
        by = int(record["blocked_by"]) + 1
        return f"blocked by step {by}: {record.get('reason', '')}", "blocked"
    broken = _unique([c["check"] for c in checks if not c["passed"] and c["level"] in GRADED])
    skipped = list(record.get("not_evaluated", ())) if record is not None else []
    parts = [f"failed: {', '.join(broken)}"] if broken else []
    if skipped:
        why = f" ({record['reason']})" if record is not None and record.get("reason") else ""
        parts.append(f"not evaluated: {', '.join(skipped)}{why}")
    if parts:
        return "; ".join(parts), "failed" if broken else "not-evaluated"
    if checks:
        return "held", "held"
    return ("done (setup, not judged)" if setup else "done"), "done"


def rows(item: Item) -> list[Row]:
    """One row per step the item reached, in order."""
    steps = {int(r["step"]): r for r in item.steps}
    indexes = sorted(
        {*steps, *(int(x["step"]) for x in item.exchanges), *(int(c["step"]) for c in item.checks)}
        - {-1}
    )
    built = []
    for index in indexes:
        record = steps.get(index)
        sent = [x for x in item.exchanges if int(x["step"]) == index]
        checks = [c for c in item.checks if int(c["step"]) == index]
        line = int(record["line"]) if record else next((int(c["line"]) for c in checks), 0)
        action = str(record["action"]) if record else ""  # older files: the requests say it
        setup = bool(sent) and all(x.get("setup") for x in sent)
        result, state = _result(record, checks, setup)
        built.append(Row(index, line, action, tuple(_request(x) for x in sent), result, state))
    return _folded(built)


def _folded(built: list[Row]) -> list[Row]:
    """Consecutive steps blocked for the same reason as one row: 200 setup steps after a
    refused credential say one thing, once."""
    folded: list[Row] = []
    for row in built:
        previous = folded[-1] if folded else None
        alike = previous is not None and previous.state == row.state == "blocked"
        if previous is not None and alike and previous.result == row.result:
            folded[-1] = replace(previous, last=row.step, last_line=row.line)
        else:
            folded.append(row)
    return folded


def timeline_lines(item: Item) -> list[str]:
    """The timeline as text: one line per step, for pytest, JUnit and the console."""
    lines = []
    for row in rows(item):
        sent = f": {'; '.join(row.requests)}" if row.requests else ""
        did = f" {row.action}" if row.action and row.last < 0 else ""
        many = "s" if row.last > row.step else ""
        lines.append(f"step{many} {row.steps} (line{many} {row.lines}){did}{sent}: {row.result}")
    return lines


def join_lines(parts: Sequence[Markup]) -> Markup:
    return Markup("<br>".join(parts))


def timeline(item: Item) -> Markup:
    """The timeline as a table for the failure card."""
    built = rows(item)
    if not built:
        return Markup()
    body = [
        [
            row.steps,
            row.lines if row.line else "",
            tag("code", row.action if row.last < 0 else f"{row.action} …"),
            join_lines([tag("code", request) for request in row.requests]),
            tag("td", row.result, class_=f"step-{row.state}"),
        ]
        for row in built
    ]
    headers = ("Step", "Line", "Did", "Sent", "Result")
    return tag("div", tag("h4", "Steps"), table(headers, body, class_="timeline"), class_="scroll")
