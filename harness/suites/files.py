"""The vendor-shaped result files, registered by the name a suite file gives in `result_file`.

Microsoft's is `validation-result-<RunId>.json` in the shape its `ValidateLogicAppRun-Standard.ps1`
writes; the fields only a Logic App has are filled honestly (no subscription, no resource group)
and each test's `message` says what scimcert emulated. Okta publishes no result file, so Okta's is
scimcert's own shape under Runscope's test and step names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from registry import Registry

from .model import Suite
from .results import Judged, TestResult
from .rules import Overall

Record = Mapping[str, Any]
KNOWN_ISSUES = (
    "https://learn.microsoft.com/en-us/azure/active-directory/app-provisioning/known-issues"
)
# ValidateLogicAppRun-Standard.ps1 masks parameters whose names match these.
_MASKED = re.compile("token|secret|credential|password|key", re.IGNORECASE)


@dataclass(frozen=True)
class SuiteRun:
    """What a result file says about the run beside the tests: all of it already recorded."""

    suite: Suite
    tests: Sequence[Judged]
    overall: Overall
    run_id: str
    target: str
    started_at: str
    finished_at: str
    items: Sequence[Record] = ()  # the ItemFinished records
    not_run: Sequence[str] = ()
    interruption: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)  # the recorded, secret-free flags

    @property
    def finished_cleanly(self) -> bool:
        """Every planned item ran to its end and none errored: Microsoft's run "Succeeded"."""
        errored = any(item.get("outcome") == "ERROR" for item in self.items)
        return not (self.not_run or self.interruption or errored)


Writer = Callable[[SuiteRun], tuple[str, dict[str, Any]]]
WRITERS: Registry[Writer] = Registry("result file")


def _microsoft_result(judged: Judged) -> str:
    """Microsoft's strings: `success`, `SKIPPED - why`, `FAILED - Action: <step> - <why>`, and for
    an optional test the same with WARNING."""
    if judged.result is TestResult.PASSED:
        return "success"
    if judged.result is TestResult.SKIPPED:
        return f"SKIPPED - {judged.detail}"
    return f"{judged.result.value} - Action: {judged.action} - {judged.detail}"


def _message(judged: Judged) -> str:
    test = judged.test
    cloud = f" Only Microsoft's cloud: {test.cloud_only}." if test.cloud_only else ""
    return f"scimcert emulation: {test.emulated}.{cloud}"


def _microsoft_test(judged: Judged) -> dict[str, Any]:
    failed = judged.failed
    return {
        "testName": judged.test.name,
        "testCategory": judged.test.category,
        "testResult": _microsoft_result(judged),
        "provisioningErrorDetails": judged.detail if failed else "",
        "recommendationUrl": KNOWN_ISSUES if failed else "",
        # The portal's run link has no equivalent: the run's own summary page.
        "runLink": "" if judged.result is TestResult.SKIPPED else "index.html",
        "message": _message(judged),
    }


def _duration(start: str, end: str) -> str:
    try:
        seconds = int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return ""
    return f"{seconds // 3600}h {seconds % 3600 // 60}m {seconds % 60}s"


def _test_summary(results: Sequence[dict[str, Any]]) -> dict[str, int]:
    """As Microsoft's script counts: `success*`, exactly `SKIPPED`, and everything else failed
    (so `SKIPPED - why` and `WARNING ...` count as failed there too)."""
    words = [str(result["testResult"]) for result in results]
    success = sum(word.startswith("success") for word in words)
    skipped = sum(word == "SKIPPED" for word in words)
    return {
        "total": len(words),
        "success": success,
        "skipped": skipped,
        "failed": len(words) - success - skipped,
    }


def _action_summary(items: Sequence[Record], not_run: Sequence[str]) -> dict[str, int]:
    counts = Counter(str(item.get("outcome")) for item in items)
    return {
        "total": len(items) + len(not_run),
        "succeeded": counts["PASS"] + counts["WARN"],
        "failed": counts["FAIL"] + counts["ERROR"],
        "skipped": counts["SKIP"],
        "other": len(not_run),
    }


