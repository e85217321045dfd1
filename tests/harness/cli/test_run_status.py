"""A verdict that cannot lie (issue: run status): each way a run can fall short of a
certification, replayed against a real server and a real `scimcert run` child process, states the
same status in the terminal, `--json`, `index.html`, `junit.xml` and the exit code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from tests.support.paths import ROOT
from tests.support.proxy_server import holds_user_list, proxying
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer, run_argv

REPORTS = ("index.html", "junit.xml", "report.html", "results.jsonl")
pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM_", "SCIMCERT_"))}
    return {**env, "SCIM_TOKEN": SCIM_TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}


def _run(server: RunningServer, report: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        run_argv(server, report, *args),
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=300,
    )


def _finished_items(report: Path) -> int:
    results = report / "results.jsonl"
    if not results.exists():
        return 0
    return results.read_text(encoding="utf-8").count('"event": "ItemFinished"')


def _stopped_by(signum: int, server: RunningServer, report: Path) -> tuple[int, str]:
    """A full run, sent `signum` once a few items have finished."""
    process = subprocess.Popen(
        run_argv(server, report),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while _finished_items(report) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signum)
    output, _ = process.communicate(timeout=60)
    return process.returncode, output


def _json_line(output: str) -> dict[str, object]:
    line = next(line for line in reversed(output.splitlines()) if line.startswith("{"))
    loaded: dict[str, object] = json.loads(line)
    return loaded


def _junit_status(report: Path) -> set[str]:
    root = ElementTree.parse(report / "junit.xml").getroot()  # noqa: S314 - our own file
    return {
        p.get("value", "") for p in root.iter("property") if p.get("name") == "scimcert.run-status"
    }


def _states_everywhere(report: Path, output: str, status: str, word: str) -> None:
    for name in REPORTS:
        assert (report / name).stat().st_size > 0, name
    assert f"scimcert: {word}" in output
    summary = _json_line(output)
    assert summary["status"] == status
    page = (report / "index.html").read_text(encoding="utf-8")
    assert f'<span class="badge {word}">{word}</span>' in page
    assert _junit_status(report) == {status}
    assert f"scimcert: {word}" in (report / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("signum", "reason"),
    [(signal.SIGINT, "interrupted (Ctrl-C, SIGINT)"), (signal.SIGTERM, "stopped by SIGTERM")],
)
def test_a_signal_ends_the_run_incomplete_with_every_report(
    server: RunningServer, tmp_path: Path, signum: int, reason: str
) -> None:
    code, output = _stopped_by(signum, server, tmp_path)
    assert code == 4, output
    assert "Traceback" not in output
    _states_everywhere(tmp_path, output, "INCOMPLETE", "INCOMPLETE")
    assert reason in output
    root = ElementTree.parse(tmp_path / "junit.xml").getroot()  # noqa: S314 - our own file
    assert int(root.get("errors", "0")) > 0  # the items that never ran, so no consumer sees green


def test_a_killed_run_rebuilt_from_its_results_is_incomplete(
    server: RunningServer, tmp_path: Path
) -> None:
    done = _run(server, tmp_path / "run", "--idp", "rfc")
    assert done.returncode == 0, done.stdout
    lines = (tmp_path / "run" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "killed"
    cut.mkdir()
    (cut / "results.jsonl").write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    rebuilt = subprocess.run(
        [sys.executable, "-m", "harness.cli.main", "report", str(cut)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    page = (cut / "index.html").read_text(encoding="utf-8")
    assert '<span class="badge INCOMPLETE">INCOMPLETE</span>' in page
    assert "no closing record" in page
    assert _junit_status(cut) == {"INCOMPLETE"}


def test_a_subset_is_partial_not_a_certification(server: RunningServer, tmp_path: Path) -> None:
    done = _run(server, tmp_path, "--tags", "discovery", "--idp", "okta")
    assert done.returncode == 0, done.stdout
    _states_everywhere(tmp_path, done.stdout, "PARTIAL", "PARTIAL")
    assert "a subset (--tags discovery), not a certification" in done.stdout
    assert "scimcert: PASS" not in done.stdout


def test_a_waiving_baseline_is_shown_as_waived(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    faulty = server_factory("--fault", "put-ignores-active")
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text('- {check: "*", scenario: "*", profile: "*"}\n', encoding="utf-8")
    report = tmp_path / "report"
    done = _run(faulty, report, "--idp", "okta-aiw", "--baseline", str(baseline))
    assert done.returncode == 0, done.stdout
    _states_everywhere(report, done.stdout, "WAIVED", "WAIVED")
    assert "Waived by the baseline (MUST failures the gate did not count):" in done.stdout
    assert "WAIVED checks/deactivated-user[okta-aiw]" in done.stdout
    assert "FAILED" not in done.stdout  # pytest's own counts agree: an expected failure


def test_the_run_budget_ends_a_hanging_run_incomplete(
    server: RunningServer, tmp_path: Path
) -> None:
    """The budget is a real signal: it also breaks a read blocked on a target that hangs."""

    with proxying(server.url, holds_user_list) as (origin, _):
        url = origin + urlsplit(server.url).path
        command = [
            sys.executable,
            "-m",
            "harness.cli.main",
            "run",
            "--url",
            url,
            "--idp",
            "all",
            "--timeout",
            "30",
            "--budget",
            "6",
            "--report-dir",
            str(tmp_path),
            "--json",
        ]
        started = time.monotonic()
        done = subprocess.run(
            command, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=300
        )
        elapsed = time.monotonic() - started
    assert done.returncode == 4, done.stdout + done.stderr
    assert elapsed < 60, f"took {elapsed:.0f} s"
    assert "the run's time budget of 6 s ran out" in done.stdout
    _states_everywhere(tmp_path, done.stdout, "INCOMPLETE", "INCOMPLETE")


def test_a_report_dir_holding_another_run_is_kept(server: RunningServer, tmp_path: Path) -> None:
    report = tmp_path / "report"
    first = _run(server, report, "--idp", "rfc", "--tags", "discovery")
    second = _run(server, report, "--idp", "rfc", "--tags", "discovery")
    assert first.returncode == second.returncode == 0
    first_id = json.loads(first.stdout.splitlines()[-1])["run_id"]
    kept = tmp_path / f"report.{first_id}"
    assert f"moved them to {kept}" in second.stderr
    assert first_id in (kept / "results.jsonl").read_text(encoding="utf-8")
    assert first_id not in (report / "results.jsonl").read_text(encoding="utf-8")


def test_an_unwritable_report_dir_is_one_line_and_exit_2(
    server: RunningServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    done = _run(server, blocker / "report")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot be written" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_recorded_command_reruns_the_run_exactly(server: RunningServer, tmp_path: Path) -> None:
    done = _run(server, tmp_path, "--idp", "rfc", "--tags", "users", "--timeout", "12")
    header = json.loads((tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()[0])
    invocation = header["invocation"]
    command = invocation["command"]
    for part in (
        "--idp rfc",
        "--tags users",
        "--timeout 12.0",
        f"--app-url {server.app_url}",
        f"--seed {header['seed']}",
        f"--run-id {header['run_id']}",
    ):
        assert part in command, command
    assert done.returncode == 0
    assert set(invocation["scenarios"]) == set(header["scenarios"])
    assert SCIM_TOKEN not in json.dumps(header) and APP_TOKEN not in json.dumps(header)
