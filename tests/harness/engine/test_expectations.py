"""A filter on an attribute no schema defines: refused (400) or matching nobody (200, empty).

RFC 7644 3.12 lets a server answer invalidFilter when "the specified attribute and filter
comparison combination is not supported"; nothing makes it a MUST, and 3.4.2.2 only requires
that no resource the filter does not match is returned. Found by `make crosscheck` on SCIMMY,
which answers an empty list.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.checks import load_all
from harness.checks.context import CheckContext
from harness.engine.expectations import grade
from harness.scenario.model import load_scenario
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from tests.support.paths import ROOT

LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1", "userName": "a"}


def findings(status: int, body: dict[str, Any]) -> list[str]:
    load_all()
    scenario = load_scenario(ROOT / "scenarios" / "robustness" / "filters.yaml")
    step = next(
        s for s in scenario.steps if s.request and "noSuchAttribute" in json.dumps(s.request.params)
    )
    request = RecordedRequest(method="GET", url="http://127.0.0.1:9/Users", headers={}, body=None)
    response = RecordedResponse(
        status=status,
        headers={"content-type": "application/scim+json"},
        body=json.dumps(body),
        truncated=False,
    )
    ctx = CheckContext(Exchange(request=request, response=response, elapsed_ms=1.0, error=None))
    return [
        f"{g.check.id}: {f.message}"
        for e in step.expects
        for g in grade(e, ctx)
        for f in g.findings
    ]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, {"schemas": [LIST], "totalResults": 0, "Resources": []}),
        (200, {"schemas": [LIST], "totalResults": 0}),
        (400, {"schemas": [ERROR], "status": "400", "scimType": "invalidFilter", "detail": "x"}),
        (400, {"schemas": [ERROR], "status": "400", "detail": "unknown attribute"}),
    ],
)
def test_refusing_or_matching_nobody_is_allowed(status: int, body: dict[str, Any]) -> None:
    assert findings(status, body) == []


def test_ignoring_the_filter_fails() -> None:
    listed = findings(200, {"schemas": [LIST], "totalResults": 1, "Resources": [USER]})
    assert listed and listed[0].startswith("robustness-filter-invalid: /Resources/0")


def test_a_server_fault_fails() -> None:
    found = findings(500, {"detail": "boom"})
    assert any(f.startswith("robustness-filter-invalid:") and "500" in f for f in found), found
