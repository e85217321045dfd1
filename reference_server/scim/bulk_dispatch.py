"""One operation of a bulk request served as the request it stands for (RFC 7644 3.7: "as if
the operation was a single request"): the application itself answers it, with the bulk
request's credentials, so every endpoint's rules, checks and limits hold inside /Bulk too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.types import Message

# Headers of the bulk request that describe its own body or preconditions, not an operation's.
_OWN_HEADERS = frozenset({b"content-length", b"content-type", b"if-match", b"if-none-match"})


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: Any  # JSON, or None


def _scope(request: Request, method: str, path: str, body: bytes, version: str | None) -> Any:
    headers = [(k, v) for k, v in request.scope["headers"] if k.lower() not in _OWN_HEADERS]
    headers += [(b"content-type", b"application/scim+json")]
    headers += [(b"content-length", str(len(body)).encode("ascii"))]
    if version is not None:
        headers.append((b"if-match", version.encode("latin-1")))
    return {
        **request.scope,
        "method": method,
        "path": path,
        "raw_path": path.encode("utf-8"),
        "query_string": b"",
        "headers": headers,
    }


async def serve(request: Request, method: str, path: str, data: Any, version: str | None) -> Answer:
    """`method` on `path` (below the server's root) with `data` as its body, as the app answers."""
    body = b"" if data is None else json.dumps(data).encode("utf-8")
    sent = False
    start: Message = {}
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await request.app(_scope(request, method, path, body, version), receive, send)
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    raw = b"".join(chunks)
    return Answer(int(start["status"]), headers, json.loads(raw) if raw.strip() else None)
