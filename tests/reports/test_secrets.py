"""Secrets never appear: not in any report file, the console, or the server's log.

A token, an OAuth client secret and a password are planted, each holding characters that change
under encoding. Every file is searched by `harness.cli.scan` (what `scimcert scan` runs) for each
secret raw, URL-encoded (quote, quote_plus), JSON-escaped and HTML-escaped, and for those
encodings nested up to three deep (pytest-html puts escaped HTML in JSON in an HTML attribute),
as stored, HTML-unescaped and inside base64 `data:`. `test_hostile_echo.py` does the same against
a server that sends every secret back.
"""

from __future__ import annotations

import base64
import html
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote_plus

import pytest

from harness.cli import main as cli
from harness.cli import scan
from harness.transport.client_key import new_key_pair
from harness.transport.redaction import REDACTED
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer, start_server
from tests.support.report_runs import failing_run

ROOT = Path(__file__).resolve().parents[2]
TOKEN = 'tok-a+b/c"d<e%-scim'
CLIENT_ID = "scimcert-test"
CLIENT_SECRET = 'cs-a+b/c"d<e%-client'
PASSWORD = 'pw-a+b/c"d<e%-user'
SCENARIO = """\
id: secrets/password-sent
title: A user created with a password never shows it in any report
tags: [secrets]
steps:
  - request:
      method: POST
      path: /Users
      body:
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"]
        userName: "${run.prefix}-secret@example.test"
        password: 'PASSWORD'
        active: true
    expect:
      check: user-created
      status: 201
      json: {/displayName: "Never Given"}
    save: {uid: /id}
  - request: {method: DELETE, path: "/Users/${uid}"}
    expect: {check: user-deleted, status: 204}
"""


def leaks(secret: str, texts: dict[str, str]) -> list[str]:
    return scan.leaks({"SECRET": secret}, texts)


