"""`results.jsonl` is a versioned format pinned by `reports/schema/results.schema.json`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reports.jsonl import read_records
from reports.validate import problems, schema
from tests.support.reference import RunningServer
from tests.support.report_runs import ReportRun, failing_run
from tests.support.sample_records import check, one_item
from verdict.events import EVENT_TYPES

EVERY_KIND = {
    "RunStarted",
    "ChecksRegistered",
    "ItemStarted",
    "ExchangeRecorded",
    "CheckEvaluated",
    "StepFinished",
    "ItemFinished",
    "BaselineApplied",
    "RunFinished",
}


@pytest.fixture(scope="session")
def run(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    return failing_run(server, tmp_path_factory)


def _records(run: ReportRun) -> list[dict[str, Any]]:
    return list(read_records(run.report_dir / "results.jsonl"))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(schema())


@pytest.mark.slow
def test_a_real_run_is_valid_and_holds_every_kind_of_record(run: ReportRun) -> None:
    records = _records(run)
    assert problems(records) == []
    assert {record["event"] for record in records} == EVERY_KIND


@pytest.mark.slow
def test_the_header_names_run_seed_target_profiles_scenarios_versions(run: ReportRun) -> None:
    header = _records(run)[0]
    assert header["event"] == "RunStarted" and header["v"] == 1
    assert header["run_id"] and isinstance(header["seed"], int)
    assert header["target"].startswith("http://127.0.0.1:")
    assert header["profiles"] == ["rfc"]
    assert "report/passes" in header["scenarios"]
    assert {"python", "scimcert", "pytest"} <= set(header["versions"])


@pytest.mark.slow
def test_check_outcomes_and_exchanges_are_each_a_record(run: ReportRun) -> None:
    records = _records(run)
    broken = [r for r in records if r["event"] == "CheckEvaluated" and not r["passed"]]
    assert {"user-created", "unknown-id-404"} <= {r["check"] for r in broken}
    posts = [
        r
        for r in records
        if r["event"] == "ExchangeRecorded" and r["exchange"]["request"]["method"] == "POST"
    ]
    assert posts and all(
        r["exchange"]["request"]["headers"]["Authorization"] == "[REDACTED]" for r in posts
    )
    applied = next(r for r in records if r["event"] == "BaselineApplied")
    assert applied["expected"] == ["report/known-gap[rfc]"]


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_harness_event_field_is_described(name: str) -> None:
    """A field added to an event must be added to the schema (and the format version kept)."""
    fields = {field.name for field in dataclasses.fields(EVENT_TYPES[name])}
    described = set(schema()["$defs"][name]["properties"]) - {"event", "v"}
    assert fields == described
    # Fields added within format 1 stay optional, so that older results files remain readable.
    added = {"RunStarted": {"planned", "filters", "invocation"}, "RunFinished": {"assessment"}}
    assert set(schema()["$defs"][name]["required"]) - {"event", "v"} == fields - added.get(
        name, set()
    )


def test_a_broken_record_is_named_by_its_line_and_pointer() -> None:
    records = one_item("FAIL", [check("s/one[rfc]", "x-check")])
    records[3] = {**records[3], "level": "OFTEN"}
    assert any(p.startswith("line 4: /level:") for p in problems(records))


def test_an_unknown_format_version_is_refused() -> None:
    records = one_item("PASS", [])
    records[0] = {**records[0], "v": 2}
    assert problems(records) == ["line 1: format version 2; this scimcert reads 1"]


def test_records_out_of_order_are_refused() -> None:
    records = one_item("PASS", [])
    assert "the first record of a run must be RunStarted" in problems(records[1:])
    moved = [records[0], records[2], records[1], *records[3:]]
    assert any("before its ItemStarted" in p for p in problems(moved))
    assert "RunFinished must be the last record" in problems([*records, records[1]])


def test_load_records_may_follow_a_run() -> None:
    """`scimcert load` appends `Load*` records to the same file after the run's end."""
    load = {"event": "LoadFinished", "v": 1, "load_id": "l1", "exit_code": 0}
    assert problems([*one_item("PASS", []), load]) == []
    assert problems([{"event": "LoadFinished", "v": 1}]) != []


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    assert problems([]) == ["the file holds no record"]
