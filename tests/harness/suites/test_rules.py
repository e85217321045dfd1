"""The vendors' overall rules and the judging of each vendor test, on synthetic results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.suites.model import Suite, SuiteTest
from harness.suites.results import Judged, TestResult, judge
from harness.suites.rules import microsoft_gallery, runscope_every_step

P, F, W, S = TestResult.PASSED, TestResult.FAILED, TestResult.WARNING, TestResult.SKIPPED


def vendor_test(name: str, *, optional: bool = False, role: str = "", **more: Any) -> SuiteTest:
    return SuiteTest(
        name=name,
        category="optional" if optional else "mandatory",
        emulated="x",
        optional=optional,
        role=role,
        **more,
    )


def gallery(
    create: TestResult, delete: TestResult, oauth: TestResult, wif: TestResult
) -> list[Judged]:
    return [
        Judged(vendor_test("Create_User_Test"), create),
        Judged(vendor_test("Delete_User_Test", optional=True), delete),
        Judged(vendor_test("Validate_Credentials_Test", role="auth"), oauth),
        Judged(vendor_test("Federated_Identity_Test", role="auth"), wif),
    ]


AUTH = (
    "neither Validate_Credentials_Test nor Federated_Identity_Test PASSED "
    "(one authentication test must pass)"
)


@pytest.mark.parametrize(
    ("results", "word", "reasons"),
    [
        ((P, P, P, S), "Succeeded", ()),
        ((P, P, S, P), "Succeeded", ()),  # federated alone is enough
        ((P, W, P, F), "Succeeded", ()),  # an optional WARNING and a failed second auth test
        ((P, P, S, S), "Failed", (AUTH,)),  # a static bearer token cannot succeed
        ((P, P, F, S), "Failed", (AUTH,)),
        ((F, P, P, S), "Failed", ("mandatory test Create_User_Test FAILED",)),
        ((S, P, P, S), "Succeeded", ()),  # a mandatory test SKIPPED (manager not mapped) passes
        ((F, W, S, S), "Failed", ("mandatory test Create_User_Test FAILED", AUTH)),
    ],
)
def test_microsofts_rule(
    results: tuple[TestResult, ...], word: str, reasons: tuple[str, ...]
) -> None:
    overall = microsoft_gallery(gallery(*results))
    assert (overall.result, overall.reasons, overall.passed) == (word, reasons, word == "Succeeded")


def spec(*results: TestResult) -> list[Judged]:
    return [
        Judged(vendor_test(f"step {n}", optional=r is W, part="SPEC"), r)
        for n, r in enumerate(results)
    ]


@pytest.mark.parametrize(
    ("results", "word", "reasons"),
    [
        ((P, P, P), "Passed", ()),
        ((P, S, P), "Passed", ()),  # a step only Okta's org can run decides nothing
        ((P, F, P), "Failed", ("step 'SPEC: step 1' FAILED",)),
        ((W, P, P), "Failed", ("step 'SPEC: step 0' WARNING",)),  # Runscope fails any assertion
    ],
)
def test_oktas_rule(results: tuple[TestResult, ...], word: str, reasons: tuple[str, ...]) -> None:
    overall = runscope_every_step(spec(*results))
    assert (overall.result, overall.reasons, overall.passed) == (word, reasons, word == "Passed")


# --- each vendor test from the records of its items ---------------------------------------------

ITEM = "s/one[p]"


def suite(*tests: SuiteTest) -> Suite:
    return Suite(
        id="x",
        title="x",
        vendor="V",
        sources=(),
        profiles=("p",),
        rule="microsoft-gallery",
        result_file="okta-runscope-result",
        tests=tests,
        source=Path("x.yaml"),
    )


def check(name: str, passed: bool, level: str = "MUST", step: int = 0) -> dict[str, Any]:
    findings = [] if passed else [{"message": f"{name} broke"}]
    return {
        "event": "CheckEvaluated",
        "item": ITEM,
        "step": step,
        "check": name,
        "level": level,
        "passed": passed,
        "findings": findings,
        "title": name,
    }


def end(outcome: str, reason: str = "") -> dict[str, Any]:
    return {"event": "ItemFinished", "item": ITEM, "outcome": outcome, "reason": reason}


def one(
    test: SuiteTest, records: list[dict[str, Any]], planned: tuple[str, ...] = (ITEM,)
) -> Judged:
    [judged] = judge(suite(test), records, planned)
    return judged


BY_CHECK = vendor_test("T", scenarios=("s/one",), checks=("a",))


@pytest.mark.parametrize(
    ("test", "records", "result", "detail"),
    [
        (BY_CHECK, [check("a", True), check("b", False), end("FAIL")], P, ""),
        (BY_CHECK, [check("a", False, step=2), end("FAIL")], F, "a broke"),
        (BY_CHECK, [check("a", False, "SHOULD"), end("WARN")], F, "a broke"),
        (BY_CHECK, [check("a", False, "MAY"), end("PASS")], P, ""),
        (BY_CHECK, [check("b", False), end("FAIL", "b broke")], F, "not evaluated: b broke"),
        (BY_CHECK, [end("SKIP", "no app probe")], S, "s/one[p]: no app probe"),
        (BY_CHECK, [end("ERROR", "refused")], F, "the harness could not judge it: refused"),
        (BY_CHECK, [], S, "not run: the run ended before s/one[p] finished"),
        (vendor_test("T", scenarios=("s/one",)), [check("b", False), end("FAIL", "b")], F, "b"),
        (vendor_test("T", scenarios=("s/one",)), [end("PASS")], P, ""),
        (vendor_test("T", optional=True, scenarios=("s/one",)), [end("FAIL", "b")], W, "b"),
        (vendor_test("T", cloud_only="Graph only"), [], S, "cloud only: Graph only"),
        (vendor_test("T", skipped="not there yet"), [], S, "not there yet"),
    ],
)
def test_a_vendor_test_is_judged_from_its_items(
    test: SuiteTest, records: list[dict[str, Any]], result: TestResult, detail: str
) -> None:
    judged = one(test, records)
    assert (judged.result, judged.detail) == (result, detail)


def test_a_failure_names_the_item_step_and_check() -> None:
    judged = one(BY_CHECK, [check("a", False, step=2), end("FAIL")])
    assert judged.action == "s/one[p] step 3 (a)"


def test_a_scenario_not_planned_is_never_passed() -> None:
    assert one(BY_CHECK, [end("PASS")], planned=()).result is S
