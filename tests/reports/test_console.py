"""The console summary at the end of a run: a table by profile, failures first."""

from __future__ import annotations

import pytest

from reports.console import lines
from reports.model import build
from tests.support.reference import RunningServer
from tests.support.report_runs import ReportRun, failing_run
from tests.support.sample_records import (
    check,
    item_finished,
    item_started,
    run_finished,
    run_started,
)


@pytest.fixture(scope="session")
def run(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    return failing_run(server, tmp_path_factory)


def _two_profiles() -> list[dict[str, object]]:
    """`aaa` passes and `zzz` fails: the failing profile must still come first."""
    records: list[dict[str, object]] = [run_started(("aaa", "zzz"))]
    for profile, outcome in (("aaa", "PASS"), ("zzz", "FAIL")):
        name = f"s/one[{profile}]"
        records += [
            item_started(name, "s/one", profile),
            check(name, "user-created", passed=outcome == "PASS"),
            item_finished(name, "s/one", profile, outcome),
        ]
    return [*records, run_finished()]


def test_failing_profiles_come_first_with_their_failures_listed() -> None:
    shown = lines(build(_two_profiles()))
    texts = [line.text for line in shown]
    assert texts[0] == "scimcert: FAIL: certification, 2 of 2 planned items, 2 profile(s)"
    assert texts[1].startswith("  run r1, seed 7; exit code 1: a MUST check failed")
    assert texts[2].split() == ["profile", "verdict", "status", "FAIL", "PASS"]
    rows = [text.split()[:3] for text in texts[3:5]]
    assert rows == [["zzz", "FAIL", "COMPLETE"], ["aaa", "PASS", "COMPLETE"]]
    failure = texts[texts.index("Failures:") + 1]
    # One line: the difference itself, the check that judged it, and where.
    # and the question it answers (`rfc`: its reference is an RFC section).
    assert failure == (
        "  FAIL  s/one[zzz]: it broke [MUST user-created, rfc] at /s/s/one.yaml:4, step 1"
    )
    assert "/s/s/one.yaml:4, step 1" in failure
    assert {line.style for line in shown if "zzz" in line.text} == {"red"}


def test_a_refused_setup_shows_what_the_server_said() -> None:
    records = _two_profiles()
    said = "setup step 1 (line 4): POST /scim/v2/Users answered 401: Bearer token is not valid"
    refused = {"message": said, "expected": "a 2xx status", "actual": 401}
    records[5] = {**records[5], "findings": [refused]}
    failure = next(line.text for line in lines(build(records)) if "FAIL  s/one[zzz]" in line.text)
    assert f"s/one[zzz]: {said} [MUST user-created, rfc] at " in failure


def test_a_passing_run_is_short_and_green() -> None:
    records = [r for r in _two_profiles() if "zzz" not in str(r.get("item", ""))]
    texts = [line.text for line in lines(build(records))]
    assert texts[0].startswith("scimcert: PASS")
    assert "Failures:" not in texts


@pytest.mark.slow
def test_the_run_prints_the_table_and_where_the_summary_is(run: ReportRun) -> None:
    out = run.stdout
    assert "scimcert: ERROR, PARTIAL: a subset (--scenarios " in out
    assert "  also the baseline waived the MUST failures of report/known-gap[rfc]" in out
    table = out[out.index("scimcert: ERROR") :]
    assert "rfc" in table and "WAIVED" in table
    assert (
        'FAIL  report/wrong-display-name[rfc]: /displayName: expected "Somebody Else", got '
        in table
    )
    assert "[MUST user-created, rfc] at " in table
    assert table.rstrip().splitlines()[-1].startswith("Summary: ")  # the last line, in CI too
    assert "ERROR report/harness-error[rfc]: step 1 (line 7)" in table
    # The first difference, status codes as numbers.
    cascade = next(line for line in table.splitlines() if "FAIL  report/cascade[rfc]" in line)
    assert cascade.startswith(
        "  FAIL  report/cascade[rfc]: expected status 200, got 404 [MUST user-readable, okta] "
        "(+1 more) at "
    )
    waived = table[table.index("Waived by the baseline") :].splitlines()[1]
    assert waived.startswith("  WAIVED report/")
    assert f"Summary: {run.report_dir / 'index.html'}" in out
