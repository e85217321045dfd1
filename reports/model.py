"""A read-only view of one run's records, shared by every reporter.

Reporters read the records the harness wrote (`results.jsonl`); they never decide an outcome.
This module only groups what is already there: each item with its checks and exchanges, the
baseline's verdict on it, the run's header and end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from verdict.outcomes import LEVELS as LEVEL_NAMES
from verdict.outcomes import WORST_FIRST, Outcome
from verdict.status import Assessment, Finished, Scope, assess

from .aliases import resolve_records
from .rerun import item_command

Record = Mapping[str, Any]
# Worst first: the order items are listed in. An item that never finished has no outcome: it
# is shown as NOT RUN, and the run's status says INCOMPLETE.
NOT_RUN = "NOT RUN"
WAIVED = "WAIVED"  # a FAIL the baseline lists: shown, not counted by the gate
ORDER = (*(str(outcome) for outcome in WORST_FIRST), NOT_RUN)
LEVELS = tuple(str(level) for level in LEVEL_NAMES)
INTERRUPTED = "the item did not finish (the run was interrupted)"
NOT_STARTED = "the item never started (the run ended first)"
KILLED = "the results file has no closing record: the run was killed, or is still running"


@dataclass(frozen=True)
class Item:
    """One scenario x profile: what it was, how it ended, and everything it recorded."""

    item: str
    scenario: str
    profile: str
    title: str
    source: str
    outcome: str
    reason: str
    duration_ms: float
    expected: bool
    checks: tuple[Record, ...]
    exchanges: tuple[Record, ...]
    # Expectations the target could not show (`requires` it lacks): "check (line N): why".
    not_verified: tuple[str, ...] = ()
    rerun: str = ""  # the command that reruns this item alone, with the same data
    # StepFinished records (blocked steps, checks not evaluated); none in older files.
    steps: tuple[Record, ...] = ()

    def broken(self, *levels: str) -> list[Record]:
        wanted = levels or LEVELS
        return [c for c in self.checks if not c["passed"] and c["level"] in wanted]

    def exchange(self, sequence: int) -> Record | None:
        return next((e for e in self.exchanges if e["sequence"] == sequence), None)

    @property
    def finished(self) -> bool:
        return self.outcome != NOT_RUN

    @property
    def shown_outcome(self) -> str:
        """The outcome with the baseline's word on it: a waived FAIL is shown apart."""
        return WAIVED if self.expected else self.outcome


@dataclass(frozen=True)
class RunView:
    header: Record
    end: Record | None
    items: tuple[Item, ...]
    assessment: Assessment
    catalogue: Mapping[str, Record] = field(default_factory=dict)
    baseline: tuple[Record, ...] = ()
    suite: Record | None = None  # `SuiteJudged`: a `--suite` run's vendor result

    @property
    def profiles(self) -> list[str]:
        """The header's order (the order they were selected), then any profile only items name."""
        listed = [str(p) for p in self.header.get("profiles", ())]
        seen = {item.profile for item in self.items}
        return [p for p in listed if p in seen] + sorted(seen - set(listed))

    @property
    def scenarios(self) -> list[str]:
        return sorted({item.scenario for item in self.items})

    def titles(self) -> dict[str, str]:
        """Each scenario's title, from any item that recorded one (a NOT RUN item has none)."""
        return {item.scenario: item.title for item in self.items if item.title}

    def of_profile(self, profile: str) -> list[Item]:
        return [item for item in self.items if item.profile == profile]


def rank(outcome: str) -> int:
    """Worst first, as the run's vocabulary orders outcomes; NOT RUN after them all."""
    return ORDER.index(outcome) if outcome in ORDER else len(ORDER)


def _of(records: Iterable[Record], kind: str) -> list[Record]:
    return [record for record in records if record.get("event") == kind]


