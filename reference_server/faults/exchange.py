"""One SCIM exchange as a rewrite sees it, and the ASGI side that buffers and rewrites it."""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .registry import Fault

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
JSON_TYPES = ("application/scim+json", "application/json")


# --- one exchange, as a rewrite sees it ---------------------------------------------------------


@dataclass
class Exchange:
    """A SCIM request and its answer. `path` is below the SCIM base URL (`/Users/2819c...`)."""

    team: str
    method: str
    path: str
    query: dict[str, str]
    body: Any = None  # the request's JSON body; None when there is none or it is not JSON
    route_as: str | None = None  # a request rewrite may have the server handle another method
    request_headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    notes: dict[str, Any] = field(default_factory=dict)  # a request rewrite's word to its answer's
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # the answer's, lower-case names
    json: Any = None  # the answer's JSON body; None when there is none or it is not JSON
    text: str | None = None  # set by a rewrite: send this text instead
    delay: float = 0.0  # seconds to hold the answer back

    @property
    def parts(self) -> list[str]:
        return [part for part in self.path.split("/") if part]

    def on(self, collection: str, method: str | None = None, *, item: bool | None = None) -> bool:
        """Whether the request is `method` on `collection` (`Users`...), one item or the list."""
        parts = self.parts
        if not parts or parts[0].lower() != collection.lower():
            return False
        if method is not None and self.method != method:
            return False
        return item is None or item == (self.item_id is not None)

    @property
    def item_id(self) -> str | None:
        parts = self.parts
        return parts[1] if len(parts) == 2 and parts[1] != ".search" else None

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query.items() if k.lower() == name.lower()), None)

    def filter_text(self) -> str | None:
        given = self.body.get("filter") if isinstance(self.body, dict) else None
        return self.param("filter") or (given if isinstance(given, str) else None)

    def listed(self) -> dict[str, Any] | None:
        """The answer, when it is a ListResponse."""
        answer = self.json
        return answer if self.ok and isinstance(answer, dict) and "Resources" in answer else None

    def resources(self) -> list[dict[str, Any]]:
        """The resources a successful answer carries: itself, or the entries of its list."""
        listed = self.listed()
        if listed is not None:
            return [r for r in listed["Resources"] if isinstance(r, dict)]
        answer = self.json
        return [answer] if self.ok and isinstance(answer, dict) and "id" in answer else []

    def error(self) -> dict[str, Any] | None:
        answer = self.json
        return answer if 400 <= self.status < 500 and isinstance(answer, dict) else None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def answer(self, status: int, body: Any = None) -> None:
        self.status, self.json, self.text = status, body, None
        if body is None:
            for name in ("content-type", "etag", "location"):
                self.headers.pop(name, None)

    def answer_error(self, status: int, detail: str, scim_type: str | None = None) -> None:
        body = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
        self.answer(status, body if scim_type is None else {**body, "scimType": scim_type})

    def answer_list(self, resources: list[Any], total: int | None = None) -> None:
        start = self.listed() or {}
        self.json = {
            "schemas": [LIST_SCHEMA],
            "totalResults": len(resources) if total is None else total,
            "startIndex": start.get("startIndex", 1),
            "itemsPerPage": len(resources),
            "Resources": resources,
        }


# --- the ASGI side: buffer, rewrite, answer ------------------------------------------------------


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
