"""HTTP details of SCIM: JSON bodies in, `application/scim+json` out, ETag preconditions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..limits import Limits
from .errors import ScimError, ScimType, bad_request, precondition_failed
from .render import etag

SCIM_MEDIA_TYPE = "application/scim+json"
ACCEPTED_MEDIA_TYPES = frozenset({"application/scim+json", "application/json"})


class ScimResponse(Response):
    media_type = SCIM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(error: ScimError) -> ScimResponse:
    return ScimResponse(error.body(), status_code=error.status, headers=error.headers)


def _refuse_constant(name: str) -> Any:
    raise bad_request(f"{name} is not valid JSON", ScimType.INVALID_SYNTAX)


def _finite_float(text: str) -> float:
    """`1e999` parses to infinity, which JSON cannot carry back out: refuse it."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise bad_request("A JSON number is out of range", ScimType.INVALID_VALUE)
    return value


def _check_depth(value: Any, max_depth: int) -> None:
    """Iterative, so a hostile nesting cannot exhaust the stack
    (docs/robustness.md#parser-limits)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise bad_request(f"JSON nests deeper than {max_depth} levels", ScimType.INVALID_SYNTAX)
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _check_media_type(request: Request) -> None:
    content_type = request.headers.get("content-type")
    if content_type is None:
        return  # tolerated: a body without a type is read as JSON
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in ACCEPTED_MEDIA_TYPES:
        raise ScimError(
            415, f"Content-Type must be {SCIM_MEDIA_TYPE} or application/json, not {media_type!r}"
        )


async def _read_capped(request: Request, limit: int, too_large: str) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ScimError(413, too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ScimError(413, too_large)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, limits: Limits, *, cap: tuple[int, str] | None = None) -> Any:
    """The request body as JSON, or a SCIM 400/413/415 naming what is wrong with it. `cap`: a
    smaller size limit than the server's own, and the 413's detail naming it (/Bulk's)."""
    _check_media_type(request)
    limit = limits.max_body_bytes
    too_large = f"The request body is larger than {limit} bytes"
    if cap is not None and cap[0] < limit:
        limit, too_large = cap
    raw = await _read_capped(request, limit, too_large)
    if not raw.strip():
        raise bad_request("The request body is empty", ScimType.INVALID_SYNTAX)
    try:
        body = json.loads(
            raw.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float
        )
    except UnicodeDecodeError as error:
        raise bad_request("The request body is not UTF-8", ScimType.INVALID_SYNTAX) from error
    except RecursionError as error:
        raise bad_request("JSON nests too deeply", ScimType.INVALID_SYNTAX) from error
    except json.JSONDecodeError as error:
        raise bad_request(
            f"The request body is not valid JSON: {error.msg} at line {error.lineno} column "
            f"{error.colno}",
            ScimType.INVALID_SYNTAX,
        ) from error
    except ValueError as error:
        # An integer longer than Python's int_max_str_digits (4300 digits) is not a value
        # any SCIM attribute can hold; the interpreter refuses to convert it.
        raise bad_request("A JSON number is too long", ScimType.INVALID_VALUE) from error
    _check_depth(body, limits.max_json_depth)
    return body


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def check_if_match(headers: Mapping[str, str], version: int) -> None:
    """RFC 7644 3.14: a stale `If-Match` on PUT, PATCH or DELETE is 412 and changes nothing."""
    header = headers.get("if-match")
    if header is None or header.strip() == "*":
        return
    if etag(version).removeprefix("W/") not in _etags(header):
        raise precondition_failed()


def not_modified(headers: Mapping[str, str], version: int) -> bool:
    """RFC 7644 3.14: `If-None-Match` with the current version is answered 304."""
    header = headers.get("if-none-match")
    if header is None:
        return False
    return header.strip() == "*" or etag(version).removeprefix("W/") in _etags(header)
