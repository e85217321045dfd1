"""The RFC 9865 cursor checks and capabilities, on answers made up to break each rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.checks.context import CheckContext
from harness.checks.cursor import cursor_page_size, cursor_unreserved
from harness.engine.target import _cursor_features
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse


def context(url: str, status: int, body: Any, pagination: Any = None) -> CheckContext:
    headers = {"content-type": "application/scim+json"}
    exchange = Exchange(
        request=RecordedRequest(method="GET", url=url, headers={}, body=None),
        response=RecordedResponse(
            status=status, headers=headers, body=json.dumps(body), truncated=False
        ),
        elapsed_ms=1.0,
        error=None,
    )
    saved = {} if pagination is None else {"pagination": pagination}
    return CheckContext(exchange=exchange, variables=saved)


def page(n: int, **extra: Any) -> dict[str, Any]:
    return {"totalResults": 9, "Resources": [{"id": str(i)} for i in range(n)], **extra}


@pytest.mark.parametrize(
    ("url", "status", "body", "pagination", "found"),
    [
        ("http://s/Users?cursor=&count=2", 200, page(2), None, 0),
        ("http://s/Users?cursor=&count=2", 200, page(3), None, 1),
        ("http://s/Users?cursor=&count=-1", 200, page(1), None, 1),
        ("http://s/Users?cursor=&count=9", 200, page(3), {"maxPageSize": 2}, 1),
        (
            "http://s/Users?cursor=&count=9",
            400,
            {"scimType": "invalidCount"},
            {"maxPageSize": 2},
            0,
        ),
        (
            "http://s/Users?cursor=&count=9",
            400,
            {"scimType": "invalidValue"},
            {"maxPageSize": 2},
            1,
        ),
        (
            "http://s/Users?cursor=&count=1",
            400,
            {"scimType": "invalidValue"},
            {"maxPageSize": 2},
            0,
        ),
    ],
)
def test_page_size(url: str, status: int, body: Any, pagination: Any, found: int) -> None:
    assert len(list(cursor_page_size(context(url, status, body, pagination)))) == found


@pytest.mark.parametrize(
    ("extra", "found"),
    [
        ({"nextCursor": "AAB.x-_~9"}, 0),
        ({"nextCursor": "AA+B/="}, 1),
        ({"nextCursor": ""}, 1),
        ({"nextCursor": "ok", "previousCursor": "n%20o"}, 1),
        ({}, 0),
    ],
)
def test_unreserved(extra: dict[str, Any], found: int) -> None:
    ctx = context("http://s/Users?cursor=&count=1", 200, page(1, **extra))
    assert len(list(cursor_unreserved(ctx))) == found


def test_capabilities_follow_the_pagination_block() -> None:
    assert _cursor_features({})[0] == set()
    assert "RFC 9865" in _cursor_features({"pagination": {"cursor": False}})[1]["cursor"]
    assert _cursor_features({"pagination": {"cursor": True}})[0] == {"cursor"}
    slow = _cursor_features({"pagination": {"cursor": True, "cursorTimeout": 600}})
    assert slow[0] == {"cursor"} and "600 s" in slow[1]["cursor-expiry"]
    fast = {"pagination": {"cursor": True, "cursorTimeout": 2}}
    assert _cursor_features(fast) == ({"cursor", "cursor-expiry"}, {})
