"""List parameters and SearchRequest bodies (RFC 7644 3.4.2, 3.4.3, 3.9)."""

from __future__ import annotations

from typing import Any

import pytest

from reference_server.scim.errors import ScimError, ScimType
from reference_server.scim.query import (
    SEARCH_REQUEST_SCHEMA,
    ListQuery,
    projection_from_params,
    query_from_params,
    query_from_search_request,
)

MAX = 200


def _query(**params: str) -> ListQuery:
    return query_from_params(params, max_results=MAX)


def _search(**body: Any) -> ListQuery:
    return query_from_search_request({"schemas": [SEARCH_REQUEST_SCHEMA], **body}, max_results=MAX)


def test_defaults() -> None:
    assert _query() == ListQuery(
        filter=None,
        start_index=1,
        count=MAX,
        sort_by=None,
        descending=False,
        attributes=(),
        excluded_attributes=(),
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("0", 1), ("-5", 1), ("7", 7), (" 3 ", 3), ("+2", 2), (str(2**62), 2**62)],
)
def test_start_index_below_one_is_one(raw: str, expected: int) -> None:
    assert _query(startIndex=raw).start_index == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0), ("-1", 0), ("10", 10), ("200", 200), ("201", 200), ("1000000", 200), (" 5", 5)],
)
def test_count_is_clamped(raw: str, expected: int) -> None:
    assert _query(count=raw).count == expected


@pytest.mark.parametrize("name", ["count", "startIndex"])
@pytest.mark.parametrize(
    "raw", ["abc", "1.5", "", "  ", "1e3", "0x10", "1_000", "١٢", "--1", str(2**63), "9" * 5000]
)
def test_non_integer_paging_is_invalid_value(name: str, raw: str) -> None:
    with pytest.raises(ScimError) as caught:
        _query(**{name: raw})
    assert caught.value.status == 400
    assert caught.value.scim_type is ScimType.INVALID_VALUE
    assert name in caught.value.detail


def test_int64_bounds() -> None:
    assert _query(count=str(2**63 - 1)).count == MAX
    assert _query(count=str(-(2**63))).count == 0


@pytest.mark.parametrize(
    "params",
    [
        {"startindex": "3", "COUNT": "4", "SortBy": "userName", "sortorder": "Descending"},
        {"StartIndex": "3", "Count": "4", "sortBy": "userName", "SORTORDER": "DESCENDING"},
    ],
)
def test_parameter_names_are_case_insensitive(params: dict[str, str]) -> None:
    query = query_from_params(params, max_results=MAX)
    assert (query.start_index, query.count, query.sort_by, query.descending) == (
        3,
        4,
        "userName",
        True,
    )


@pytest.mark.parametrize(
    ("raw", "descending"),
    [("ascending", False), ("ASCENDING", False), ("descending", True), (" Descending ", True)],
)
def test_sort_order(raw: str, descending: bool) -> None:
    assert _query(sortOrder=raw).descending is descending


@pytest.mark.parametrize("raw", ["desc", "up", "1"])
def test_unknown_sort_order_is_invalid_value(raw: str) -> None:
    with pytest.raises(ScimError) as caught:
        _query(sortOrder=raw)
    assert caught.value.scim_type is ScimType.INVALID_VALUE
    assert "sortOrder" in caught.value.detail


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('userName eq "bjensen"', 'userName eq "bjensen"'),
        ("", None),
        ("   ", None),
    ],
)
def test_filter_passes_through(raw: str, expected: str | None) -> None:
    assert _query(filter=raw).filter == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("userName", ("userName",)),
        ("userName, name.givenName ,emails.value", ("userName", "name.givenName", "emails.value")),
        (" , userName,, ", ("userName",)),
        ("", ()),
    ],
)
def test_attribute_lists_are_split_and_trimmed(raw: str, expected: tuple[str, ...]) -> None:
    assert _query(attributes=raw).attributes == expected
    assert _query(excludedAttributes=raw).excluded_attributes == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ((), ())),
        ({"attributes": "userName"}, (("userName",), ())),
        ({"excludedattributes": "members"}, ((), ("members",))),
        ({"ATTRIBUTES": "a, b", "ExcludedAttributes": "c"}, (("a", "b"), ("c",))),
    ],
)
def test_projection_from_params(
    params: dict[str, str], expected: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    assert projection_from_params(params) == expected


def test_search_request_full() -> None:
    query = _search(
        filter='userName sw "b"',
        startIndex=2,
        count=5,
        sortBy="name.familyName",
        sortOrder="descending",
        attributes=["userName", " emails.value "],
        excludedAttributes=[],
    )
    assert query == ListQuery(
        filter='userName sw "b"',
        start_index=2,
        count=5,
        sort_by="name.familyName",
        descending=True,
        attributes=("userName", "emails.value"),
        excluded_attributes=(),
    )


def test_search_request_keys_are_case_insensitive() -> None:
    body = {
        "SCHEMAS": [SEARCH_REQUEST_SCHEMA.upper()],
        "StartIndex": 0,
        "COUNT": -3,
        "excludedattributes": ["members"],
    }
    query = query_from_search_request(body, max_results=MAX)
    assert (query.start_index, query.count, query.excluded_attributes) == (1, 0, ("members",))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"count": "7", "startIndex": " 3 "}, (3, 7)),
        ({"count": 1000000}, (1, MAX)),
        ({"count": None, "startIndex": None}, (1, MAX)),
    ],
)
def test_search_request_paging(body: dict[str, Any], expected: tuple[int, int]) -> None:
    query = _search(**body)
    assert (query.start_index, query.count) == expected


@pytest.mark.parametrize(
    "body",
    [
        [],
        "x",
        None,
        {},
        {"schemas": SEARCH_REQUEST_SCHEMA},
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]},
    ],
)
def test_search_request_without_its_schema_is_invalid_syntax(body: object) -> None:
    with pytest.raises(ScimError) as caught:
        query_from_search_request(body, max_results=MAX)
    assert caught.value.status == 400
    assert caught.value.scim_type is ScimType.INVALID_SYNTAX


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("count", 1.5),
        ("count", True),
        ("count", "abc"),
        ("count", [1]),
        ("count", 2**63),
        ("startIndex", {}),
        ("filter", 3),
        ("sortBy", ["userName"]),
        ("sortOrder", "sideways"),
        ("attributes", "userName"),
        ("attributes", [1]),
        ("excludedAttributes", {"members": True}),
    ],
)
def test_search_request_wrong_types_are_invalid_value(name: str, value: object) -> None:
    with pytest.raises(ScimError) as caught:
        _search(**{name: value})
    assert caught.value.scim_type is ScimType.INVALID_VALUE
    assert name in caught.value.detail
