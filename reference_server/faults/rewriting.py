"""The ASGI side of the rewrites: buffer one SCIM exchange, run the faults' rewrites, answer."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any
from urllib.parse import urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .exchange import JSON_TYPES, Exchange
from .registry import Fault


def _parse(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # a hostile nesting is the server's to refuse
        return None


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            return b"".join(chunks)


def _with_header(headers: list[tuple[bytes, bytes]], name: bytes, value: bytes | None) -> list[Any]:
    kept = [(k, v) for k, v in headers if k.lower() != name]
    return kept if value is None else [*kept, (name, value)]


def _forwarded(scope: Scope, x: Exchange, raw: bytes, before: Any) -> tuple[Scope, bytes]:
    """The scope and body the application gets, after the request rewrites."""
    scope = dict(scope)
    if x.route_as is not None:
        scope["method"] = x.route_as
    if x.request_headers != before[2]:
        headers = x.request_headers.items()
        scope["headers"] = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if x.query != before[0]:
        scope["query_string"] = urlencode(x.query).encode("ascii")
    if x.body != before[1]:
        raw = _dump(x.body)
        length = str(len(raw)).encode("ascii")
        scope["headers"] = _with_header(list(scope["headers"]), b"content-length", length)
    return scope, raw


async def rewrite_exchange(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, x: Exchange, chosen: list[Fault]
) -> None:
    """Run one exchange through the chosen faults' rewrites."""
    raw = await _read_body(receive)
    x.body = _parse(raw)
    x.request_headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
    }
    before = copy.deepcopy((x.query, x.body, x.request_headers))
    for chosen_fault in chosen:
        if chosen_fault.request is not None:
            chosen_fault.request(x)
    forwarded, raw = _forwarded(scope, x, raw, before)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            message: Message = await receive()
            return message
        replayed = True
        return {"type": "http.request", "body": raw, "more_body": False}

    start: Message = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await app(forwarded, replay, capture)
    except Exception:
        if start:  # the application answered, then raised: the client still gets the answer
            await send(start)
            await send({"type": "http.response.body", "body": b"".join(chunks)})
        raise
    body = b"".join(chunks)
    x.status = int(start["status"])
    x.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    media_type = x.headers.get("content-type", "").split(";")[0].strip().lower()
    x.json = _parse(body) if media_type in JSON_TYPES else None
    answered = copy.deepcopy((x.status, x.json))
    for chosen_fault in chosen:
        if chosen_fault.response is not None:
            chosen_fault.response(x)
    if x.text is not None:
        body = x.text.encode("utf-8")
    elif (x.status, x.json) != answered:
        body = b"" if x.json is None else _dump(x.json)
    if x.delay:
        await asyncio.sleep(x.delay)
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in x.headers.items()]
    length = None if not body and x.status in (204, 304) else str(len(body)).encode("ascii")
    headers = _with_header(headers, b"content-length", length)
    await send({"type": "http.response.start", "status": x.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
