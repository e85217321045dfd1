"""What the HTTP parser refuses before the application sees it is a SCIM Error too (issue 15).

The checks fail other servers for a 4xx that is not a SCIM Error in a JSON media type (RFC 7644
3.12); uvicorn's own answer to a request it cannot parse was a plain-text 400.
"""

from __future__ import annotations

import json
import socket
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest

from reference_server.http_protocol import ScimH11Protocol, ScimProtocol
from tests.support.reference import RunningServer

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def exchange(server: RunningServer, request: bytes) -> bytes:
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def assert_scim_refusal(answer: bytes) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert lines[0] == "HTTP/1.1 400 Bad Request", answer[:200]
    assert headers["content-type"] == "application/scim+json"
    assert int(headers["content-length"]) == len(body)
    error: Any = json.loads(body)
    assert error["schemas"] == [ERROR_SCHEMA] and error["status"] == "400"
    assert error["scimType"] == "invalidSyntax" and error["detail"]


@pytest.mark.parametrize(
    "request_line",
    [
        b"GET /t/acme/scim/v2/Users?filter=" + b"a" * 200_000 + b" HTTP/1.1",  # past the limit
        b"GET /t/acme/scim/v2/Users HTTP/1.1 extra",  # not a request line
    ],
    ids=["too-long", "malformed"],
)
def test_a_request_the_parser_refuses_is_a_scim_error(
    server: RunningServer, request_line: bytes
) -> None:
    assert_scim_refusal(exchange(server, request_line + b"\r\nHost: 127.0.0.1\r\n\r\n"))


def test_both_parsers_refuse_the_same_way() -> None:
    """The h11 protocol (used where httptools is not installed) writes the same answer."""
    written: list[bytes] = []
    fake = SimpleNamespace(
        transport=SimpleNamespace(write=written.append, close=lambda: None),
        server_state=SimpleNamespace(default_headers=[]),
    )
    ScimH11Protocol.send_400_response(fake, "Invalid HTTP request received.")
    assert_scim_refusal(b"".join(written))
    assert ScimProtocol.send_400_response is ScimH11Protocol.send_400_response  # type: ignore[attr-defined]