def _by_item(records: Iterable[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(str(record["item"]), []).append(record)
    return grouped


def _item(started: Record, finished: Record | None, parts: dict[str, list[Record]]) -> Item:
    name = str(started["item"])
    end = finished or {}
    return Item(
        item=name,
        scenario=str(started["scenario"]),
        profile=str(started["profile"]),
        title=str(started.get("title", "")),
        source=str(started.get("source", "")),
        outcome=str(end.get("outcome", NOT_RUN)),
        reason=str(end.get("reason", "")) if finished else INTERRUPTED,
        duration_ms=float(end.get("duration_ms", 0.0)),
        expected=False,
        checks=tuple(parts.get(f"c:{name}", ())),
        exchanges=tuple(parts.get(f"x:{name}", ())),
        not_verified=tuple(str(note) for note in end.get("not_verified", ())),
        steps=tuple(parts.get(f"s:{name}", ())),
    )


def _never_started(name: str, profile: str) -> Item:
    scenario = name.removesuffix(f"[{profile}]")
    return Item(
        item=name,
        scenario=scenario,
        profile=profile,
        title="",
        source="",
        outcome=NOT_RUN,
        reason=NOT_STARTED,
        duration_ms=0.0,
        expected=False,
        checks=(),
        exchanges=(),
    )


def _items(
    records: Sequence[Record], expected: set[str], planned: Mapping[str, str]
) -> tuple[Item, ...]:
    finished = {str(r["item"]): r for r in _of(records, "ItemFinished")}
    parts = {f"c:{k}": v for k, v in _by_item(_of(records, "CheckEvaluated")).items()}
    parts |= {f"x:{k}": v for k, v in _by_item(_of(records, "ExchangeRecorded")).items()}
    parts |= {f"s:{k}": v for k, v in _by_item(_of(records, "StepFinished")).items()}
    built = []
    for started in _of(records, "ItemStarted"):
        item = _item(started, finished.get(str(started["item"])), parts)
        if item.item in expected and item.outcome == "FAIL":
            item = replace(item, expected=True)
        built.append(item)
    seen = {item.item for item in built}
    built += [
        _never_started(name, profile) for name, profile in planned.items() if name not in seen
    ]
    return tuple(built)


def _with_reruns(items: tuple[Item, ...], header: Record) -> tuple[Item, ...]:
    options = (header.get("invocation") or {}).get("options")
    if not options:
        return items  # a results file from before runs recorded their options
    return tuple(
        replace(item, rerun=item_command(options, item.scenario, item.profile)) for item in items
    )


def _assessment(header: Record, end: Record | None, items: Sequence[Item]) -> Assessment:
    """The verdict the run recorded; for a file without one (killed, or written before runs
    recorded it), the same shared rule applied to what the file holds."""
    if end is not None and end.get("assessment"):
        return Assessment.from_dict(end["assessment"])
    planned = dict(header.get("planned") or {item.item: item.profile for item in items})
    finished = [
        Finished(item.item, item.profile, Outcome(item.outcome), item.expected)
        for item in items
        if item.finished
    ]
    scope = Scope(planned=planned, filters=tuple(header.get("filters", ())))
    invocation = header.get("invocation") or {}
    return assess(
        finished,
        scope,
        interruption="" if end is not None else KILLED,
        fail_on_warn=(invocation.get("options") or {}).get("--fail-on") == "warn",
    )


def build(records: Sequence[Record], aliases: Mapping[str, str] | None = None) -> RunView:
    """Group the records of one run; old check ids are read as their current ones."""
    records = resolve_records(records, aliases or {})
    header = next(iter(_of(records, "RunStarted")), {})
    end = next(iter(_of(records, "RunFinished")), None)
    catalogue = {str(c["id"]): c for r in _of(records, "ChecksRegistered") for c in r["checks"]}
    applied = next(iter(_of(records, "BaselineApplied")), {})
    expected = {str(name) for name in applied.get("expected", ())}
    items = _with_reruns(_items(records, expected, header.get("planned") or {}), header)
    return RunView(
        header=header,
        end=end,
        items=items,
        assessment=_assessment(header, end, items),
        catalogue=catalogue,
        baseline=tuple(applied.get("rules", ())),
        suite=next(iter(_of(records, "SuiteJudged")), None),
    )
