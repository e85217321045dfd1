"""`scimcert run` against hostile targets, end to end (issue #7).

A server that connects and then drips, answers invalid or oversized JSON, or closes or resets the
connection must end as DESIGN.md's outcome table says: a FAIL of an always-on check (exit 1),
with a reason that says what happened, within --timeout per request. Never a hang, never a
traceback, never the token in a report. (A hanging server and a redirect to another host are in
cli/test_run.py.)
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.transport.client import DEFAULT_OPTIONS
from tests.support.paths import ROOT
from tests.support.raw_server import RawServer

TOKEN = "hostile-token-Qx7+/z"  # what the run sends, and must never write anywhere
TIMEOUT_S = 2
# A hang guard for the whole run, not a speed assertion: under a parallel suite on two cores the
# 10 MiB bodies alone take 45 s to read and record. It still tells a bounded run from a hang: the
# drip, waited out, would take longer for its first answer alone (checked below).
WALL_CLOCK_S = 90.0
LIMIT = DEFAULT_OPTIONS.max_body_bytes  # the harness's cap on a decoded body
SPC = json.dumps(
    {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": True},
        "filter": {"supported": True, "maxResults": 100},
    }
).encode()

FILLED = SPC[:-1] + b', "filler": "'  # the answer, opening a string that pads it out
DRIP_BYTE_S = 0.5


Handler = Callable[[RawServer, socket.socket], None]


def head(length: int, *extra: str) -> bytes:
    # Every handler closes the connection after its one answer, so it says so (RFC 9112 9.6):
    # without `close`, under load the run could send its next request on this socket before the
    # FIN arrives and see a reset, a transport failure that would mask the one the mode is about.
    lines = [
        "HTTP/1.1 200 OK",
        "Content-Type: application/scim+json",
        f"Content-Length: {length}",
        "Connection: close",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def drip(server: RawServer, conn: socket.socket) -> None:
    """A valid answer, one byte every 0.5 s: minutes in all, never idle for long."""
    server.read_request(conn)
    for byte in head(len(SPC)) + SPC:
        conn.sendall(bytes([byte]))
        if server.stop.wait(DRIP_BYTE_S):
            return


def invalid_json(server: RawServer, conn: socket.socket) -> None:
    """200, a SCIM media type and a length that matches: the JSON itself stops half-way."""
    server.read_request(conn)
    body = SPC[: len(SPC) // 2]
    conn.sendall(head(len(body)) + body)


def huge_json(server: RawServer, conn: socket.socket) -> None:
    """Valid JSON, 64 KiB over the cap, streamed until the harness hangs up."""
    server.read_request(conn)
    chunk = b"x" * 65536
    chunks = LIMIT // len(chunk) + 1
    conn.sendall(head(len(FILLED) + len(chunk) * chunks + 2) + FILLED)
    for _ in range(chunks):
        if server.stop.is_set():
            return
        conn.sendall(chunk)
    conn.sendall(b'"}')


def gzip_bomb(server: RawServer, conn: socket.socket) -> None:
    """A few KiB on the wire that decode to more than the cap."""
    server.read_request(conn)
    body = _bomb()
    conn.sendall(head(len(body), "Content-Encoding: gzip") + body)


@functools.cache
def _bomb() -> bytes:
    return gzip.compress(FILLED + b" " * (LIMIT + 1024) + b'"}')


def close_silently(server: RawServer, conn: socket.socket) -> None:
    """Reads the request, then closes without a byte of answer."""
    server.read_request(conn)


def half_headers(reset: bool) -> Handler:
    """Half a header block, then a reset (RST) or a plain close (FIN)."""

    def handler(server: RawServer, conn: socket.socket) -> None:
        server.read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sc")
        if reset:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return handler


@dataclass(frozen=True)
class Mode:
    handler: Handler
    check: str  # the always-on check that must fail
    reason: str  # what its finding must say


MODES = {
    "drip": Mode(drip, "transport-complete", f"no complete answer within {float(TIMEOUT_S)} s"),
    "invalid-json": Mode(invalid_json, "json-media-type", "the body is not valid JSON"),
    "huge-json": Mode(huge_json, "transport-complete", f"the body exceeded {LIMIT} bytes"),
    "gzip-bomb": Mode(gzip_bomb, "transport-complete", f"the body exceeded {LIMIT} bytes"),
    "close": Mode(
        close_silently, "transport-complete", "closed or broke the connection before a complete"
    ),
    "half-headers-reset": Mode(half_headers(True), "transport-complete", "Connection reset"),
    "half-headers-close": Mode(
        half_headers(False), "transport-complete", "closed before the header block ended"
    ),
}


@dataclass
class Run:
    result: subprocess.CompletedProcess[str]
    elapsed: float
    report: Path

    def records(self) -> list[dict[str, Any]]:
        lines = (self.report / "results.jsonl").read_text("utf-8").splitlines()
        return [json.loads(line) for line in lines]


@pytest.fixture(params=sorted(MODES))
def hostile(request: pytest.FixtureRequest) -> Iterator[tuple[Mode, RawServer]]:
    mode = MODES[request.param]
    server = RawServer(mode.handler, "127.0.0.1")
    yield mode, server
    server.close()


def run_against(url: str, report: Path) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM_", "SCIMCERT_"))}
    env["SCIM_TOKEN"] = TOKEN
    argv = [
        sys.executable,
        "-m",
        "harness.cli.main",
        "run",
        "--url",
        url,
        "--idp",
        "rfc",
        "--timeout",
        str(TIMEOUT_S),
        "--scenario",
        "core/discovery",
        "--report-dir",
        str(report),
        "--json",
    ]
    started = time.monotonic()
    result = subprocess.run(
        argv, capture_output=True, text=True, env=env, cwd=ROOT, timeout=WALL_CLOCK_S * 2
    )
    return Run(result, time.monotonic() - started, report)


def test_the_wall_clock_guard_is_shorter_than_one_dripped_answer() -> None:
    assert len(head(len(SPC)) + SPC) * DRIP_BYTE_S > WALL_CLOCK_S


@pytest.mark.slow
def test_a_hostile_target_fails_its_always_on_check_in_time(
    hostile: tuple[Mode, RawServer], tmp_path: Path
) -> None:
    mode, server = hostile
    run = run_against(f"{server.url}/scim/v2", tmp_path / "report")
    output = run.result.stdout + run.result.stderr
    assert run.result.returncode == 1, output  # DESIGN.md: connected, then broken -> FAIL
    assert "Traceback" not in output
    assert run.elapsed < WALL_CLOCK_S, f"took {run.elapsed:.1f} s"
    broken = [r for r in run.records() if r["event"] == "CheckEvaluated" and not r["passed"]]
    reasons = {
        str(finding["message"])
        for r in broken
        if r["check"] == mode.check
        for finding in r["findings"]
    }
    assert any(mode.reason in reason for reason in reasons), (mode.check, reasons)
    finished = [r for r in run.records() if r["event"] == "ItemFinished"]
    assert [r["outcome"] for r in finished] == ["FAIL"]
    assert mode.check in str(finished[0]["failed_checks"])
    assert mode.check in run.result.stdout  # the console names it too
    written = "\n".join(p.read_text("utf-8", errors="replace") for p in run.report.iterdir())
    assert TOKEN not in written + output
