"""`scimcert load` end to end: Locust in its own process against real reference servers.

Short runs (5 to 8 s) on loopback; the 60-second figures are in docs/load.md.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main as cli
from mock_idp.profile import all_profiles
from tests.support.reference import SCIM_TOKEN, RunningServer, start_server

SCIMCERT = str(Path(sys.executable).with_name("scimcert"))
SLOW_GENERATOR = Path(__file__).with_name("slow_generator")  # its sitecustomize.py
pytestmark = pytest.mark.slow
# Latency has its own test (the 300 ms fault); where the point is throughput or the distributed
# verdict, thresholds are loose enough for a busy two-core CI machine.
LOOSE = ("--p50-ms", "1000", "--p95-ms", "3000", "--p99-ms", "5000")


@pytest.fixture(scope="module")
def load_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("load") / "load.db")
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)


def _load(url: str, report: Path, *argv: str) -> int:
    return cli.main(["load", "--url", url, "--report-dir", str(report), "--seed", "5", *argv])


def _records(report: Path) -> list[dict[str, Any]]:
    lines = (report / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _verdicts(report: Path) -> dict[str, str]:
    return {r["check"]: r["outcome"] for r in _records(report) if r["event"] == "LoadVerdict"}


def test_a_short_load_passes_and_extends_the_run_report(
    load_server: RunningServer, tmp_path: Path
) -> None:
    run_line = {"event": "RunStarted", "v": 1, "run_id": "earlier"}
    (tmp_path / "results.jsonl").write_text(json.dumps(run_line) + "\n", encoding="utf-8")
    page = "<!doctype html><html><body><h1>SCIM certification: PASS</h1></body></html>"
    (tmp_path / "index.html").write_text(page, encoding="utf-8")

    code = _load(
        load_server.url, tmp_path, "--idp", "entra", "--rate", "10", "--duration", "5", *LOOSE
    )

    verdicts = _verdicts(tmp_path)
    assert code == 0, verdicts
    # The generator's own verdict may WARN on a busy machine (saturated, yet every figure held).
    assert {v for check, v in verdicts.items() if check != "load-generator"} <= {"PASS", "SKIP"}
    assert verdicts["load-generator"] in ("PASS", "WARN")
    records = _records(tmp_path)
    assert records[0] == run_line  # the run's events stay, the load's follow
    events = [r["event"] for r in records[1:]]
    assert events[0] == "LoadStarted" and events[-1] == "LoadFinished"
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert html.startswith(page[: page.index("</body>")]) and "Load certification" in html
    folder = tmp_path / records[-1]["files"]["folder"]
    assert (folder / "locust_stats.csv").is_file() and (folder / "locust.html").is_file()


def test_a_server_answering_300_ms_late_fails_the_p95_verdict(tmp_path: Path) -> None:
    slow = start_server(tmp_path / "slow.db", "--fault", "slow-answers")
    try:
        # The threshold sits between the server's own p95 (about 100 ms, docs/load.md) and the
        # fault's 300 ms. Imports only: no user is created, so no slow lookups follow the load.
        code = _load(
            slow.url,
            tmp_path,
            "--idp",
            "rfc",
            "--rate",
            "10",
            "--duration",
            "4",
            "--mix",
            "import=1",
            "--p95-ms",
            "250",
        )
    finally:
        slow.stop()
    verdicts = _verdicts(tmp_path)
    assert code == 1
    assert verdicts["load-latency-p95"] == "FAIL", verdicts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_master_and_a_worker_give_one_combined_verdict(
    load_server: RunningServer, tmp_path: Path
) -> None:
    port = str(_free_port())
    worker = subprocess.Popen(
        [
            SCIMCERT,
            "load",
            "--worker",
            "--master-host",
            "127.0.0.1",
            "--master-port",
            port,
            "--duration",
            "4",
        ],
        env={**os.environ, "SCIM_TOKEN": SCIM_TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        code = _load(
            load_server.url,
            tmp_path,
            "--idp",
            "rfc",
            "--rate",
            "10",
            "--duration",
            "4",
            "--master",
            "--expect-workers",
            "1",
            "--master-port",
            port,
            *LOOSE,
        )
        assert worker.wait(timeout=60) == 0
    finally:
        worker.kill()
        worker.wait()
    finished = [r for r in _records(tmp_path) if r["event"] == "LoadFinished"]
    assert code == 0, _verdicts(tmp_path)
    assert len(finished) == 1 and finished[0]["workers"] == 1
    assert finished[0]["total"]["requests"] > 0 and finished[0]["names"]["posted"] > 0


def test_the_reference_server_sustains_25_requests_a_second_with_every_profile(
    load_server: RunningServer, tmp_path: Path
) -> None:
    """The requirement is throughput, Entra's 25/s; docs/load.md has the latency figures."""
    code = _load(
        load_server.url, tmp_path, "--idp", "all", "--rate", "25", "--duration", "8", *LOOSE
    )
    verdicts = _verdicts(tmp_path)
    assert code == 0, verdicts
    assert verdicts["load-rate-sustained"] == "PASS"
    folder = tmp_path / _records(tmp_path)[-1]["files"]["folder"]
    names = (folder / "locust_stats.csv").read_text(encoding="utf-8")
    for profile in all_profiles():
        assert f",{profile} " in names, f"{profile} sent nothing"


def test_a_generator_too_slow_for_the_rate_is_inconclusive_never_a_fail(
    load_server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request costs the generator 20 ms of CPU (`slow_generator/`): one process starts at
    most 50 a second, so 100/s falls short however fast the target; the verdict must say so."""
    monkeypatch.setenv(
        "PYTHONPATH",
        os.pathsep.join([str(SLOW_GENERATOR), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    monkeypatch.setenv("SCIMCERT_TEST_SLOW_GENERATOR_MS", "20")
    code = _load(load_server.url, tmp_path, "--idp", "rfc", "--rate", "100", "--duration", "4")
    verdicts = _verdicts(tmp_path)
    assert code == 4, verdicts
    assert verdicts["load-rate-sustained"] == "INCONCLUSIVE"
    assert verdicts["load-generator"] == "INCONCLUSIVE"
    assert "FAIL" not in verdicts.values()
    generator = next(r for r in _records(tmp_path) if r.get("check") == "load-generator")
    assert "generator-bound" in generator["detail"]
    assert "--processes" in generator["detail"] or "more machines" in generator["detail"]
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "INCONCLUSIVE" in html and "<svg" in html and "<script" not in html


def test_two_processes_give_one_merged_verdict(load_server: RunningServer, tmp_path: Path) -> None:
    code = _load(
        load_server.url,
        tmp_path,
        "--idp",
        "all",
        "--rate",
        "20",
        "--duration",
        "4",
        "--processes",
        "2",
        *LOOSE,
    )
    verdicts = _verdicts(tmp_path)
    assert code == 0, verdicts
    assert verdicts["load-rate-sustained"] == "PASS"
    finished = [r for r in _records(tmp_path) if r["event"] == "LoadFinished"]
    assert len(finished) == 1 and finished[0]["workers"] == 2
    assert len(verdicts) == len([r for r in _records(tmp_path) if r["event"] == "LoadVerdict"])
    # Both processes sent, and their tallies and samples were merged into the one record.
    processes = [line.split(":")[0] for line in finished[0]["generator"]["processes"]]
    assert processes == ["w0", "w1"]
    assert sum(finished[0]["statuses"].values()) == finished[0]["total"]["requests"]
    assert finished[0]["names"]["posted"] > 0
