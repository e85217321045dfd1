"""Checks that run on every exchange, whatever the scenario expects of it."""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
JSON_MEDIA_TYPES = ("application/scim+json", "application/json")
NOT_IMPLEMENTED = 501


@check(
    "transport-complete",
    Level.MUST,
    "docs/idp/okta.md#transport",
    "The server answers completely, in time, without redirecting away",
    quote=(
        "A server MUST answer every Okta request completely within 60 seconds, or Okta counts the "
        "operation as failed."
    ),
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
    "docs/robustness.md#server-errors; RFC 7644 3.12",
    "No request is answered with a 5xx status other than 501 (not supported)",
    quote=(
        "For IdP compatibility a server MUST NOT answer a request with a 5xx status because of what"
        " the client sent; a 501 (RFC 7644, section 3.12: the operation is not supported) is a "
        "refusal, not a fault."
    ),
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
    (
        "docs/idp/okta.md#transport; docs/idp/entra.md#media-type; docs/idp/onelogin.md#media-type;"
        " RFC 7644 3.8"
    ),
    "Bodies are JSON, with a JSON media type",
    quote="A server MUST answer Okta with JSON bodies labelled with a JSON media type.",
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
    quote=(
        "In addition to returning an HTTP response code, implementers MUST return the errors in the"
        " body of the response in a JSON format, using the attributes described below."
    ),
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
    quote=(
        'The "schemas" attribute is a REQUIRED attribute and is an array of Strings containing URIs'
        " that are used to indicate the namespaces of the SCIM schemas that define the attributes "
        "present in the current JSON structure."
    ),
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
