"""The event stream of a run: the one record reporters render and verdicts are read from.

Events are past-tense facts. The runner emits them; reporters never decide anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .outcomes import Outcome

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class RunStarted:
    run_id: str
    seed: int
    target: str
    profiles: tuple[str, ...]
    scenarios: tuple[str, ...]
    versions: dict[str, str]
    insecure: bool = False
    started_at: str = ""
    # item -> profile, in selection order: what a finished run must have run (run status).
    planned: dict[str, str] = field(default_factory=dict)
    # What made the run a subset, as the user wrote it (`--tags discovery`): PARTIAL.
    filters: tuple[str, ...] = ()
    # Every option and setting of the run, never a secret: enough to rerun it exactly.
    invocation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemStarted:
    item: str
    scenario: str
    profile: str
    title: str
    source: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeRecorded:
    item: str
    step: int
    sequence: int
    exchange: dict[str, Any]
    curl: str
    setup: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckEvaluated:
    item: str
    step: int
    sequence: int
    check: str
    level: str
    ref: str
    title: str
    passed: bool
    findings: tuple[dict[str, Any], ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class StepFinished:
    """A step ran, or was blocked (`blocked_by`, the 0-based step whose failure it needed).

    `not_evaluated` names the checks of the step left ungraded because its status was wrong
    (`reason` says which); they count neither as held nor as broken.
    """

    item: str
    step: int
    line: int
    action: str
    blocked_by: int = -1
    reason: str = ""
    not_evaluated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemFinished:
    item: str
    scenario: str
    profile: str
    outcome: Outcome
    reason: str = ""
    duration_ms: float = 0.0
    failed_checks: tuple[str, ...] = ()
    warned_checks: tuple[str, ...] = ()
    not_verified: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunFinished:
    counts: dict[str, int]
    exit_code: int
    finished_at: str = ""
    # `verdict.status.Assessment.to_dict()`: the verdict and status of the run and of each
    # profile, decided once; reporters render it and never re-derive it.
    assessment: dict[str, Any] = field(default_factory=dict)


Event = (
    RunStarted
    | ItemStarted
    | ExchangeRecorded
    | CheckEvaluated
    | StepFinished
    | ItemFinished
    | RunFinished
)
EVENT_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        RunStarted,
        ItemStarted,
        ExchangeRecorded,
        CheckEvaluated,
        StepFinished,
        ItemFinished,
        RunFinished,
    )
}


def to_record(event: Event) -> dict[str, Any]:
    """The event as a record. Values are the event's own, not copies (`dataclasses.asdict` deep
    copied every exchange, several times per item): records are written and read, never changed.
    """
    values = {item.name: getattr(event, item.name) for item in fields(event)}
    return {"event": type(event).__name__, "v": FORMAT_VERSION, **values}


def from_record(record: dict[str, Any]) -> Event:
    fields = {key: value for key, value in record.items() if key not in ("event", "v")}
    cls = EVENT_TYPES[record["event"]]
    for name in (
        "profiles",
        "scenarios",
        "filters",
        "tags",
        "findings",
        "failed_checks",
        "warned_checks",
        "not_verified",
        "not_evaluated",
    ):
        if name in fields and isinstance(fields[name], list):
            fields[name] = tuple(fields[name])
    if cls is ItemFinished:
        fields["outcome"] = Outcome(fields["outcome"])
    event: Event = cls(**fields)
    return event
