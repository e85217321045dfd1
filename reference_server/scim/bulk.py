"""POST /Bulk (RFC 7644 3.7): many writes in one request, each answered on its own.

The request is refused whole with 413 when it carries more operations or bytes than
/ServiceProviderConfig declares (3.7.4), and with 400 when it is no BulkRequest. Each operation
is then served by the application as the request it stands for (`bulk_dispatch.py`), after its
"bulkId:" references are replaced by the ids the request's POSTs created (3.7.2,
`bulk_ids.py`). An operation naming a bulkId not created yet waits for it; one whose bulkId
never comes (unknown, failed, or a cycle, 3.7.1) is answered 409. Processing stops once
`failOnErrors` operations failed (3.7.3); without it, every operation is tried. The answer is
a BulkResponse, the operations in the order they were sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..behaviour import current
from .bulk_dispatch import Answer, serve
from .bulk_ids import references, substitute
from .context import Context
from .endpoints import context
from .errors import ScimError, ScimType, bad_request
from .http import ScimResponse, read_json

BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
METHODS = ("POST", "PUT", "PATCH", "DELETE")
# What an operation's path may name: a resource type (POST) or one resource (the others).
_COLLECTION = re.compile(r"/(Users|Groups)/?")
_RESOURCE = re.compile(r"/(Users|Groups)/[^/]+")
# An entity tag (RFC 9110 8.8.3), as an operation's `version` is sent: as If-Match.
_ETAG = re.compile(r'(W/)?"[\x21\x23-\x7e]*"')


@dataclass(frozen=True, slots=True)
class Operation:
    index: int
    method: str
    path: str
    bulk_id: str | None
    version: str | None
    data: Any


def _problem(entry: dict[str, Any]) -> str | None:
    """Why a bulk operation cannot be served, or None."""
    method, path = entry.get("method"), entry.get("path")
    if not isinstance(method, str) or method.upper() not in METHODS:
        return f"An operation's method must be one of {', '.join(METHODS)}"
    if not isinstance(path, str):
        return "An operation needs a path"
    post = method.upper() == "POST"
    if not (_COLLECTION if post else _RESOURCE).fullmatch(path):
        example = "/Users" if post else "/Users/{id}"
        return f"{method.upper()} needs a path such as {example}, not {path[:80]!r}"
    if method.upper() == "POST" and not isinstance(entry.get("bulkId"), str):
        return "A POST operation needs a bulkId (RFC 7644 3.7)"
    if method.upper() != "DELETE" and "data" not in entry:
        return f"A {method.upper()} operation needs data"
    version = entry.get("version")
    if version is not None and not (isinstance(version, str) and _ETAG.fullmatch(version)):
        return 'An operation\'s version is an ETag, such as W/"3"'
    return None


def _operation(index: int, entry: dict[str, Any]) -> Operation:
    version = entry.get("version")
    bulk_id = entry.get("bulkId")
    return Operation(
        index,
        str(entry["method"]).upper(),
        str(entry["path"]),
        bulk_id if isinstance(bulk_id, str) else None,
        version if isinstance(version, str) else None,
        entry.get("data"),
    )


def _fail_on_errors(body: dict[str, Any]) -> int | None:
    value = body.get("failOnErrors")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise bad_request("failOnErrors must be a positive integer", ScimType.INVALID_VALUE)
    return value


def _entries(body: Any, max_operations: int | None) -> list[Any]:
    if not isinstance(body, dict) or BULK_REQUEST not in (body.get("schemas") or []):
        raise bad_request(
            f"A bulk request lists {BULK_REQUEST!r} in schemas", ScimType.INVALID_SYNTAX
        )
    entries = body.get("Operations")
    if not isinstance(entries, list) or not entries:
        raise bad_request(
            "A bulk request carries Operations, a non-empty list", ScimType.INVALID_SYNTAX
        )
    if max_operations is not None and len(entries) > max_operations:
        detail = (
            f"The bulk request carries {len(entries)} operations; maxOperations is {max_operations}"
        )
        raise ScimError(413, detail)
    return entries


def _error(status: int, detail: str) -> dict[str, Any]:
    return {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}


@dataclass
class Job:
    """One bulk request under way: what it created, what failed, what was answered."""

    ctx: Context
    base_path: str  # the SCIM base below the server's root: /t/acme/scim/v2
    fail_on_errors: int | None
    created: dict[str, str]
    failed: set[str]
    results: dict[int, dict[str, Any]]
    errors: int = 0

    @property
    def stopped(self) -> bool:
        return self.fail_on_errors is not None and self.errors >= self.fail_on_errors

    def answer(self, op: Operation, status: int, headers: dict[str, str], body: Any) -> None:
        result: dict[str, Any] = {"method": op.method, "status": str(status)}
        if op.bulk_id is not None:
            result["bulkId"] = op.bulk_id
        if "etag" in headers:
            result["version"] = headers["etag"]
        # RFC 7644 3.7.3: a location for every operation but a failed POST.
        if op.method == "POST" and status == 201:
            result["location"] = headers.get("location")
        elif op.method != "POST" and op.path:
            result["location"] = f"{self.ctx.base_url}{substitute(op.path, self.created)}"
        if status >= 400:
            result["response"] = body
            self.errors += 1
            if op.bulk_id is not None:
                self.failed.add(op.bulk_id)
        elif op.method == "POST" and op.bulk_id is not None and isinstance(body, dict):
            self.created[op.bulk_id] = str(body.get("id"))
        self.results[op.index] = result

    def refuse(self, op: Operation, detail: str, status: int = 409) -> None:
        self.answer(op, status, {}, _error(status, detail))


async def _run(request: Request, job: Job, pending: list[Operation]) -> None:
    """Serve each operation once what it names exists; what never can is refused."""
    while pending and not job.stopped:
        waiting: list[Operation] = []
        for op in pending:
            if job.stopped:
                return
            named = references([op.path, op.data])
            if named & job.failed:
                job.refuse(op, f"bulkId {sorted(named & job.failed)[0]!r} names a failed operation")
            elif named - job.created.keys():
                waiting.append(op)
            else:
                await _serve(request, job, op)
        if len(waiting) == len(pending):
            for op in waiting:
                if not job.stopped:
                    unknown = sorted(references([op.path, op.data]) - job.created.keys())[0]
                    job.refuse(op, f"bulkId {unknown!r} names no resource this request creates")
            return
        pending = waiting


async def _serve(request: Request, job: Job, op: Operation) -> None:
    path = job.base_path + substitute(op.path, job.created)
    data = None if op.method == "DELETE" else substitute(op.data, job.created)
    answer: Answer = await serve(request, op.method, path, data, op.version)
    job.answer(op, answer.status, answer.headers, answer.body)


def _taken(job: Job, entries: list[Any]) -> list[Operation]:
    """The operations the server can serve; each other one is answered 400 in its place."""
    taken: list[Operation] = []
    used: set[str] = set()  # the bulkIds of the operations taken so far
    for index, entry in enumerate(entries):
        problem = _problem(entry) if isinstance(entry, dict) else "An operation is a JSON object"
        if problem is None and entry.get("bulkId") in used:
            # RFC 7644 3.7: a bulkId is "unique within a bulk request"; a second one is refused
            # rather than let a reference name either resource.
            problem = f"bulkId {entry['bulkId']!r} is used by an earlier operation"
        if problem is None:
            operation = _operation(index, entry)
            taken.append(operation)
            if operation.bulk_id is not None:
                used.add(operation.bulk_id)
            continue
        method = str(entry.get("method", "")).upper() if isinstance(entry, dict) else ""
        job.refuse(Operation(index, method, "", None, None, None), problem, status=400)
    return taken


async def bulk(request: Request) -> Response:
    ctx = context(request)
    limits = ctx.limits
    max_operations, max_payload = current().held_bulk_limits(
        limits.max_bulk_operations, limits.max_bulk_payload
    )
    cap = None
    if max_payload is not None:
        cap = (max_payload, f"The bulk request is larger than maxPayloadSize ({max_payload} bytes)")
    body = await read_json(request, limits, cap=cap)
    entries = _entries(body, max_operations)
    base_path = str(request.scope["path"]).rstrip("/").removesuffix("/Bulk")
    job = Job(ctx, base_path, _fail_on_errors(body), {}, set(), {})
    await _run(request, job, _taken(job, entries))
    operations = [job.results[index] for index in sorted(job.results)]
    return ScimResponse({"schemas": [BULK_RESPONSE], "Operations": operations})
