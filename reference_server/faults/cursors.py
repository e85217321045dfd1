"""Faults that break RFC 9865 cursor paging (docs/cursor-paging.md), one rule each, the shape of
its advertisement, and the one that withdraws the advertisement, under which the cursor scenarios
must SKIP rather than fail.

All are rewrites: of a cursor query before the server reads it, or of its answer. A cursor query
is a `GET /Users` or `/Groups` list with a `cursor` parameter, empty for the first page.
"""

from __future__ import annotations

from .exchange import Exchange
from .registry import fault

# Characters RFC 3986 2.3 leaves out of `unreserved`: a cursor holding them must be
# percent-encoded in a query string.
RESERVED_TAIL = "+/="


def _cursor_query(x: Exchange) -> bool:
    listing = x.on("Users", "GET", item=False) or x.on("Groups", "GET", item=False)
    return listing and x.param("cursor") is not None


def _cursor_page(x: Exchange) -> dict[str, object] | None:
    """The answer to a cursor query, when it is a ListResponse."""
    return x.listed() if _cursor_query(x) else None


def _set_param(x: Exchange, name: str, value: str | None) -> None:
    for key in [k for k in x.query if k.lower() == name.lower()]:
        del x.query[key]
    if value is not None:
        x.query[name] = value


@fault(
    "cursor-not-advertised",
    "/ServiceProviderConfig leaves out RFC 9865's pagination block; cursors still work",
)
def _cursor_not_advertised(x: Exchange) -> None:
    if x.parts == ["ServiceProviderConfig"] and isinstance(x.json, dict):
        x.json.pop("pagination", None)


@fault(
    "pagination-malformed",
    "/ServiceProviderConfig gives pagination.cursorTimeout as a string and maxPageSize as 0",
)
def _pagination_malformed(x: Exchange) -> None:
    # RFC 9865 4: both are positive integers.
    if x.parts == ["ServiceProviderConfig"] and isinstance(x.json, dict):
        pagination = x.json.get("pagination")
        if isinstance(pagination, dict):
            pagination["cursorTimeout"] = str(pagination.get("cursorTimeout"))
            pagination["maxPageSize"] = 0


@fault(
    "cursor-ignored",
    "The cursor parameter is ignored: lists page by index, no nextCursor",
    phase="request",
)
def _cursor_ignored(x: Exchange) -> None:
    if _cursor_query(x):
        _set_param(x, "cursor", None)


@fault(
    "cursor-never-ends",
    "Every page after the first names its own cursor as nextCursor, the last page too",
)
def _cursor_never_ends(x: Exchange) -> None:
    # A client following nextCursor never learns it has reached the end.
    page, cursor = _cursor_page(x), x.param("cursor")
    if page is not None and cursor:
        page["nextCursor"] = cursor


@fault(
    "cursor-page-overfilled",
    "A cursor page holds one resource more than count asked for",
    phase="request",
)
def _cursor_page_overfilled(x: Exchange) -> None:
    count = x.param("count")
    if _cursor_query(x) and count is not None and count.strip().isdigit() and int(count) > 0:
        _set_param(x, "count", str(int(count) + 1))


@fault(
    "cursor-max-page-size-unheld",
    "/ServiceProviderConfig advertises a maxPageSize of 1 that cursor pages do not hold",
)
def _cursor_max_page_size_unheld(x: Exchange) -> None:
    if x.parts == ["ServiceProviderConfig"] and isinstance(x.json, dict):
        pagination = x.json.get("pagination")
        if isinstance(pagination, dict):
            pagination["maxPageSize"] = 1


@fault(
    "cursor-count-zero-ignored",
    "A cursor query with count 0 or less gets a full page",
    phase="request",
)
def _cursor_count_zero_ignored(x: Exchange) -> None:
    count = (x.param("count") or "").strip()
    if _cursor_query(x) and count.lstrip("-").isdigit() and int(count) <= 0:
        _set_param(x, "count", None)


@fault("cursor-previous-on-first-page", "The first cursor page carries a previousCursor")
def _cursor_previous_on_first_page(x: Exchange) -> None:
    page = _cursor_page(x)
    if page is not None and x.param("cursor") == "" and isinstance(page.get("nextCursor"), str):
        page["previousCursor"] = page["nextCursor"]


@fault(
    "cursor-reserved-characters",
    'nextCursor ends in "+/=", characters a query string must percent-encode; they are '
    "stripped again when the cursor comes back",
)
def _cursor_reserved_characters_out(x: Exchange) -> None:
    page = _cursor_page(x)
    if page is not None and isinstance(page.get("nextCursor"), str):
        page["nextCursor"] = f"{page['nextCursor']}{RESERVED_TAIL}"


@fault("cursor-reserved-characters", phase="request")
def _cursor_reserved_characters_in(x: Exchange) -> None:
    cursor = x.param("cursor")
    if _cursor_query(x) and cursor and cursor.endswith(RESERVED_TAIL):
        _set_param(x, "cursor", cursor.removesuffix(RESERVED_TAIL))


@fault(
    "cursor-garbage-accepted",
    "A cursor the server never issued is taken for an empty one: the first page again",
    phase="request",
)
def _cursor_garbage_accepted(x: Exchange) -> None:
    # The reference server's cursors are two base64url parts around a dot.
    cursor = x.param("cursor")
    if _cursor_query(x) and cursor and "." not in cursor:
        _set_param(x, "cursor", "")


@fault("cursor-expiry-as-invalid", "An expired cursor is refused as invalidCursor")
def _cursor_expiry_as_invalid(x: Exchange) -> None:
    error = x.error()
    if _cursor_query(x) and error is not None and error.get("scimType") == "expiredCursor":
        error["scimType"] = "invalidCursor"