class _TokenEndpoint(BaseHTTPRequestHandler):
    """A minimal OAuth token endpoint (RFC 6749 4.4) that hands out the SCIM token."""

    calls: ClassVar[list[bool]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        pair = f"{quote_plus(CLIENT_ID)}:{quote_plus(CLIENT_SECRET)}".encode()
        good = self.headers.get("Authorization") == f"Basic {base64.b64encode(pair).decode()}"
        self.calls.append(good)
        body = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}
        data = json.dumps(body if good else {"error": "invalid_client"}).encode()
        self.send_response(200 if good else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads its own output."""


@dataclass(frozen=True)
class Planted:
    texts: dict[str, str]
    returncode: int
    token_calls: list[bool]


def _run(server: RunningServer, token_url: str, folder: Path) -> subprocess.CompletedProcess[str]:
    scenarios = folder / "scenarios"
    scenarios.mkdir()
    (scenarios / "password.yaml").write_text(SCENARIO.replace("PASSWORD", PASSWORD), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIM_")}
    env |= {"SCIM_CLIENT_SECRET": CLIENT_SECRET, "SCIM_APP_TOKEN": APP_TOKEN}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli.main",
            "run",
            "--url",
            server.url,
            "--idp",
            "rfc",
            "--auth",
            "oauth",
            "--token-url",
            token_url,
            "--client-id",
            CLIENT_ID,
            "--scenarios",
            str(scenarios),
            "--report-dir",
            str(folder / "report"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planted]:
    folder = tmp_path_factory.mktemp("secrets")
    log = folder / "server.log"
    server = start_server(folder / "s.db", "--log-file", str(log), env={"SCIM_TOKEN": TOKEN})
    endpoint = ThreadingHTTPServer(("127.0.0.1", 0), _TokenEndpoint)
    threading.Thread(target=endpoint.serve_forever, daemon=True).start()
    try:
        token_url = f"http://127.0.0.1:{endpoint.server_address[1]}/token"
        done = _run(server, token_url, folder)
    finally:
        endpoint.shutdown()
        endpoint.server_close()
        server.stop()
    texts = {f"report/{p.name}": p.read_text("utf-8") for p in (folder / "report").iterdir()}
    texts |= {"console stdout": done.stdout, "console stderr": done.stderr}
    texts["server log"] = log.read_text("utf-8")
    yield Planted(texts, done.returncode, list(_TokenEndpoint.calls))


@pytest.mark.slow
def test_the_run_really_used_every_secret(planted: Planted) -> None:
    assert planted.returncode == 1, planted.texts["console stdout"][-3000:]
    assert planted.token_calls and all(planted.token_calls)
    results = planted.texts["report/results.jsonl"]
    assert '\\"password\\":' in results and "POST" in results
    assert set(planted.texts) >= {
        "report/index.html",
        "report/junit.xml",
        "report/report.html",
        "report/results.jsonl",
        "server log",
    }
    assert "/Users" in planted.texts["server log"]


@pytest.mark.slow
def test_the_token_appears_nowhere(planted: Planted) -> None:
    assert leaks(TOKEN, planted.texts) == []


@pytest.mark.slow
def test_the_client_secret_appears_nowhere(planted: Planted) -> None:
    assert leaks(CLIENT_SECRET, planted.texts) == []


@pytest.mark.slow
def test_a_password_the_idp_sends_appears_nowhere(planted: Planted) -> None:
    assert leaks(PASSWORD, planted.texts) == []


def test_the_search_finds_every_spelling() -> None:
    """The searcher itself must be able to fail: each encoding is found where it was put."""
    secret = 'x-a+b/c"d<e%'
    for spelling, name in scan.spellings(secret).items():
        assert leaks(secret, {"f": f"..{spelling}.."}), name
    hidden = base64.b64encode(f"..{secret}..".encode()).decode()
    assert leaks(secret, {"f": f'<a href="data:text/plain;base64,{hidden}">'})
    assert leaks(secret, {"f": "nothing here"}) == []


@pytest.mark.slow
def test_the_report_suite_run_holds_no_secret(
    server: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The scanner over the reports every report test reads (a run that fails, warns, skips)."""
    run = failing_run(server, tmp_path_factory)
    texts = scan.folder_texts(run.report_dir) | {"stdout": run.stdout, "stderr": run.stderr}
    assert "results.jsonl" in texts and "index.html" in texts
    assert scan.leaks({"SCIM_TOKEN": SCIM_TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}, texts) == []
    assert scan.unredacted(run.report_dir / "results.jsonl") == []


def _exchange_line(request_headers: dict[str, str], answer: str) -> str:
    exchange = {
        "request": {
            "method": "GET",
            "url": "http://h/Users",
            "headers": request_headers,
            "body": None,
        },
        "response": {"status": 200, "headers": {}, "body": answer, "truncated": False},
    }
    return (
        json.dumps(
            {"event": "ExchangeRecorded", "item": "x[rfc]", "sequence": 3, "exchange": exchange}
        )
        + "\n"
    )


def test_scimcert_scan_names_each_leak_and_never_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCIM_TOKEN", TOKEN)
    monkeypatch.setenv("MY_SECRET", CLIENT_SECRET)
    clean = _exchange_line({"Authorization": REDACTED}, json.dumps({"password": REDACTED}))
    (tmp_path / "results.jsonl").write_text(clean, encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>fine</p>", encoding="utf-8")
    assert cli.main(["scan", str(tmp_path), "--secret-env", "MY_SECRET"]) == 0
    assert "0 leak(s)" in capsys.readouterr().out

    leaky = _exchange_line({"Authorization": "Bearer x"}, '{"password": "hunter22"}')
    (tmp_path / "results.jsonl").write_text(clean + leaky, encoding="utf-8")
    (tmp_path / "load").mkdir()
    (tmp_path / "load" / "locust.html").write_text(html.escape(CLIENT_SECRET), encoding="utf-8")
    assert cli.main(["scan", str(tmp_path), "--secret-env", "MY_SECRET"]) == 1
    out = capsys.readouterr().out
    assert "LEAK load/locust.html (as stored): MY_SECRET, html form" in out
    assert "x[rfc] exchange 3: request header Authorization is not redacted" in out
    assert "x[rfc] exchange 3: response body holds a password or secret in clear" in out
    assert leaks(CLIENT_SECRET, {"out": out}) == [] and "hunter22" not in out


def test_scimcert_scan_looks_for_the_private_key_the_run_signed_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SCIM_CLIENT_KEY names a PEM file: the secret is the key's text, sought line by line."""
    pair = new_key_pair()
    key_file = tmp_path / "client.pem"
    key_file.write_text(pair.pem, encoding="ascii")
    monkeypatch.setenv("SCIM_CLIENT_KEY", str(key_file))
    report = tmp_path / "report"
    report.mkdir()
    (report / "index.html").write_text("<p>fine</p>", encoding="utf-8")
    assert cli.main(["scan", str(report)]) == 0
    capsys.readouterr()
    line = pair.pem.splitlines()[3]
    (report / "index.html").write_text(f"<pre>{line}</pre>", encoding="utf-8")
    assert cli.main(["scan", str(report)]) == 1
    out = capsys.readouterr().out
    assert "LEAK index.html (as stored): SCIM_CLIENT_KEY (line 3)" in out
    assert line not in out


@pytest.mark.slow
def test_the_demo_holds_no_secret(tmp_path: Path) -> None:
    """The scanner over the reports of `scimcert demo`, the main job, with tokens it is told."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM_", "SCIMCERT_"))}
    env.update(SCIM_TOKEN="demo-scan-token-" + "x" * 20, SCIM_APP_TOKEN="demo-scan-app-" + "y" * 20)
    # The demo names its server's token endpoint: the token scenarios send the client secret.
    env.update(SCIM_CLIENT_SECRET="demo-scan-client-" + "z" * 20)
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli.main", "demo", "--report-dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    texts = scan.folder_texts(tmp_path / "demo") | {"stdout": done.stdout, "stderr": done.stderr}
    secrets = {name: env[name] for name in ("SCIM_TOKEN", "SCIM_APP_TOKEN", "SCIM_CLIENT_SECRET")}
    assert scan.leaks(secrets, texts) == []
    assert "core/oauth-token[rfc]" in texts["results.jsonl"]  # the secret was really sent
    assert scan.unredacted(tmp_path / "demo" / "results.jsonl") == []
