"""Code checks on RFC 9865 cursor pages, named by the cursor scenarios' expectations.

They read the page's own request (its `count`) and, for `maxPageSize`, the `pagination` block of
`/ServiceProviderConfig` that the scenario saved as the variable `pagination`.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check

# RFC 3986 2.3: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
CURSOR_FIELDS = ("nextCursor", "previousCursor")


def _count(ctx: CheckContext) -> int | None:
    """The request's `count`, a negative one read as 0 (RFC 9865 2); None when absent."""
    query = parse_qs(urlsplit(ctx.exchange.request.url).query, keep_blank_values=True)
    for key, values in query.items():
        if key.lower() == "count" and values and values[0].strip().lstrip("-").isdigit():
            return max(int(values[0]), 0)
    return None


def _max_page_size(ctx: CheckContext) -> int | None:
    pagination = ctx.variables.get("pagination")
    size = pagination.get("maxPageSize") if isinstance(pagination, Mapping) else None
    return size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None


@check(
    "cursor-page-size",
    Level.MUST,
    "RFC 9865 2; RFC 9865 4; RFC 9865 2.1",
    "A cursor page holds no more than count, nor than the advertised maxPageSize",
    quote="When specified, the service provider MUST NOT return more",
)
def cursor_page_size(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 9865 2, `count`: "When specified, the service provider MUST NOT return more"; RFC 9865
    4: `maxPageSize` is the most a page holds "regardless of what is specified for the count". A
    `count` above `maxPageSize` may instead be refused, but then as RFC 9865 2.1 names it: 400
    with `scimType` `invalidCount`."""
    response = ctx.exchange.response
    if response is None:
        return
    body, count, most = ctx.json(), _count(ctx), _max_page_size(ctx)
    if response.status == 400:
        if count is not None and most is not None and count > most:
            scim_type = body.get("scimType") if isinstance(body, dict) else None
            if scim_type != "invalidCount":
                yield Finding(
                    f"count={count} above maxPageSize {most} refused without invalidCount",
                    "invalidCount",
                    scim_type,
                )
        return
    resources = body.get("Resources") if isinstance(body, dict) else None
    returned = len(resources) if isinstance(resources, list) else 0
    if count is not None and returned > count:
        yield Finding(f"{returned} resources on a cursor page for count={count}", count, returned)
    if most is not None and returned > most:
        yield Finding(
            f"{returned} resources on a page, above the advertised maxPageSize {most}",
            most,
            returned,
        )


def _reserved(value: Any) -> str | None:
    """Why `value` is no cursor of unreserved characters, or None when it is one."""
    if not isinstance(value, str) or not value:
        return "not a non-empty string"
    odd = sorted({c for c in value if c not in UNRESERVED})
    return f"holds {''.join(odd)!r}" if odd else None


@check(
    "cursor-unreserved",
    Level.SHOULD,
    "docs/cursor-paging.md#cursor-characters; RFC 9865 2",
    "nextCursor and previousCursor hold only RFC 3986 unreserved characters",
    quote=(
        "A `nextCursor` or `previousCursor` SHOULD hold only the unreserved characters of RFC "
        "3986 2.3: letters, digits, `-`, `.`, `_` and `~`."
    ),
)
def cursor_unreserved(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 9865 2 says a cursor value "may only contain characters from the unreserved characters
    set" of RFC 3986 2.3, without a keyword: a client sends it back in a query string, where any
    other character must be percent-encoded and some clients do not."""
    body = ctx.json()
    if not isinstance(body, dict):
        return
    for name in CURSOR_FIELDS:
        if name in body and (why := _reserved(body[name])) is not None:
            yield Finding(f"`{name}` {why}", "RFC 3986 unreserved characters", body[name])
