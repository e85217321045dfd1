"""Outcomes and exit codes, computed once (DESIGN.md, "Checks and verdicts")."""

from __future__ import annotations

from collections.abc import Iterable

from .checks.registry import Level
from .events import CheckEvaluated, Outcome

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


def item_outcome(results: Iterable[CheckEvaluated]) -> tuple[Outcome, list[str], list[str]]:
    """FAIL if a MUST check broke, WARN if a SHOULD check broke; a broken MAY is only a note."""
    failed: list[str] = []
    warned: list[str] = []
    for result in results:
        if result.passed:
            continue
        if result.level == Level.MUST and result.check not in failed:
            failed.append(result.check)
        elif result.level == Level.SHOULD and result.check not in warned:
            warned.append(result.check)
    if failed:
        return Outcome.FAIL, failed, warned
    return (Outcome.WARN if warned else Outcome.PASS), failed, warned


def exit_code(outcomes: Iterable[Outcome], *, fail_on_warn: bool = False) -> int:
    """3 if anything errored, else 1 if anything failed (or warned, with --fail-on warn), else 0."""
    seen = set(outcomes)
    if Outcome.ERROR in seen:
        return EXIT_ERROR
    if Outcome.FAIL in seen or (fail_on_warn and Outcome.WARN in seen):
        return EXIT_FAIL
    return EXIT_OK
