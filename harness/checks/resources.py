"""Code checks on resources and list answers, named by expectations (`schema`, `checks: [...]`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check
from harness.checks.validation import canonicalise, validate


@check(
    "schema-valid",
    Level.MUST,
    "RFC 7643 3.1; RFC 7643 4; RFC 7643 8.7; RFC 7644 3.4.2; RFC 7644 3.12",
    "The answer follows its SCIM schema",
    quote='Each representation of the resource MUST include a non-empty "id" value.',
)
def schema_valid(ctx: CheckContext) -> Iterator[Finding]:
    """The body validates against the JSON Schema the step names (written from RFC 7643 4-8 and
    RFC 7644), after attribute names are canonicalised, and against what the target's own
    `/Schemas` declares (types, multiValued, required, `returned: never`)."""
    body = ctx.json()
    if ctx.schema is None:
        return
    if body is None:
        yield Finding("no JSON body to validate", expected=ctx.schema, actual=None)
        return
    for problem in validate(ctx.schema, body, ctx.target_schemas or None):
        yield Finding(f"{problem.pointer or '(body)'}: {problem.message}", expected=ctx.schema)


@check(
    "canonical-attribute-names",
    Level.SHOULD,
    "docs/robustness.md#attribute-names; RFC 7643 2.1",
    "Attribute names are returned in their canonical spelling",
    quote=(
        "A server SHOULD return each attribute in the spelling its schema defines, such as "
        "`userName` rather than `username`."
    ),
)
def canonical_attribute_names(ctx: CheckContext) -> Iterator[Finding]:
    """Names are case-insensitive (RFC 7643 2.1), but clients that compare JSON keys exactly
    (many IdP connectors do) miss `UserName`; the schema's spelling is what servers should send."""
    body = ctx.json()
    if body is None:
        return
    _, odd = canonicalise(body, ctx.target_schemas or None)
    for pointer in odd:
        yield Finding(f"{pointer}: not the schema's spelling of the attribute name")


def _requested_count(ctx: CheckContext) -> int | None:
    query = parse_qs(urlsplit(ctx.exchange.request.url).query)
    for key, values in query.items():
        if key.lower() == "count" and values and values[0].lstrip("-").isdigit():
            return max(int(values[0]), 0)
    return None


@check(
    "list-response-consistent",
    Level.MUST,
    "RFC 7644 3.4.2; RFC 7644 3.4.2.4; docs/idp/okta.md#import",
    "List answers count what they return, as JSON integers",
    quote=(
        "startIndex The 1-based index of the first result in the current set of list results. "
        "REQUIRED when partial results are returned due to pagination."
    ),
)
def list_response_consistent(ctx: CheckContext) -> Iterator[Finding]:
    """`totalResults` is a JSON integer (REQUIRED); `itemsPerPage` and `startIndex` are "REQUIRED
    when partial results are returned due to pagination" (RFC 7644 3.4.2), and JSON integers
    whenever present. `itemsPerPage` is the number of `Resources` returned (Okta rejects a server
    claiming 100 on a 2-item last page), and no more than `count` come back ("MUST NOT return
    more results than specified")."""
    body = ctx.json()
    if not isinstance(body, dict):
        return
    resources: Any = body.get("Resources", [])
    returned = len(resources) if isinstance(resources, list) else 0
    yield from _paging_fields(body, _partial(body, returned))
    if _integer(body.get("itemsPerPage")) and body["itemsPerPage"] != returned:
        yield Finding(
            "`itemsPerPage` differs from the number of Resources", returned, body["itemsPerPage"]
        )
    count = _requested_count(ctx)
    if count is not None and returned > count:
        yield Finding(f"{returned} resources returned for count={count}", count, returned)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _partial(body: dict[str, Any], returned: int) -> bool:
    """A page short of `totalResults`: the case where RFC 7644 3.4.2 requires the paging fields."""
    total = body.get("totalResults")
    return not isinstance(total, int) or isinstance(total, bool) or returned < total


