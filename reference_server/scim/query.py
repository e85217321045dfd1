"""The list parameters of a query (RFC 7644 3.4.2) and of a SearchRequest body (RFC 7644 3.4.3).

Both forms end as one `ListQuery`. Parameter names fold case: RFC 7644 3.4.2 gives them in
camelCase, but Okta and Entra ID vary the case, and the RFC treats attribute names as
case-insensitive everywhere else. The filter stays a string; the filter module parses it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ScimError, ScimType, bad_request

SEARCH_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

# Plain ASCII digits only: `int()` would also take "1_000", " ١٢ " and "+-" forms, and at most
# 19 digits so that anything beyond a signed 64-bit integer is refused before `int()` runs.
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_INT64 = 2**63


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A list request, normalised: paging already applied to RFC 7644 3.4.2.4's rules."""

    filter: str | None
    start_index: int  # 1-based
    count: int  # already clamped to [0, max_results]
    sort_by: str | None
    descending: bool
    attributes: tuple[str, ...]
    excluded_attributes: tuple[str, ...]
    # RFC 9865: None pages by index; "" asks for the first cursor page, anything else the page
    # a previous answer's nextCursor named.
    cursor: str | None = None


def query_from_params(params: Mapping[str, str], *, max_results: int) -> ListQuery:
    """The query of `GET /Users?...` (RFC 7644 3.4.2)."""
    folded = _fold_keys(params)
    start = folded.get("startindex")
    count = folded.get("count")
    return _build(
        filter_text=folded.get("filter"),
        start_index=None if start is None else _integer("startIndex", start),
        count=None if count is None else _integer("count", count),
        sort_by=folded.get("sortby"),
        sort_order=folded.get("sortorder"),
        attributes=_split(folded.get("attributes")),
        excluded=_split(folded.get("excludedattributes")),
        max_results=max_results,
        cursor=folded.get("cursor"),
    )


def projection_from_params(params: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`attributes` and `excludedAttributes` of a single-resource request (RFC 7644 3.9)."""
    folded = _fold_keys(params)
    return _split(folded.get("attributes")), _split(folded.get("excludedattributes"))


def query_from_search_request(body: object, *, max_results: int) -> ListQuery:
    """The query of `POST /.search` (RFC 7644 3.4.3): the same parameters as a JSON object."""
    if not isinstance(body, Mapping):
        raise bad_request("A SearchRequest body must be a JSON object", ScimType.INVALID_SYNTAX)
    folded: dict[str, object] = {str(key).lower(): value for key, value in body.items()}
    schemas = folded.get("schemas")
    if not isinstance(schemas, list) or SEARCH_REQUEST_SCHEMA.lower() not in {
        str(urn).lower() for urn in schemas
    }:
        raise bad_request(f"schemas must contain {SEARCH_REQUEST_SCHEMA}", ScimType.INVALID_SYNTAX)
    return _build(
        filter_text=_json_string(folded, "filter"),
        start_index=_json_integer(folded, "startIndex"),
        count=_json_integer(folded, "count"),
        sort_by=_json_string(folded, "sortBy"),
        sort_order=_json_string(folded, "sortOrder"),
        attributes=_json_names(folded, "attributes"),
        excluded=_json_names(folded, "excludedAttributes"),
        max_results=max_results,
        cursor=_json_string(folded, "cursor"),  # RFC 9865 3: the same cursor, in the body
    )


def _build(
    *,
    filter_text: str | None,
    start_index: int | None,
    count: int | None,
    sort_by: str | None,
    sort_order: str | None,
    attributes: tuple[str, ...],
    excluded: tuple[str, ...],
    max_results: int,
    cursor: str | None = None,
) -> ListQuery:
    # RFC 7644 3.4.2.4: startIndex "less than 1 SHALL be interpreted as 1"; a negative count
    # "SHALL be interpreted as 0"; an absent count leaves the server's maximum, and the server
    # may cap any count at that maximum (3.4.2.4, "MUST NOT return more results than specified").
    return ListQuery(
        # The filter goes on untouched, except that an empty one is no filter at all.
        filter=filter_text if filter_text is not None and filter_text.strip() else None,
        start_index=max(1, 1 if start_index is None else start_index),
        count=max_results if count is None else min(max(0, count), max_results),
        sort_by=_blank_to_none(sort_by),
        descending=_descending(sort_order),
        attributes=attributes,
        excluded_attributes=excluded,
        cursor=None if cursor is None else cursor.strip(),
    )


def _descending(sort_order: str | None) -> bool:
    # RFC 7644 3.4.2.3: "ascending" is the default; the values are compared case-insensitively.
    order = (sort_order or "").strip().lower()
    if order in ("", "ascending"):
        return False
    if order == "descending":
        return True
    raise _invalid("sortOrder", "must be 'ascending' or 'descending'")


def _blank_to_none(text: str | None) -> str | None:
    return (text.strip() or None) if text is not None else None


def _fold_keys(params: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in params.items()}


def _split(value: str | None) -> tuple[str, ...]:
    """A comma-separated attribute list (RFC 7644 3.4.2.5), trimmed, empty names dropped."""
    if value is None:
        return ()
    return tuple(name.strip() for name in value.split(",") if name.strip())


def _integer(name: str, text: str) -> int:
    text = text.strip()
    if not _INTEGER.fullmatch(text) or not -_INT64 <= int(text) < _INT64:
        raise _invalid(name, "must be an integer")
    return int(text)


def _json_integer(body: Mapping[str, object], name: str) -> int | None:
    value = body.get(name.lower())
    if value is None:
        return None
    if isinstance(value, str):  # tolerated: some clients quote every JSON value
        return _integer(name, value)
    # bool is an int subclass in Python, but `true` is no integer in JSON.
    if isinstance(value, bool) or not isinstance(value, int) or not -_INT64 <= value < _INT64:
        raise _invalid(name, "must be an integer")
    return value


def _json_string(body: Mapping[str, object], name: str) -> str | None:
    value = body.get(name.lower())
    if value is None or isinstance(value, str):
        return value
    raise _invalid(name, "must be a string")


def _json_names(body: Mapping[str, object], name: str) -> tuple[str, ...]:
    value = body.get(name.lower())
    if value is None:
        return ()
    # RFC 7644 3.4.3 makes these "a multi-valued list of strings".
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _invalid(name, "must be an array of strings")
    return tuple(part for item in value for part in _split(item))


def _invalid(name: str, reason: str) -> ScimError:
    return bad_request(f"{name} {reason}", ScimType.INVALID_VALUE)
