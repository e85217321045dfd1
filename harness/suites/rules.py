"""The vendors' overall rules, registered by the name a suite file gives in `rule`.

Each takes every test's result and says the vendor's overall word and why. Only the vendor's rule
decides: a suite's overall result is not scimcert's RFC verdict, and no rule reads anything but
the tests' results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from registry import Registry

from .results import Judged, TestResult


@dataclass(frozen=True, slots=True)
class Overall:
    """The vendor's overall result: its own word, whether it is the passing one, and why not."""

    result: str
    passed: bool
    reasons: tuple[str, ...] = ()


Rule = Callable[[Sequence[Judged]], Overall]
RULES: Registry[Rule] = Registry("suite rule")


@RULES.register("microsoft-gallery")
def microsoft_gallery(tests: Sequence[Judged]) -> Overall:
    """Evaluate_Test_Results in Microsoft's Orchestrator workflow: Failed if any mandatory test
    FAILED, or if neither authentication test PASSED (one of the two must); an optional test's
    failure is a WARNING and blocks nothing. Otherwise Succeeded."""
    reasons = [
        f"mandatory test {judged.test.name} FAILED"
        for judged in tests
        if judged.result is TestResult.FAILED and judged.test.role != "auth"
    ]
    auth = [judged for judged in tests if judged.test.role == "auth"]
    if auth and not any(judged.result is TestResult.PASSED for judged in auth):
        names = " nor ".join(judged.test.name for judged in auth)
        reasons.append(f"neither {names} PASSED (one authentication test must pass)")
    if reasons:
        return Overall("Failed", False, tuple(reasons))
    return Overall("Succeeded", True)


@RULES.register("runscope-every-step")
def runscope_every_step(tests: Sequence[Judged]) -> Overall:
    """A Runscope test run passes only if every assertion of every request step that ran passes
    (inferred from the format of Okta's exported suites: "Required"/"Optional" is only in the
    step's name). A step no local stand-in ran is listed SKIPPED and decides nothing."""
    reasons = [
        f"step {judged.test.label!r} {judged.result.value}" for judged in tests if judged.failed
    ]
    if reasons:
        return Overall("Failed", False, tuple(reasons))
    return Overall("Passed", True)