def _paging_fields(body: dict[str, Any], partial: bool) -> Iterator[Finding]:
    for key in ("totalResults", "itemsPerPage", "startIndex"):
        value = body.get(key)
        if key not in body and key != "totalResults" and not partial:
            continue  # a complete list may leave the paging fields out
        if not _integer(value):
            yield Finding(f"`{key}` must be a JSON integer", expected="an integer", actual=value)


def _password_pointers(value: Any, at: str = "") -> Iterator[str]:
    """Where a `password` is, in any case or under a schema URN (`urn:...:User:password`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if str(key).lower().rsplit(":", 1)[-1] == "password":
                yield here
            else:
                yield from _password_pointers(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _password_pointers(item, f"{at}/{index}")


@check(
    "password-never-returned",
    Level.MUST,
    "RFC 7643 4.1.1; RFC 7643 7; RFC 7644 7.7",
    "No answer carries a password",
    quote=(
        "The cleartext value or the hashed value of a password SHALL NOT be returnable by a service"
        " provider."
    ),
    tags=("security",),
)
def password_never_returned(ctx: CheckContext) -> Iterator[Finding]:
    """`password` is writeOnly and "MUST never be returned by a service provider in any form"
    (RFC 7643 4.1.1); storing Okta's placeholder enabled account pre-registration elsewhere."""
    for pointer in _password_pointers(ctx.json()):
        # The value itself was redacted when the exchange was recorded (docs/secrets.md).
        yield Finding(
            f"{pointer}: the answer contains `password`", expected="no password", actual="present"
        )


@check(
    "location-matches-meta",
    Level.MUST,
    "RFC 7644 3.3; RFC 7643 3.1",
    "A created resource's Location header is its meta.location",
    quote=(
        'The URI of the created resource SHALL include, in the HTTP "Location" header and the HTTP '
        'body, a JSON representation [RFC7159] with the attribute "meta.location".'
    ),
)
def location_matches_meta(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 7644 3.3: the 201 answer gives the resource's URI in `Location`, equal to
    `meta.location` (3.1), so a client can find what it created."""
    response = ctx.exchange.response
    body = ctx.json()
    if response is None or response.status != 201 or not isinstance(body, dict):
        return
    location = response.headers.get("location")
    meta = body.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    if location is None or location != meta.get("location"):
        yield Finding("Location header and meta.location differ", meta.get("location"), location)


@check(
    "etag-matches-version",
    Level.SHOULD,
    "RFC 7644 3.14",
    "The ETag header equals meta.version when ETags are supported",
    quote=(
        'and SHOULD be specified within the "version" attribute contained in the resource\'s '
        '"meta" attribute.'
    ),
)
def etag_matches_version(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 7644 3.14: with `etag.supported`, a resource's `meta.version` is its entity tag, and the
    ETag header carries the same value, so If-Match works on what GET returned."""
    response = ctx.exchange.response
    body = ctx.json()
    if not ctx.etag_supported or response is None or not isinstance(body, dict):
        return
    meta = body.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    if response.headers.get("etag") != meta.get("version"):
        yield Finding(
            "ETag header differs from meta.version",
            meta.get("version"),
            response.headers.get("etag"),
        )


@check(
    "error-has-detail",
    Level.MAY,
    "RFC 7644 3.12; docs/idp/okta.md#spec-test-4",
    "Errors explain themselves in `detail`",
    quote="detail A detailed human-readable message. OPTIONAL.",
)
def error_has_detail(ctx: CheckContext) -> Iterator[Finding]:
    """Okta shows `detail` verbatim to admins in Tasks, and its SPEC suite requires it non-empty on
    404 and 401 answers (okta-spec-status-404 and -401 grade that); RFC 7644 3.12 makes it
    OPTIONAL, hence a MAY here."""
    body = ctx.json()
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or not detail.strip():
        yield Finding("the error has no `detail`", expected="a non-empty string", actual=detail)