def _failed_action(run: SuiteRun, item: Record) -> dict[str, Any]:
    checks = item.get("failed_checks") or [""]
    return {
        "name": item["item"],
        "workflow": item["scenario"],
        "runId": run.run_id,
        "status": "Failed",
        "errorCode": checks[0] or item.get("outcome"),
        "errorMessage": item.get("reason", ""),
        "startTime": None,
        "endTime": None,
    }


def _masked(options: Mapping[str, Any]) -> dict[str, Any]:
    return {name: "***" if _MASKED.search(name) else value for name, value in options.items()}


@WRITERS.register("microsoft-validation-result")
def microsoft_validation_result(run: SuiteRun) -> tuple[str, dict[str, Any]]:
    tests = [_microsoft_test(judged) for judged in run.tests]
    summary = _test_summary(tests)
    checks = {
        "noFailedActions": run.finished_cleanly,
        "noFailedTests": summary["failed"] == 0,
        # The "template" here is the suite file, loaded under suites/suite.schema.json.
        "templateStructureValid": True,
        "requiredStagesExecuted": not run.not_run,
        "allTemplateActionsExecuted": not run.not_run,
    }
    status = "Succeeded" if run.finished_cleanly else "Failed"
    document = {
        "validationResult": "PASSED"
        if all(checks.values()) and status == "Succeeded"
        else "FAILED",
        "runStatus": status,
        "overallResultFromTests": run.overall.result,
        "validationChecks": checks,
        "timestamp": run.finished_at,
        "runId": run.run_id,
        "logicAppName": "scimcert",
        "resourceGroup": None,
        "subscriptionId": None,
        "startTime": run.started_at,
        "endTime": run.finished_at,
        "duration": _duration(run.started_at, run.finished_at),
        "parameters": {"suite": run.suite.id, "target": run.target, **_masked(run.options)},
        "actionSummary": _action_summary(run.items, run.not_run),
        "testSummary": summary,
        "testResults": tests,
        "failedActions": [
            _failed_action(run, item) for item in run.items if item["outcome"] in ("FAIL", "ERROR")
        ],
        "templateValidation": {"valid": True, "requiredStages": [], "errors": []},
        "actionComparison": {
            "valid": not run.not_run,
            "missingFromRunCount": len(run.not_run),
            "missingActions": list(run.not_run),
        },
        "childWorkflowRuns": {},
        "childWorkflowRunLinks": {},
        # scimcert's items stand for the Logic App's actions; every exchange is in results.jsonl.
        "allActionsDetailed": {
            str(item["item"]): {"_details": {"status": item["outcome"], "error": item["reason"]}}
            for item in run.items
        },
    }
    return f"validation-result-{run.run_id}.json", document


_RUNSCOPE = {
    TestResult.PASSED: "pass",
    TestResult.FAILED: "fail",
    TestResult.WARNING: "fail",  # Runscope fails the step whatever its name says
    TestResult.SKIPPED: "skipped",
}


def _okta_step(judged: Judged) -> dict[str, Any]:
    test = judged.test
    return {
        "note": test.name,
        "category": test.category,
        "result": _RUNSCOPE[judged.result],
        "detail": judged.detail,
        "action": judged.action,
        "emulated": test.emulated,
        "cloud_only": test.cloud_only,
    }


@WRITERS.register("okta-runscope-result")
def okta_runscope_result(run: SuiteRun) -> tuple[str, dict[str, Any]]:
    parts: dict[str, list[Judged]] = {}
    for judged in run.tests:
        parts.setdefault(judged.test.part or run.suite.title, []).append(judged)
    document = {
        "format": "scimcert's own: Okta publishes no result file; Runscope's test and step names",
        "suite": run.suite.id,
        "result": "pass" if run.overall.passed else "fail",
        "reasons": list(run.overall.reasons),
        "run_id": run.run_id,
        "target": run.target,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "tests": [
            {
                "name": name,
                "result": "fail" if any(j.failed for j in steps) else "pass",
                "requests": [_okta_step(judged) for judged in steps],
            }
            for name, steps in parts.items()
        ],
    }
    return f"okta-oin-result-{run.run_id}.json", document
