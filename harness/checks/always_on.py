"""Checks that run on every exchange, whatever the scenario expects of it."""

from __future__ import annotations

from collections.abc import Iterator

from .context import CheckContext
from .registry import Finding, Level, check

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
JSON_MEDIA_TYPES = ("application/scim+json", "application/json")
NOT_IMPLEMENTED = 501


@check(
    "transport-complete",
    Level.MUST,
    "RFC 9110 6; okta.md 1 (60 s socket timeout)",
    "The server answers completely, in time, without redirecting away",
    always_on=True,
)
def transport_complete(ctx: CheckContext) -> Iterator[Finding]:
    """A connected server must finish its answer: no timeout, reset, oversized body or foreign
    redirect. IdPs give up (Okta after 60 s) and retry, so these break provisioning."""
    error = ctx.exchange.error
    if error is not None and error.kind != "unreachable":
        yield Finding(error.detail, expected="a complete response", actual=error.kind)


@check(
    "no-server-error",
    Level.MUST,
    "RFC 7644 3.12; robustness.md 0.8",
    "No request is answered with a 5xx status",
    always_on=True,
)
def no_server_error(ctx: CheckContext) -> Iterator[Finding]:
    """IdPs retry 5xx answers (Entra escrow, Okta tasks): bad input must be a 4xx, not a crash.
    501 is no fault: RFC 7644 3.12 lists it for an operation the server does not support."""
    response = ctx.exchange.response
    if response is not None and response.status >= 500 and response.status != NOT_IMPLEMENTED:
        yield Finding(
            f"answered {response.status}", expected="a status below 500", actual=response.status
        )


@check(
    "json-media-type",
    Level.MUST,
    "RFC 7644 3.1, 8.1; entra_onelogin.md 4.3",
    "Bodies are JSON, with a JSON media type",
    always_on=True,
)
def json_media_type(ctx: CheckContext) -> Iterator[Finding]:
    """Every body the server returns is JSON (`application/scim+json` or `application/json`), and
    parses: Okta's parser shows plain-text errors to admins as "Unrecognized token"."""
    response = ctx.exchange.response
    if response is None or not response.body.strip() or ctx.exchange.error is not None:
        return
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in JSON_MEDIA_TYPES:
        yield Finding(
            "the body is not labelled as JSON", expected=JSON_MEDIA_TYPES[0], actual=media_type
        )
    elif ctx.json() is None:
        yield Finding("the body is not valid JSON", expected="JSON", actual=response.body[:200])


@check(
    "error-body-is-scim",
    Level.MUST,
    "RFC 7644 3.12",
    "4xx answers carry a SCIM Error with `status` as a string",
    always_on=True,
)
def error_body_is_scim(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 7644 3.12: error bodies use the Error schema; `status` is "the HTTP status code ...
    expressed as a JSON string. REQUIRED."""
    response = ctx.exchange.response
    if response is None or not 400 <= response.status < 500:
        return
    body = ctx.json()
    if not isinstance(body, dict) or ERROR_SCHEMA not in (body.get("schemas") or []):
        yield Finding(
            "the error body is not a SCIM Error", expected=ERROR_SCHEMA, actual=response.body[:200]
        )
    elif body.get("status") != str(response.status):
        yield Finding(
            "`status` must be the HTTP status as a JSON string",
            expected=str(response.status),
            actual=body.get("status"),
        )


@check(
    "schemas-present",
    Level.MUST,
    "RFC 7643 3; RFC 7644 3.4.2",
    "Every SCIM object the server returns names its `schemas`",
    always_on=True,
)
def schemas_present(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 7643 3: `schemas` is REQUIRED in every resource and message the server returns."""
    response = ctx.exchange.response
    body = ctx.json()
    if response is None or response.status >= 300 or not isinstance(body, dict):
        return
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or not schemas:
        yield Finding("the body has no `schemas` list", expected="a non-empty list", actual=schemas)
