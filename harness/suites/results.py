"""Each vendor test's result, from the records of the items that stand for it.

A test is judged by the checks its suite names (or, naming none, by its items' outcomes): a broken
MUST or SHOULD check is a failed vendor test (the vendor's runner fails the step on any assertion),
a MAY check only a note. A test is never PASSED on what did not run: one no scenario stands for is
SKIPPED with the suite's reason, one whose items did not finish or were skipped is SKIPPED with
that reason, and a check the item never reached (an earlier step broke) is a failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .model import Suite, SuiteTest

Record = Mapping[str, Any]
BROKEN_LEVELS = ("MUST", "SHOULD")


class TestResult(StrEnum):
    __test__ = False  # not a pytest test class, whatever its name

    PASSED = "PASSED"
    FAILED = "FAILED"
    WARNING = "WARNING"  # an optional test that failed
    SKIPPED = "SKIPPED"


@dataclass(frozen=True, slots=True)
class Judged:
    """One vendor test's result: `action` is where it broke, `detail` why (or why SKIPPED)."""

    test: SuiteTest
    result: TestResult
    detail: str = ""
    action: str = ""
    items: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.result in (TestResult.FAILED, TestResult.WARNING)

    def to_dict(self) -> dict[str, Any]:
        test = self.test
        return {
            "name": test.name,
            "part": test.part,
            "category": test.category,
            "optional": test.optional,
            "role": test.role,
            "result": self.result.value,
            "detail": self.detail,
            "action": self.action,
            "items": list(self.items),
            "emulated": test.emulated,
            "cloud_only": test.cloud_only,
        }


@dataclass(frozen=True, slots=True)
class _Failure:
    action: str
    detail: str


@dataclass(frozen=True, slots=True)
class _Skip:
    detail: str


_Found = _Failure | _Skip | None


def _finding(check: Record) -> str:
    findings = check.get("findings") or ()
    first = findings[0] if findings else {}
    message = first.get("message") if isinstance(first, Mapping) else None
    return str(message or check.get("title") or check["check"])


def _by_checks(item: str, checks: Sequence[Record], wanted: tuple[str, ...], end: Record) -> _Found:
    """The first broken MUST or SHOULD check of `wanted`, or one `wanted` never evaluated."""
    mine = [c for c in checks if c["check"] in wanted]
    for check in mine:
        if not check["passed"] and check["level"] in BROKEN_LEVELS:
            action = f"{item} step {int(check['step']) + 1} ({check['check']})"
            return _Failure(action, _finding(check))
    reached = {c["check"] for c in mine}
    missing = [name for name in wanted if name not in reached]
    if missing:
        why = str(end.get("reason") or "the step was not reached")
        return _Failure(f"{item} ({missing[0]})", f"not evaluated: {why}")
    return None


def _item(test: SuiteTest, item: str, end: Record | None, checks: Sequence[Record]) -> _Found:
    if end is None:
        return _Skip(f"not run: the run ended before {item} finished")
    outcome = str(end["outcome"])
    reason = str(end.get("reason", ""))
    if outcome == "ERROR":
        return _Failure(item, f"the harness could not judge it: {reason}")
    if outcome == "SKIP":
        return _Skip(f"{item}: {reason}")
    if test.checks:
        return _by_checks(item, checks, test.checks, end)
    if outcome in ("FAIL", "WARN"):
        return _Failure(item, reason or f"{item} ended {outcome}")
    return None


def _judge(
    test: SuiteTest,
    items: Sequence[str],
    ends: Mapping[str, Record],
    checks: Mapping[str, Sequence[Record]],
) -> Judged:
    if not test.scenarios:
        return Judged(test, TestResult.SKIPPED, test.skipped or f"cloud only: {test.cloud_only}")
    found = [_item(test, item, ends.get(item), checks.get(item, ())) for item in items]
    failure = next((f for f in found if isinstance(f, _Failure)), None)
    if failure is not None:
        result = TestResult.WARNING if test.optional else TestResult.FAILED
        return Judged(test, result, failure.detail, failure.action, tuple(items))
    skip = next((f for f in found if isinstance(f, _Skip)), None)
    if skip is not None:
        return Judged(test, TestResult.SKIPPED, skip.detail, items=tuple(items))
    if not items:
        return Judged(test, TestResult.SKIPPED, "no item of its scenarios was planned")
    return Judged(test, TestResult.PASSED, items=tuple(items))


def planned_items(suite: Suite, test: SuiteTest, planned: Iterable[str]) -> list[str]:
    """The run's items that stand for `test`: its scenarios under the suite's profiles."""
    wanted = {f"{s}[{p}]" for s in test.scenarios for p in suite.profiles}
    return [item for item in planned if item in wanted]


def judge(suite: Suite, records: Sequence[Record], planned: Iterable[str]) -> list[Judged]:
    """Every test of the suite, in the suite's order, from the run's records."""
    ends = {str(r["item"]): r for r in records if r.get("event") == "ItemFinished"}
    checks: dict[str, list[Record]] = {}
    for record in records:
        if record.get("event") == "CheckEvaluated":
            checks.setdefault(str(record["item"]), []).append(record)
    order = list(planned)
    return [_judge(t, planned_items(suite, t, order), ends, checks) for t in suite.tests]
