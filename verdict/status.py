"""The run status beside the verdict, and the exit code both decide.

Only a finished run of every selected profile's full scenario set is a certification. Otherwise
the status says what the run was: INCOMPLETE (interrupted, killed, out of its time budget, items
not run), PARTIAL (a subset was selected: not a certification), WAIVED (a baseline hid MUST
failures). Several can hold at once; the status is the most severe, the reasons list them all.
`assess` is the one place this is decided: the harness calls it when the run ends, and a report
rebuilt from a results file whose closing record is missing calls it with what the file holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from .outcomes import Outcome, combine
from .questions import Graded, answers

ALL = "all"  # the gate reads every check
SUITE = "suite:"  # the gate reads a vendor suite's overall result: `suite:entra-gallery`


class Status(StrEnum):
    COMPLETE = "COMPLETE"
    WAIVED = "WAIVED"
    PARTIAL = "PARTIAL"
    INCOMPLETE = "INCOMPLETE"


MOST_SEVERE_FIRST = (Status.INCOMPLETE, Status.PARTIAL, Status.WAIVED, Status.COMPLETE)
STATUS_MEANING = {
    Status.COMPLETE: "every selected profile ran its full scenario set to the end: a certification",
    Status.WAIVED: "a baseline hid MUST failures; they are listed, and the run is not a clean pass",
    Status.PARTIAL: "a subset of the scenarios was selected: not a certification",
    Status.INCOMPLETE: "the run did not finish (interrupted, killed, out of time, items not run)",
}


class ExitCode(IntEnum):
    OK = 0
    FAIL = 1
    USAGE = 2
    ERROR = 3
    NO_VERDICT = 4


# With `--suite` the gate reads the vendor's overall result instead of the checks.
SUITE_FAILED = "the suite's overall result is Failed by its vendor's rule (with --fail-on warn, "
"an optional test's WARNING too)"
EXIT_MEANING = {
    ExitCode.OK: "nothing failed (the status says whether the run is a certification)",
    ExitCode.FAIL: "a MUST check failed (with --fail-on warn, a SHOULD check too)",
    ExitCode.USAGE: "usage or configuration error, found before anything was sent",
    ExitCode.ERROR: "the target could not be reached or was refused at preflight, or the harness "
    "broke (ERROR)",
    ExitCode.NO_VERDICT: "no verdict: the run is INCOMPLETE (interrupted, killed, out of its time "
    "budget), verified nothing (every item SKIPped), or was INCONCLUSIVE (a load whose generator "
    "was the bottleneck)",
}


@dataclass(frozen=True, slots=True)
class Finished:
    """What the status needs of one item that ran to its end."""

    item: str
    profile: str
    outcome: Outcome
    waived: bool = False  # a FAIL every broken MUST check of which the baseline lists


@dataclass(frozen=True, slots=True)
class RunVerdict:
    """A verdict with its status: of the whole run, or of one profile (`profile` set)."""

    verdict: Outcome
    status: Status
    reasons: tuple[str, ...] = ()
    profile: str = ""
    items: int = 0
    planned: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "verdict": self.verdict.value,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "items": self.items,
            "planned": self.planned,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunVerdict:
        return cls(
            verdict=Outcome(data["verdict"]),
            status=Status(data["status"]),
            reasons=tuple(data.get("reasons", ())),
            profile=str(data.get("profile", "")),
            items=int(data.get("items", 0)),
            planned=int(data.get("planned", 0)),
        )

    @property
    def certified(self) -> bool:
        return self.status is Status.COMPLETE

    @property
    def word(self) -> str:
        """The one word a reader takes away. A FAIL or an ERROR stands whatever the status (a
        subset that fails has found a real failure); anything else of a run that is not a
        certification is named by its status, never PASS."""
        if self.status is Status.COMPLETE or self.verdict in (Outcome.FAIL, Outcome.ERROR):
            return self.verdict.value
        return self.status.value

    def headline(self) -> str:
        """`PASS`, `INCOMPLETE (PASS so far): <why>`, `FAIL, PARTIAL: <why>`."""
        if self.status is Status.COMPLETE:
            return self.verdict.value
        if self.word == self.verdict.value:
            return f"{self.verdict.value}, {self.status.value}: {self.reasons[0]}"
        so_far = " so far" if self.status is Status.INCOMPLETE else ""
        return f"{self.status.value} ({self.verdict.value}{so_far}): {self.reasons[0]}"


@dataclass(frozen=True, slots=True)
class Assessment:
    run: RunVerdict
    exit_code: ExitCode
    profiles: tuple[RunVerdict, ...] = ()
    not_run: tuple[str, ...] = ()
    waived: tuple[str, ...] = ()
    interruption: str = ""
    # Each question the run's checks answered (verdict.questions), with its verdict.
    questions: Mapping[str, Outcome] = field(default_factory=dict)
    gate: str = ALL  # the question the exit code answers: every check, or one question

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.run.to_dict(),
            "exit_code": int(self.exit_code),
            "profiles": [p.to_dict() for p in self.profiles],
            "not_run": list(self.not_run),
            "waived": list(self.waived),
            "interruption": self.interruption,
            "questions": {q: v.value for q, v in self.questions.items()},
            "gate": self.gate,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        return cls(
            run=RunVerdict.from_dict(data),
            exit_code=ExitCode(int(data["exit_code"])),
            profiles=tuple(RunVerdict.from_dict(p) for p in data.get("profiles", ())),
            not_run=tuple(data.get("not_run", ())),
            waived=tuple(data.get("waived", ())),
            interruption=str(data.get("interruption", "")),
            questions={q: Outcome(v) for q, v in (data.get("questions") or {}).items()},
            gate=str(data.get("gate", ALL)),
        )

    def profile(self, name: str) -> RunVerdict | None:
        return next((p for p in self.profiles if p.profile == name), None)


@dataclass(frozen=True, slots=True)
class Scope:
    """What the run was asked to do: the planned items (item -> profile), in selection order,
    and the filters that made it a subset, each as the user wrote it (`--tags discovery`)."""

    planned: Mapping[str, str] = field(default_factory=dict)
    filters: tuple[str, ...] = ()


def _incomplete_reason(interruption: str, missing: int, planned: int) -> str:
    cause = interruption or "the run ended before these items ran"
    return f"{cause}; {missing} of {planned} planned items did not finish"


def _judge(
    finished: Sequence[Finished], scope: Scope, interruption: str, profile: str = ""
) -> RunVerdict:
    planned = [item for item, of in scope.planned.items() if not profile or of == profile]
    done = {one.item for one in finished}
    missing = [item for item in planned if item not in done]
    waived = [one for one in finished if one.waived]
    reasons: list[tuple[Status, str]] = []
    # An interruption makes the run incomplete, but a profile only if it lost items to it.
    if missing or (interruption and not profile):
        incomplete = _incomplete_reason(interruption, len(missing), len(planned))
        reasons.append((Status.INCOMPLETE, incomplete))
    if scope.filters:
        subset = f"a subset ({'; '.join(scope.filters)}), not a certification"
        reasons.append((Status.PARTIAL, subset))
    if waived:
        count = f"{len(waived)} item(s)" if len(waived) > 3 else ", ".join(o.item for o in waived)
        reasons.append((Status.WAIVED, f"the baseline waived the MUST failures of {count}"))
    status = min((s for s, _ in reasons), key=MOST_SEVERE_FIRST.index, default=Status.COMPLETE)
    gated = [Outcome.PASS if one.waived else one.outcome for one in finished]
    return RunVerdict(
        verdict=combine(gated),
        status=status,
        reasons=tuple(text for _, text in reasons),
        profile=profile,
        items=len(finished),
        planned=len(planned),
    )


def exit_code(
    run: RunVerdict, *, fail_on_warn: bool = False, gated: Outcome | None = None
) -> ExitCode:
    """3 if anything errored, else 4 if the run has no verdict, else 1 if a MUST (or, with
    --fail-on warn, a SHOULD) check failed, else 0. `gated` is the verdict the gate reads when
    it is set on one question (`--gate rfc`): failures of other questions are then reported,
    not gated; a question no check answered is no verdict."""
    if run.verdict is Outcome.ERROR:
        return ExitCode.ERROR
    verdict = run.verdict if gated is None else gated
    no_verdict = (Outcome.SKIP, Outcome.INCONCLUSIVE)
    if run.status is Status.INCOMPLETE or run.verdict in no_verdict or verdict in no_verdict:
        return ExitCode.NO_VERDICT
    if verdict is Outcome.FAIL or (fail_on_warn and verdict is Outcome.WARN):
        return ExitCode.FAIL
    return ExitCode.OK


def assess(
    finished: Iterable[Finished],
    scope: Scope,
    *,
    interruption: str = "",
    fail_on_warn: bool = False,
    graded: Iterable[Graded] = (),
    gate: str = ALL,
    gated: Outcome | None = None,
) -> Assessment:
    """The run's verdict and status, and each profile's, from the items that finished; each
    question's verdict from the checks graded; the exit code for the question gated on, or for
    `gated`, the outcome a `SUITE` gate reads (its vendor's overall result)."""
    done = list(finished)
    profiles = list(dict.fromkeys([*scope.planned.values(), *(one.profile for one in done)]))
    per_profile = tuple(
        _judge([one for one in done if one.profile == name], scope, interruption, name)
        for name in profiles
    )
    run = _judge(done, scope, interruption)
    finished_items = {one.item for one in done}
    questions = answers(graded)
    if gated is None and gate != ALL:
        gated = questions.get(gate, Outcome.SKIP)
    return Assessment(
        run=run,
        exit_code=exit_code(run, fail_on_warn=fail_on_warn, gated=gated),
        profiles=per_profile,
        not_run=tuple(item for item in scope.planned if item not in finished_items),
        waived=tuple(one.item for one in done if one.waived),
        interruption=interruption,
        questions=questions,
        gate=gate,
    )
