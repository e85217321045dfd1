"""The run's verdict and status in words, the same in every output that states them."""

from __future__ import annotations

from verdict.outcomes import Outcome
from verdict.questions import ASKED
from verdict.status import (
    EXIT_MEANING,
    SUITE,
    SUITE_FAILED,
    Assessment,
    ExitCode,
    RunVerdict,
    Status,
)

from .model import RunView


def what_ran(view: RunView) -> str:
    """`158 of 158 planned items, 8 profiles`: how much of the plan the run covered."""
    run = view.assessment.run
    profiles = len(view.assessment.profiles) or len(view.profiles)
    return f"{run.items} of {run.planned} planned items, {profiles} profile(s)"


def headline(view: RunView) -> str:
    """One line a CI log or a reviewer reads first: verdict, status and what the run was."""
    run = view.assessment.run
    if run.status is Status.COMPLETE:
        return f"{run.verdict.value}: certification, {what_ran(view)}"
    return f"{run.headline()} ({what_ran(view)})"


def further_reasons(verdict: RunVerdict) -> list[str]:
    """Every qualification after the first one the headline gives."""
    return list(verdict.reasons[1:])


def question_lines(assessment: Assessment) -> list[str]:
    """Each question the checks answered, with its verdict; the gated one marked."""
    lines = []
    for question, verdict in assessment.questions.items():
        gated = "  (the exit code answers this)" if question == assessment.gate else ""
        lines.append(f"{verdict.value:<5} {ASKED[question]}{gated}")
    return lines


def exit_line(assessment: Assessment) -> str:
    code = assessment.exit_code
    if code is ExitCode.FAIL and assessment.gate.startswith(SUITE):
        return f"exit code {int(code)}: {SUITE_FAILED}"
    return f"exit code {int(code)}: {EXIT_MEANING[code]}"


def qualified(verdict: RunVerdict) -> bool:
    """A verdict a reader must not take for a clean pass: the status qualifies it."""
    return verdict.status is not Status.COMPLETE or verdict.verdict is Outcome.SKIP
