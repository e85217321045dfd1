"""`scimcert report DIR` rebuilds every report from `results.jsonl` alone; report.html's columns."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.reference import RunningServer
from tests.support.report_runs import ReportRun, failing_run, scimcert

GENERATED = re.compile(r'<time id="generated">[^<]*</time>')


@pytest.fixture(scope="session")
def run(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    return failing_run(server, tmp_path_factory)


def _alone(run: ReportRun, folder: Path) -> Path:
    """An empty folder holding only the run's results.jsonl."""
    folder.mkdir()
    shutil.copyfile(run.report_dir / "results.jsonl", folder / "results.jsonl")
    return folder


def pytest_html_tests(page: str) -> dict[str, Any]:
    """The test data pytest-html embeds in its page (it renders the table from it)."""
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    assert blob is not None
    tests: dict[str, Any] = json.loads(html.unescape(blob.group(1)))["tests"]
    return {node_id.split("::")[-1]: rows[-1] for node_id, rows in tests.items()}


@pytest.mark.slow
def test_the_rebuilt_summary_and_junit_equal_the_originals(run: ReportRun, tmp_path: Path) -> None:
    folder = _alone(run, tmp_path / "rebuilt")
    done = scimcert("report", str(folder))
    assert done.returncode == 0, done.stderr
    original, rebuilt = run.text("index.html"), (folder / "index.html").read_text("utf-8")
    assert GENERATED.search(original) and GENERATED.search(rebuilt)
    assert GENERATED.sub("", original) == GENERATED.sub("", rebuilt)
    assert (folder / "junit.xml").read_bytes() == (run.report_dir / "junit.xml").read_bytes()
    assert (folder / "report.html").is_file()
    assert sorted(path.name for path in folder.iterdir()) == [
        "index.html",
        "junit.xml",
        "report.html",
        "results.jsonl",
    ]


@pytest.mark.slow
def test_the_rebuilt_pytest_report_has_the_same_outcomes(run: ReportRun, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    done = scimcert("report", str(run.report_dir / "results.jsonl"), "--out", str(folder))
    assert done.returncode == 0, done.stderr
    assert (folder / "results.jsonl").read_bytes() == (
        run.report_dir / "results.jsonl"
    ).read_bytes()
    original = pytest_html_tests(run.text("report.html"))
    rebuilt = pytest_html_tests((folder / "report.html").read_text("utf-8"))
    assert set(original) == set(rebuilt)
    for name, row in original.items():
        assert (rebuilt[name]["result"], rebuilt[name]["scimcert"]) == (
            row["result"],
            row["scimcert"],
        ), name


@pytest.mark.slow
def test_pytest_html_has_profile_level_reference_and_the_transcript(run: ReportRun) -> None:
    rows = pytest_html_tests(run.text("report.html"))
    failed = rows["report/wrong-display-name[rfc]"]
    assert (failed["profile"], failed["scimcert"], failed["level"]) == ("rfc", "FAIL", "MUST")
    rfc = "https://www.rfc-editor.org/rfc/rfc7644#section-3.3"
    assert failed["ref"] == f'<a href="{rfc}" rel="noreferrer">RFC 7644 3.3</a>'
    assert rows["report/warns[rfc]"]["scimcert"] == "WARN"
    (transcript,) = [extra["content"] for extra in failed["extras"]]
    assert "Reproduce (token from $SCIM_TOKEN)" in transcript
    assert "POST http://127.0.0.1:" in transcript
    assert "&lt;script&gt;" in transcript and "<script>" not in transcript
    assert "Profile" in run.text("report.html") and "Reference" in run.text("report.html")


@pytest.mark.slow
def test_an_error_shows_its_reason_not_a_harness_traceback(run: ReportRun) -> None:
    errored = pytest_html_tests(run.text("report.html"))["report/harness-error[rfc]"]
    assert "reason: step 1 (line 7)" in errored["log"]
    assert "Traceback" not in errored["log"] and "harness/plugin/hooks.py" not in errored["log"]


@pytest.mark.slow
def test_out_must_be_new_or_empty(run: ReportRun, tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x", encoding="utf-8")
    done = scimcert("report", str(run.report_dir), "--out", str(tmp_path))
    assert done.returncode == 2
    assert "must be a new or empty directory" in done.stderr


def test_a_file_that_is_not_results_is_refused_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "results.jsonl").write_text('{"event": "Nope", "v": 1}\n', encoding="utf-8")
    done = scimcert("report", str(tmp_path))
    assert done.returncode == 2
    assert "not a scimcert results file: line 1: /event" in done.stderr
    assert "Traceback" not in done.stderr
    missing = scimcert("report", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no results.jsonl at" in missing.stderr
