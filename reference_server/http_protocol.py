"""The HTTP parser's own refusals, answered as SCIM errors like every other refusal.

A request the parser cannot take (httptools: a request line or headers past its limits, a
malformed line; h11 likewise) never reaches the application; uvicorn answers it with a plain-text
400. The checks fail other servers for a 4xx that is not a SCIM Error in a JSON media type
(RFC 7644 3.12), so the reference server answers these the same way: 400 `invalidSyntax`, and
the connection closed, as uvicorn does.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from .scim.errors import ScimError, ScimType


def refusal(msg: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The whole HTTP/1.1 answer: status line, headers, and the SCIM Error body."""
    detail = f"The HTTP request could not be parsed: {msg}"
    body = json.dumps(ScimError(400, detail, ScimType.INVALID_SYNTAX).body()).encode("utf-8")
    headers = [
        *default_headers,
        (b"content-type", b"application/scim+json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"connection", b"close"),
    ]
    lines = [b"HTTP/1.1 400 Bad Request", *(name + b": " + value for name, value in headers)]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _send_refusal(self: Any, msg: str) -> None:
    # Replaces uvicorn's `send_400_response`: nothing else is sent on the connection after it.
    self.transport.write(refusal(msg, list(self.server_state.default_headers)))
    self.transport.close()


class ScimH11Protocol(H11Protocol):
    send_400_response = _send_refusal


# The parser uvicorn's "auto" picks: httptools when installed, else h11. At module level, so that
# `--workers` can hand the class to its processes.
ScimProtocol: type[asyncio.Protocol]
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools comes with uvicorn[standard]
    ScimProtocol = ScimH11Protocol
else:

    class ScimHttpToolsProtocol(HttpToolsProtocol):
        send_400_response = _send_refusal

    ScimProtocol = ScimHttpToolsProtocol
