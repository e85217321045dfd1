"""`scimcert run` end to end: exit codes, usage errors before sending, hostile targets."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.cli.run import plugin_args
from tests.support.paths import ROOT
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer


def scimcert(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "SCIM_TOKEN": SCIM_TOKEN,
        "SCIM_APP_TOKEN": APP_TOKEN,
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        cwd=ROOT,
    )


def records(report_dir: Path) -> list[dict[str, Any]]:
    lines = (report_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def failed_checks(report_dir: Path) -> set[str]:
    return {
        str(r["check"])
        for r in records(report_dir)
        if r["event"] == "CheckEvaluated" and not r["passed"]
    }


def test_a_full_run_against_the_reference_server_passes(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    # A fresh server: Okta's SPEC suite reads the first user listed, so other tests' bare users
    # on the shared server must not be there.
    server = server_factory(name="full-run.db")
    report = tmp_path / "report"
    result = scimcert(
        "run",
        "--url",
        server.url,
        "--app-url",
        server.app_url,
        "--workers",
        "2",
        "--report-dir",
        str(report),
        "--json",
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["exit_code"] == 0 and summary["counts"].get("PASS", 0) > 0
    for name in ("index.html", "report.html", "junit.xml", "results.jsonl"):
        assert (report / name).stat().st_size > 0
    everything = "\n".join(
        path.read_text(encoding="utf-8") for path in report.iterdir() if path.is_file()
    )
    assert SCIM_TOKEN not in everything and APP_TOKEN not in everything


def test_without_an_app_probe_app_steps_are_skipped_not_failed(
    server: RunningServer, tmp_path: Path
) -> None:
    result = scimcert("run", "--url", server.url, "--tags", "app", "--report-dir", str(tmp_path))
    finished = [r for r in records(tmp_path) if r["event"] == "ItemFinished"]
    assert finished and all(r["outcome"] == "SKIP" for r in finished)
    assert "app probe" in str(finished[0]["reason"])
    # Nothing was verified: not a failure, and not a pass either.
    assert result.returncode == 4, result.stdout
    assert "scimcert: PARTIAL (SKIP): a subset (--tags app)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "ftp://x"], "--url must be an http(s) URL"),
        (["--url", "http://127.0.0.1:9", "--idp", "nosuch"], "unknown IdP 'nosuch'"),
        (["--url", "http://127.0.0.1:9", "--tags", "nosuch"], "unknown tag 'nosuch'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = scimcert("run", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_token_is_a_usage_error() -> None:
    env = {key: value for key, value in os.environ.items() if key != "SCIM_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "harness.cli.main", "run", "--url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "SCIM_TOKEN" in result.stderr


def test_a_broken_scenario_names_file_line_and_pointer(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "id: bad/one\ntitle: Bad\nsteps:\n  - request: {method: GET, path: /Users}\n"
        "    expect: {status: abc}\n",
        encoding="utf-8",
    )
    result = scimcert("run", "--url", "http://127.0.0.1:9", "--scenarios", str(tmp_path))
    assert result.returncode == 2
    assert "bad.yaml:5" in result.stderr and "/steps/0/expect/status" in result.stderr


def test_list_sends_nothing() -> None:
    result = scimcert("run", "--url", "http://127.0.0.1:9", "--list", "--tags", "users")
    assert result.returncode == 0
    assert "core/user-lifecycle [rfc]" in result.stdout and "nothing was sent" in result.stdout


def test_an_unreachable_target_exits_3_with_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = scimcert("run", "--url", f"http://127.0.0.1:{port}/scim/v2")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach" in lines[0]


@pytest.fixture
def hanging_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/scim/v2"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def only_discovery(tmp_path: Path) -> Path:
    """A scenario directory holding just the discovery scenario: three requests, one profile."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "discovery.yaml").write_text(
        (ROOT / "scenarios" / "core" / "discovery.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return folder


def test_a_hanging_server_fails_within_the_timeout(hanging_server: str, tmp_path: Path) -> None:
    started = time.monotonic()
    result = scimcert(
        "run",
        "--url",
        hanging_server,
        "--idp",
        "rfc",
        "--timeout",
        "1",
        "--scenarios",
        str(only_discovery(tmp_path)),
        "--report-dir",
        str(tmp_path / "report"),
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr
    assert "transport-complete" in failed_checks(tmp_path / "report")
    # Discovery (3 requests) and the item (3 requests) each wait at most the 1 s timeout.
    assert elapsed < 30


@pytest.fixture
def redirect_to_other_host() -> Iterator[tuple[str, list[bytes]]]:
    """127.0.0.1 answers every request with a 307 to 127.0.0.2, which records what it gets."""
    other = socket.create_server(("127.0.0.2", 0))
    received: list[bytes] = []
    other_port = other.getsockname()[1]
    redirector = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve_other() -> None:
        other.settimeout(0.2)
        while not stop.is_set():
            try:
                connection = other.accept()[0]
            except TimeoutError:
                continue
            connection.settimeout(1)
            try:
                received.append(connection.recv(65536))
            except OSError:
                received.append(b"(connected)")
            connection.close()

    def serve_redirects() -> None:
        redirector.settimeout(0.2)
        while not stop.is_set():
            try:
                connection = redirector.accept()[0]
            except TimeoutError:
                continue
            connection.settimeout(1)
            try:
                connection.recv(65536)
                location = f"http://127.0.0.2:{other_port}/scim/v2/Users"
                connection.sendall(
                    f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\n"
                    "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
                )
            except OSError:
                pass
            connection.close()

    threads = [threading.Thread(target=fn, daemon=True) for fn in (serve_other, serve_redirects)]
    for thread in threads:
        thread.start()
    yield f"http://127.0.0.1:{redirector.getsockname()[1]}/scim/v2", received
    stop.set()
    for thread in threads:
        thread.join()
    other.close()
    redirector.close()


def test_a_redirect_to_another_host_never_carries_the_token(
    redirect_to_other_host: tuple[str, list[bytes]], tmp_path: Path
) -> None:
    url, received = redirect_to_other_host
    result = scimcert(
        "run",
        "--url",
        url,
        "--idp",
        "rfc",
        "--timeout",
        "2",
        "--scenarios",
        str(only_discovery(tmp_path)),
        "--report-dir",
        str(tmp_path / "report"),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "transport-complete" in failed_checks(tmp_path / "report")
    assert received == []


def _verdicts(report_dir: Path) -> dict[str, tuple[object, ...]]:
    return {
        str(r["item"]): (r["outcome"], tuple(r["failed_checks"]), tuple(r["warned_checks"]))
        for r in records(report_dir)
        if r["event"] == "ItemFinished"
    }


@pytest.mark.slow
def test_verdicts_do_not_depend_on_order_or_workers(server: RunningServer, tmp_path: Path) -> None:
    variants = {
        "serial": ["--order", "given"],
        "reversed": ["--order", "reverse"],
        "shuffled": ["--order", "shuffle"],
        "workers": ["--workers", "2"],
    }
    seen = {}
    for name, extra in variants.items():
        report = tmp_path / name
        result = scimcert(
            "run",
            "--url",
            server.url,
            "--app-url",
            server.app_url,
            "--seed",
            "7",
            "--idp",
            "rfc",
            "--report-dir",
            str(report),
            *extra,
            timeout=300,
        )
        assert result.returncode in (0, 1), result.stdout + result.stderr
        seen[name] = _verdicts(report)
    assert seen["serial"], "no items ran"
    for name, verdicts in seen.items():
        assert verdicts == seen["serial"], name


def test_an_exclusive_scenario_keeps_the_workers(server: RunningServer, tmp_path: Path) -> None:
    """Workers run the others; the exclusive one runs alone (engine/test_exclusive.py)."""
    folder = only_discovery(tmp_path)
    text = (folder / "discovery.yaml").read_text(encoding="utf-8")
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(
            text.replace("id: core/discovery", f"id: core/discovery-{name}"), encoding="utf-8"
        )
    (folder / "discovery.yaml").write_text(
        text.replace("steps:", "exclusive: true\nsteps:"), encoding="utf-8"
    )
    report = tmp_path / "report"
    result = scimcert(
        "run",
        "--url",
        server.url,
        "--idp",
        "rfc",
        "--workers",
        "2",
        "--scenarios",
        str(folder),
        "--report-dir",
        str(report),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bringing up nodes" in result.stdout and "without workers" not in result.stdout
    assert len(_verdicts(report)) == 3


def test_a_run_loads_only_the_plugins_it_uses() -> None:
    """Other installed plugins (hypothesis, schemathesis...) would only cost every process time."""
    alone = ["--disable-plugin-autoload", "-p", "scimcert", "-p", "html", "-p", "metadata"]
    assert plugin_args(0) == alone
    assert plugin_args(2) == [*alone, "-p", "xdist"]


def test_an_unknown_check_id_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "id: x/unknown-check\ntitle: x\nsteps:\n  - request: {method: GET, path: /Users}\n"
        "    expect: {check: no-such-check, status: 200}\n",
        encoding="utf-8",
    )
    result = scimcert("run", "--url", "http://127.0.0.1:9", "--scenarios", str(tmp_path))
    assert result.returncode == 2
    assert "s.yaml:4" in result.stderr and "no-such-check" in result.stderr


def test_a_conftest_beside_the_scenarios_is_not_loaded(
    server: RunningServer, tmp_path: Path
) -> None:
    """Scenario folders hold YAML: a project's own conftest.py above them stays out of the run."""
    (tmp_path / "project").mkdir()
    folder = only_discovery(tmp_path / "project")
    (tmp_path / "project" / "conftest.py").write_text("raise SystemExit('loaded')\n", "utf-8")
    result = scimcert(
        "run",
        "--url",
        server.url,
        "--idp",
        "rfc",
        "--scenarios",
        str(folder),
        "--report-dir",
        str(tmp_path / "report"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loaded" not in result.stdout + result.stderr
