"""No secret in any artefact, whoever sent it: a full run and a load against a server echoing them.

`hostile_echo.HostileEcho` sits in front of the reference server and sends back the token, the
app-probe token, every password the run generated and a session cookie it sets, in bodies,
headers, error details, a custom attribute, `password` itself and Location URLs. Then
`scimcert run --idp all --json` and a short `scimcert load` write into one report folder, and
every file in it (the load's Locust folder included), the console of both and the server's log
are searched for each secret in every spelling (`harness.cli.scan`): zero hits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.cli import scan
from harness.transport.redaction import REDACTED
from tests.support.hostile_echo import COOKIE, HostileEcho
from tests.support.reference import start_server

ROOT = Path(__file__).resolve().parents[2]
TOKEN = 'tok-a+b/c"d<e%-echoed'
APP_TOKEN = 'app-a+b/c"d<e%-echoed'
MIN_PASSWORDS = 20  # Okta profiles alone send one with every create
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Echoed:
    texts: dict[str, str]
    codes: dict[str, int]
    passwords: set[str]
    channels: dict[str, int]
    report: Path


def _scimcert(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIM_")}
    env |= {"SCIM_TOKEN": TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def echoed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Echoed]:
    folder = tmp_path_factory.mktemp("echo")
    log, report = folder / "server.log", folder / "report"
    env = {"SCIM_TOKEN": TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}
    server = start_server(folder / "s.db", "--log-file", str(log), env=env)
    proxy = HostileEcho(server.url)
    try:
        url, app_url = proxy.front(server.url), proxy.front(server.app_url)
        run = _scimcert(
            "run",
            "--url",
            url,
            "--app-url",
            app_url,
            "--idp",
            "all",
            "--report-dir",
            str(report),
            "--json",
        )
        load = _scimcert(
            "load",
            "--url",
            url,
            "--idp",
            "all",
            "--rate",
            "10",
            "--duration",
            "4",
            "--report-dir",
            str(report),
            "--json",
        )
    finally:
        proxy.stop()
        server.stop()
    texts = {f"report/{name}": text for name, text in scan.folder_texts(report).items()}
    texts |= {"run stdout": run.stdout, "run stderr": run.stderr}
    texts |= {"load stdout": load.stdout, "load stderr": load.stderr}
    texts["server log"] = log.read_text("utf-8")
    codes = {"run": run.returncode, "load": load.returncode}
    yield Echoed(texts, codes, proxy.passwords, dict(proxy.echoed), report)


def test_the_server_echoed_every_secret_through_every_channel(echoed: Echoed) -> None:
    assert echoed.codes["run"] == 1, echoed.texts["run stdout"][-3000:]
    assert echoed.codes["load"] in (0, 1), echoed.texts["load stderr"][-3000:]
    assert len(echoed.passwords) >= MIN_PASSWORDS
    assert all(
        echoed.channels.get(c, 0) > 0 for c in ("detail", "attribute", "password", "location")
    ), echoed.channels
    summary = json.loads(echoed.texts["run stdout"].strip().splitlines()[-1].split("  ")[0])
    assert summary["exit_code"] == 1
    names = set(echoed.texts)
    assert {
        "report/results.jsonl",
        "report/index.html",
        "report/report.html",
        "report/junit.xml",
    } <= names
    assert any(n.startswith("report/load-") and n.endswith("locust.html") for n in names), names
    records = [json.loads(line) for line in echoed.texts["report/results.jsonl"].splitlines()]
    finished = [r for r in records if r["event"] == "LoadFinished"]
    assert finished and finished[0]["total"]["requests"] > 0 and finished[0]["names"]["posted"]


def test_the_check_still_says_a_password_came_back_and_where(echoed: Echoed) -> None:
    records = [json.loads(line) for line in echoed.texts["report/results.jsonl"].splitlines()]
    found = [
        finding["message"]
        for r in records
        if r["event"] == "CheckEvaluated" and r["check"] == "password-never-returned"
        for finding in r["findings"]
    ]
    assert found and all(m.endswith("/password: the answer contains `password`") for m in found)


def test_the_token_appears_nowhere(echoed: Echoed) -> None:
    assert scan.leaks({"SCIM_TOKEN": TOKEN}, echoed.texts) == []


def test_the_app_probe_token_appears_nowhere(echoed: Echoed) -> None:
    assert scan.leaks({"SCIM_APP_TOKEN": APP_TOKEN}, echoed.texts) == []


def test_the_cookie_the_server_set_appears_nowhere(echoed: Echoed) -> None:
    assert scan.leaks({"cookie": COOKIE}, echoed.texts) == []


def test_no_password_the_run_generated_appears_anywhere(echoed: Echoed) -> None:
    # Okta AIW PUTs back the document the server answered, as the harness recorded it: the
    # password the server echoed comes back as "[REDACTED]", which is no password of the run.
    generated = sorted(p for p in echoed.passwords if len(p) >= 6 and REDACTED not in p)
    planted = {f"password {n}": p for n, p in enumerate(generated)}
    assert len(planted) >= MIN_PASSWORDS
    assert scan.leaks(planted, echoed.texts) == []


def test_scimcert_scan_finds_the_report_clean(echoed: Echoed) -> None:
    done = _scimcert("scan", str(echoed.report))
    assert done.returncode == 0, done.stdout
    assert "SCIM_APP_TOKEN, SCIM_TOKEN" in done.stdout and "0 leak(s)" in done.stdout
