"""With `--suite` the exit code answers the vendor's overall result, after the usual ERROR and
no-verdict rules: 3 for an ERROR, 4 for an interrupted run, then 1 for Failed, else 0."""

from __future__ import annotations

import pytest

from verdict.outcomes import Outcome
from verdict.status import SUITE, ExitCode, Finished, Scope, assess

PLANNED = {"a[p]": "p", "b[p]": "p"}
GATE = SUITE + "entra-gallery"


@pytest.mark.parametrize(
    ("outcomes", "suite", "interruption", "code"),
    [
        ((Outcome.PASS, Outcome.PASS), Outcome.PASS, "", ExitCode.OK),
        ((Outcome.PASS, Outcome.PASS), Outcome.FAIL, "", ExitCode.FAIL),
        # An item's failure the vendor's rule forgives (an optional test) does not fail the gate.
        ((Outcome.PASS, Outcome.FAIL), Outcome.PASS, "", ExitCode.OK),
        ((Outcome.PASS, Outcome.ERROR), Outcome.FAIL, "", ExitCode.ERROR),
        ((Outcome.PASS,), Outcome.FAIL, "interrupted by Ctrl-C", ExitCode.NO_VERDICT),
    ],
)
def test_the_suite_decides_after_error_and_no_verdict(
    outcomes: tuple[Outcome, ...], suite: Outcome, interruption: str, code: ExitCode
) -> None:
    finished = [Finished(item, "p", o) for item, o in zip(PLANNED, outcomes, strict=False)]
    scope = Scope(planned=PLANNED, filters=("--suite entra-gallery",))
    judged = assess(finished, scope, interruption=interruption, gate=GATE, gated=suite)
    assert (judged.exit_code, judged.gate) == (code, GATE)


def test_an_optional_warning_fails_only_with_fail_on_warn() -> None:
    finished = [Finished(item, "p", Outcome.PASS) for item in PLANNED]
    scope = Scope(planned=PLANNED, filters=("--suite entra-gallery",))
    plain = assess(finished, scope, gate=GATE, gated=Outcome.WARN)
    strict = assess(finished, scope, gate=GATE, gated=Outcome.WARN, fail_on_warn=True)
    assert (plain.exit_code, strict.exit_code) == (ExitCode.OK, ExitCode.FAIL)
