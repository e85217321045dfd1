"""The preflight stops a run that could only fail for one reason, in one line (harness/preflight).

Each class of problem against a loopback server that has it, with its exit code; the answers a
run must still grade (DESIGN's "connected, then broken") pass through.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.engine.preflight import Problem, preflight
from harness.engine.session import RunSettings
from tests.support.paths import ROOT
from tests.support.raw_server import RawServer
from tests.support.reference import SCIM_TOKEN, RunningServer
from tests.support.tls_server import Handler, over_tls, self_signed

SCIM = "application/scim+json"
BASE = "/scim/v2"
APP = "/app/v1"
SPC = f"{BASE}/ServiceProviderConfig"
USERS = f"{BASE}/Users"
NO_MEMBER = f"{APP}/members/00000000-0000-0000-0000-000000000000"
MEMBERS = f"{APP}/members"

Answer = tuple[int, str, bytes]  # status, content type, body


def scim_body(document: object) -> bytes:
    return json.dumps(document).encode()


def error(status: int, detail: str) -> Answer:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": str(status),
        "detail": detail,
    }
    return status, SCIM, scim_body(body)


SPC_OK: Answer = (
    200,
    SCIM,
    scim_body(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "filter": {"supported": True, "maxResults": 100},
        }
    ),
)
LIST_OK: Answer = (
    200,
    SCIM,
    scim_body(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 0,
            "Resources": [],
        }
    ),
)
NOT_FOUND: Answer = (404, "text/plain", b"Not Found")


@contextmanager
def serving(routes: dict[str, Answer]) -> Iterator[str]:
    """A loopback server answering GETs by path (query ignored); its origin while it runs."""

    class _Routes(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, media, body = routes.get(urlsplit(self.path).path, NOT_FOUND)
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # an OAuth token endpoint: the form is not read
            self.do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Routes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    monkeypatch.setenv("SCIM_APP_TOKEN", "app-token-for-preflight")


def check(url: str, app_url: str | None = None, **options: object) -> Problem | None:
    settings = RunSettings(url=url, idp="rfc", app_url=app_url, timeout=2.0)
    for name, value in options.items():
        setattr(settings, name, value)
    return preflight(settings)


def assert_stops(problem: Problem | None, code: int, *phrases: str) -> None:
    assert problem is not None, "the preflight let the run go on"
    assert problem.exit_code == code, problem
    assert "\n" not in problem.line and SCIM_TOKEN not in problem.line
    for phrase in phrases:
        assert phrase in problem.line, problem.line


STOPS = {
    "401 on the list": (
        {SPC: SPC_OK, USERS: error(401, "Authentication failed")},
        2,
        [
            "the server refused the credentials: GET /Users answered 401",
            '("Authentication failed")',
            "check the token in SCIM_TOKEN",
        ],
    ),
    "403 on the configuration": (
        {SPC: error(403, "no")},
        2,
        ["GET /ServiceProviderConfig answered 403"],
    ),
    "a server echoing the token": (
        {SPC: SPC_OK, USERS: error(401, f"token {SCIM_TOKEN} is unknown")},
        2,
        ["[REDACTED] is unknown"],
    ),
    "404 on the base path": (
        {},
        2,
        [
            "no SCIM API at",
            "GET /Users answered 404 (GET /ServiceProviderConfig 404)",
            "the SCIM base URL",
            "e.g. https://example.com/scim/v2",
        ],
    ),
    "404 on the list only": ({SPC: SPC_OK}, 2, ["GET /ServiceProviderConfig 200"]),
    "an HTML page": (
        {SPC: (200, "text/html; charset=utf-8", b"<html><body>Sign in</body></html>")},
        3,
        ["not a SCIM API at", "GET /ServiceProviderConfig answered 200 with text/html, not JSON"],
    ),
    "JSON that is no SCIM object": (
        {SPC: (200, "application/json", b'{"status": "ok"}')},
        3,
        ["no SCIM object"],
    ),
    "a list that is no SCIM list": (
        {SPC: SPC_OK, USERS: (200, "application/json", b"[]")},
        3,
        ["GET /Users answered 200 with JSON that is no SCIM object"],
    ),
    "a 5xx on the list": (
        {SPC: SPC_OK, USERS: (503, "text/plain", b"down")},
        3,
        ["failed a plain read: GET /Users answered 503"],
    ),
}


@pytest.mark.parametrize("case", sorted(STOPS))
def test_a_target_unfit_to_grade_stops_the_run(case: str) -> None:
    routes, code, phrases = STOPS[case]
    with serving(routes) as origin:
        assert_stops(check(origin + BASE), code, *phrases)


PROCEEDS = {
    "a SCIM API": {SPC: SPC_OK, USERS: LIST_OK},
    "no ServiceProviderConfig": {USERS: LIST_OK},  # the checks grade the missing endpoint
    "a SCIM object without schemas": {  # `schemas-present` grades that
        SPC: (200, SCIM, b'{"patch": {"supported": true}}'),
        USERS: LIST_OK,
    },
    "invalid JSON labelled as SCIM": {SPC: (200, SCIM, b'{"schemas": ['), USERS: LIST_OK},
    "a 400 with a SCIM Error": {SPC: SPC_OK, USERS: error(400, "count is not supported")},
}


@pytest.mark.parametrize("case", sorted(PROCEEDS))
def test_a_scim_api_the_run_can_grade_goes_on(case: str) -> None:
    with serving(PROCEEDS[case]) as origin:
        assert check(origin + BASE) is None


def test_a_token_endpoint_that_refuses_the_client_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCIM_CLIENT_SECRET", "client-secret-for-preflight")
    refused: Answer = (401, "application/json", b'{"error": "invalid_client"}')
    with serving({SPC: SPC_OK, USERS: LIST_OK, "/token": refused}) as origin:
        problem = check(
            origin + BASE, auth_mode="oauth", token_url=origin + "/token", client_id="scimcert"
        )
    assert_stops(problem, 2, "refused the client credentials with 401 (invalid_client)")
    assert problem is not None and "client-secret-for-preflight" not in problem.line


def test_nothing_listening_is_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert_stops(check(f"http://127.0.0.1:{port}{BASE}"), 3, "cannot reach", "connection refused")


def test_https_on_a_plain_http_port_says_use_http() -> None:
    with serving({SPC: SPC_OK, USERS: LIST_OK}) as origin:
        url = origin.replace("http://", "https://") + BASE
        assert_stops(check(url), 2, "TLS with https://127.0.0.1:", "use http:// in --url")


def answer(status: Answer) -> Handler:
    code, media, body = status

    def handler(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        conn.sendall(
            f"HTTP/1.1 {code} X\r\nContent-Type: {media}\r\nContent-Length: {len(body)}"
            "\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    return handler


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate: tuple[str, str]) -> Iterator[RawServer]:
    """A TLS server answering every request as a SCIM list: enough for both reads."""
    server = RawServer(over_tls(certificate, answer(LIST_OK)), "127.0.0.1")
    yield server
    server.close()


def test_an_untrusted_certificate_names_ca_bundle_and_insecure(
    tls_server: RawServer, certificate: tuple[str, str]
) -> None:
    url = tls_server.url.replace("http://", "https://") + BASE
    assert_stops(check(url), 2, "is not trusted", "--ca-bundle FILE", "--insecure")
    assert check(url, ca_bundle=certificate[0]) is None


def test_http_on_a_tls_port_says_use_https(tls_server: RawServer) -> None:
    assert_stops(check(tls_server.url + BASE), 2, "speaks TLS", "use https:// in --url")


def test_a_server_that_times_out_is_left_to_the_run() -> None:
    """Connected, then silent: DESIGN's FAIL of `transport-complete`, graded with evidence."""

    def hang(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        server.stop.wait()

    server = RawServer(hang, "127.0.0.1")
    try:
        started = time.monotonic()
        assert check(server.url + BASE) is None
        assert time.monotonic() - started < 10
    finally:
        server.close()


APP_STOPS = {
    "a refused app token": (
        {NO_MEMBER: error(401, "Authentication failed")},
        2,
        ["the app probe at", "answered 401", "check the token in SCIM_APP_TOKEN"],
    ),
    "no app probe at that path": (
        {NO_MEMBER: error(404, "No such endpoint"), MEMBERS: error(404, "No such endpoint")},
        2,
        ["no app probe at", "GET /members answered 404", "--app-url must be the App probe URL"],
    ),
    "a web page": (
        {NO_MEMBER: (200, "text/html", b"<html></html>")},
        3,
        ["not an app probe", "text/html"],
    ),
    "a failing probe": ({NO_MEMBER: error(500, "boom")}, 3, ["answered 500"]),
}


@pytest.mark.parametrize("case", sorted(APP_STOPS))
def test_an_unusable_app_probe_stops_the_run(case: str) -> None:
    routes, code, phrases = APP_STOPS[case]
    with serving({SPC: SPC_OK, USERS: LIST_OK, **routes}) as origin:
        assert_stops(check(origin + BASE, app_url=origin + APP), code, *phrases)


def test_an_app_probe_that_knows_no_such_member_goes_on() -> None:
    routes = {
        SPC: SPC_OK,
        USERS: LIST_OK,
        NO_MEMBER: error(404, "User not found"),
        MEMBERS: error(405, "Method not allowed"),
    }
    with serving(routes) as origin:
        assert check(origin + BASE, app_url=origin + APP) is None


# --- End to end ---------------------------------------------------------------------------------


def scimcert(*args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM_", "SCIMCERT_"))}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "harness.cli.main", "run", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=ROOT,
        timeout=120,
    )
    return result, time.monotonic() - started


def test_a_wrong_token_ends_the_run_at_once_in_one_line(
    server: RunningServer, tmp_path: Path
) -> None:
    report = tmp_path / "report"
    result, elapsed = scimcert(
        "--url", server.url, "--idp", "all", "--report-dir", str(report), SCIM_TOKEN="not-the-token"
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert elapsed < 10, f"took {elapsed:.1f} s"  # about a second: start-up and two reads
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "refused the credentials" in lines[0], result.stderr
    assert "SCIM_TOKEN" in lines[0] and "not-the-token" not in result.stdout + result.stderr
    assert result.stdout == ""  # no run header, no item
    assert not (report / "results.jsonl").exists()


def test_list_needs_no_token() -> None:
    result, _ = scimcert(
        "--url",
        "http://127.0.0.1:9/scim/v2",
        "--app-url",
        "http://127.0.0.1:9/app/v1",
        "--list",
        "--tags",
        "users",
    )
    assert result.returncode == 0, result.stderr
    assert "core/user-lifecycle [rfc]" in result.stdout and "nothing was sent" in result.stdout
