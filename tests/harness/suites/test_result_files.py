"""The vendor-shaped result files, from synthetic results: Microsoft's strings and counting, the
Logic App's own fields filled honestly, nothing secret-looking in the parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.suites.files import SuiteRun, microsoft_validation_result, okta_runscope_result
from harness.suites.model import Suite, SuiteTest
from harness.suites.results import Judged, TestResult
from harness.suites.rules import microsoft_gallery, runscope_every_step

P, F, W, S = TestResult.PASSED, TestResult.FAILED, TestResult.WARNING, TestResult.SKIPPED


def vendor_test(name: str, optional: bool = False, part: str = "") -> SuiteTest:
    category = "optional" if optional else "mandatory"
    return SuiteTest(
        name=name, category=category, emulated="sent as-is", optional=optional, part=part
    )


JUDGED = [
    Judged(vendor_test("Create_User_Test"), P, items=("a[entra]",)),
    Judged(
        vendor_test("SCIM_User_Create_Test"), F, "HTTP 409", "b[entra] step 2 (c)", ("b[entra]",)
    ),
    Judged(vendor_test("Delete_User_Test", optional=True), W, "still there", "d[entra] step 3 (e)"),
    Judged(vendor_test("POD_User_Test"), S, "cloud only: Graph"),
]
SUITE = Suite(
    id="entra-gallery",
    title="t",
    vendor="Microsoft",
    sources=(),
    profiles=("entra",),
    rule="microsoft-gallery",
    result_file="microsoft-validation-result",
    tests=(),
    source=Path("entra-gallery.yaml"),
)
ITEMS: list[dict[str, Any]] = [
    {"item": "a[entra]", "scenario": "a", "outcome": "PASS", "reason": ""},
    {
        "item": "b[entra]",
        "scenario": "b",
        "outcome": "FAIL",
        "reason": "409",
        "failed_checks": ["c"],
    },
]


def run(tests: list[Judged], **more: Any) -> SuiteRun:
    return SuiteRun(
        suite=SUITE,
        tests=tests,
        overall=microsoft_gallery(tests),
        run_id="r1",
        target="http://t",
        started_at="2026-12-06T03:00:00+00:00",
        finished_at="2026-12-06T03:01:05+00:00",
        items=ITEMS,
        options={"--url": "http://t", "--token-url": "http://t/token"},
        **more,
    )


def test_microsofts_file_says_what_its_script_would() -> None:
    name, document = microsoft_validation_result(run(JUDGED))
    assert name == "validation-result-r1.json"
    results = [t["testResult"] for t in document["testResults"]]
    assert results == [
        "success",
        "FAILED - Action: b[entra] step 2 (c) - HTTP 409",
        "WARNING - Action: d[entra] step 3 (e) - still there",
        "SKIPPED - cloud only: Graph",
    ]
    # Microsoft's script counts `SKIPPED - ...` and `WARNING ...` as failed.
    assert document["testSummary"] == {"total": 4, "success": 1, "skipped": 0, "failed": 3}
    assert document["overallResultFromTests"] == "Failed"
    assert (document["validationResult"], document["runStatus"]) == ("FAILED", "Succeeded")
    assert document["duration"] == "0h 1m 5s"
    assert (document["logicAppName"], document["subscriptionId"]) == ("scimcert", None)
    assert document["parameters"]["--token-url"] == "***"  # as the script masks such names
    failed = document["testResults"][1]
    assert failed["provisioningErrorDetails"] == "HTTP 409" and failed["recommendationUrl"]
    assert [a["name"] for a in document["failedActions"]] == ["b[entra]"]


def test_an_interrupted_run_is_a_failed_logic_app_run() -> None:
    _, document = microsoft_validation_result(run(JUDGED[:1], not_run=("x[entra]",)))
    assert document["runStatus"] == "Failed"
    assert document["actionComparison"]["missingActions"] == ["x[entra]"]


def test_oktas_file_groups_steps_by_runscope_test() -> None:
    steps = [
        Judged(vendor_test("one", part="SPEC"), P),
        Judged(vendor_test("two", part="SPEC"), W, "slow"),
        Judged(vendor_test("three", part="CRUD"), S, "cloud only: org API"),
    ]
    okta = SuiteRun(
        suite=SUITE,
        tests=steps,
        overall=runscope_every_step(steps),
        run_id="r2",
        target="t",
        started_at="",
        finished_at="",
    )
    name, document = okta_runscope_result(okta)
    assert name == "okta-oin-result-r2.json" and document["result"] == "fail"
    assert [(t["name"], t["result"]) for t in document["tests"]] == [
        ("SPEC", "fail"),
        ("CRUD", "pass"),
    ]
    assert [r["result"] for r in document["tests"][0]["requests"]] == ["pass", "fail"]
    assert document["tests"][1]["requests"][0]["result"] == "skipped"
