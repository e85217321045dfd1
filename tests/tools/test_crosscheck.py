"""tools/crosscheck.py without installing anything: results.jsonl in, table and flags out."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.checks import load_all
from harness.checks.registry import registry

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))  # crosscheck imports its sibling, conformance
crosscheck = importlib.import_module("crosscheck")

TARGET = "http://127.0.0.1:9/v2"


def exchange(method: str, path: str, status: int, body: Any = None) -> dict[str, Any]:
    return {
        "request": {"method": method, "url": f"{TARGET}{path}", "headers": {}, "body": None},
        "response": {"status": status, "headers": {}, "body": json.dumps(body), "truncated": False},
        "elapsed_ms": 1.0,
        "error": None,
    }


def check(item: str, sequence: int, check_id: str, level: str = "MUST") -> dict[str, Any]:
    return {
        "event": "CheckEvaluated", "item": item, "step": 1, "sequence": sequence,
        "check": check_id, "level": level, "ref": "x", "title": "x", "passed": False,
        "findings": [{"message": f"{check_id} broke"}], "line": 12,
    }  # fmt: skip


def started(item: str) -> dict[str, Any]:
    scenario, _, profile = item.partition("[")
    return {"event": "ItemStarted", "item": item, "scenario": scenario, "profile": profile[:-1]}


def finished(item: str, outcome: str, reason: str = "") -> dict[str, Any]:
    scenario, _, profile = item.partition("[")
    return {"event": "ItemFinished", "item": item, "scenario": scenario,
            "profile": profile[:-1], "outcome": outcome, "reason": reason}  # fmt: skip


NO_TARGET = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "400",
             "scimType": "noTarget", "detail": "no value matches the path filter"}  # fmt: skip
ENTRA, FLAG = "entra/attribute-update[entra]", "entra/attribute-update[entra-2020]"
RECORDS: list[dict[str, Any]] = [
    {"event": "RunStarted", "target": TARGET, "versions": {"scimcert": "0.1.0"}},
    started(ENTRA),
    {"event": "ExchangeRecorded", "item": ENTRA, "step": 1, "sequence": 3,
     "exchange": exchange("PATCH", "/Users/abc123?aadOptscim062020", 400, NO_TARGET)},
    check(ENTRA, 3, "entra-attribute-update"),
    check(ENTRA, 3, "no-such-explanation", "SHOULD"),
    {"event": "CheckEvaluated", "item": ENTRA, "step": 1, "sequence": 3, "check": "passing",
     "level": "MUST", "ref": "x", "title": "x", "passed": True, "findings": [], "line": 3},
    finished(ENTRA, "FAIL"),
    started(FLAG),
    {"event": "ExchangeRecorded", "item": FLAG, "step": 1, "sequence": 4,
     "exchange": exchange("PATCH", "/Users/def456", 400, NO_TARGET)},
    check(FLAG, 4, "entra-attribute-update"),
    finished(FLAG, "FAIL"),
    started("core/groups[rfc]"),
    check("core/groups[rfc]", 5, "entra-attribute-update"),  # explained, but not for this scenario
    finished("core/groups[rfc]", "FAIL"),
    started("lifecycle/member-lifecycle[rfc]"),
    finished("lifecycle/member-lifecycle[rfc]", "SKIP", "not verified: no app probe"),
    {"event": "RunFinished", "counts": {"FAIL": 3, "SKIP": 1}, "exit_code": 1},
]  # fmt: skip


@pytest.fixture
def summary() -> Any:
    return crosscheck.summarise(RECORDS)


def test_failures_are_grouped_by_check_and_scenario_over_profiles(summary: Any) -> None:
    found = {(f.check, f.scenario): f for f in summary.failures}
    assert set(found) == {
        ("entra-attribute-update", "entra/attribute-update"),
        ("no-such-explanation", "entra/attribute-update"),
        ("entra-attribute-update", "core/groups"),
    }
    update = found[("entra-attribute-update", "entra/attribute-update")]
    assert update.profiles == ["entra", "entra-2020"] and update.line == 12
    # Ids and the query are dropped, so the document does not change from run to run.
    assert update.did == (
        "PATCH /Users/{id} -> 400 noTarget: no value matches the path filter; "
        "entra-attribute-update broke"
    )
    assert summary.counts == {"FAIL": 3, "SKIP": 1}
    assert summary.not_verified == {"not verified: no app probe": 1}


def test_a_failure_without_an_explanation_for_its_scenario_is_flagged(summary: Any) -> None:
    missing = {(f.check, f.scenario) for f in crosscheck.unexplained(summary.failures)}
    assert missing == {
        ("no-such-explanation", "entra/attribute-update"),
        ("entra-attribute-update", "core/groups"),
    }


def test_the_table_gives_the_reference_or_says_unexplained(summary: Any) -> None:
    table = crosscheck.render_table(summary.failures)
    rows = {line.split(" | ")[0]: line for line in table.splitlines()[2:]}
    assert len(table.splitlines()) == 2 + 3
    explained = next(r for r in table.splitlines() if "[entra, entra-2020]" in r)
    assert "entra_onelogin.md 1.4 step 4" in explained and "unexplained" not in explained
    assert "**unexplained**" in rows["| `no-such-explanation`"]


def test_the_document_lists_counts_and_the_unexplained(summary: Any) -> None:
    doc = crosscheck.render_doc(
        summary, versions={"scim2-server": "0.8.3"}, server_command="scim2-server ...",
        run_command="scimcert run ...", report_dir="out/crosscheck/report",
        checks={"passed": 1, "failed": 4}, when="2026-01-01T00:00:00+00:00",
    )  # fmt: skip
    assert "PASS 0, WARN 0, FAIL 3, SKIP 1, ERROR 0" in doc and "1 passed, 4 failed" in doc
    assert "make crosscheck" in doc and "scim2-server==0.8.3" in doc
    unexplained = doc.split("## Unexplained failures")[1]
    assert "`no-such-explanation` in `entra/attribute-update`" in unexplained
    assert "**`entra-attribute-update`** (IdP" in doc


def test_the_console_exit_code_flags_unexplained_failures(
    summary: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert crosscheck.report_to_console(summary, tmp_path / "x.md") == 1
    assert "UNEXPLAINED no-such-explanation" in capsys.readouterr().out
    explained = [f for f in summary.failures if not crosscheck.unexplained([f])]
    summary.failures = explained
    assert crosscheck.report_to_console(summary, tmp_path / "x.md") == 0


def test_explanations_that_no_longer_fail_are_reported_stale(summary: Any) -> None:
    assert "put-keeps-active" in crosscheck.stale(summary.failures)
    assert "entra-attribute-update" not in crosscheck.stale(summary.failures)


def test_every_explanation_names_a_known_check_and_known_scenarios() -> None:
    load_all()
    scenarios = {
        yaml.safe_load(path.read_text("utf-8"))["id"]
        for path in (ROOT / "scenarios").rglob("*.yaml")
    }
    for check_id, explanation in crosscheck.EXPLANATIONS.items():
        assert check_id in registry, check_id
        assert explanation.scenarios and explanation.scenarios <= scenarios, check_id
        assert explanation.ref and explanation.why and explanation.basis, check_id
