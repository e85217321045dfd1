"""The interop profile's code checks and its capability, on answers made up to break each rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.checks.context import CheckContext
from harness.checks.interop import (
    interop_resource_type_id_is_name,
    interop_resource_type_schemas_served,
    interop_scim_media_type,
)
from harness.engine.target import NOT_INTEROP, _interop_features
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def listed(
    *resources: dict[str, Any], served: Any = None, headers: dict[str, str] | None = None
) -> CheckContext:
    body = json.dumps({"Resources": list(resources)})
    exchange = Exchange(
        request=RecordedRequest(method="GET", url="http://s/ResourceTypes", headers={}, body=None),
        response=RecordedResponse(status=200, headers=headers or {}, body=body, truncated=False),
        elapsed_ms=1.0,
        error=None,
    )
    return CheckContext(exchange=exchange, variables={} if served is None else {"served": served})


def user_type(**extra: Any) -> dict[str, Any]:
    return {"id": "User", "name": "User", "schema": USER, **extra}


@pytest.mark.parametrize(
    ("resource", "found"),
    [(user_type(), 0), (user_type(id="Users"), 1), ({"name": "User", "schema": USER}, 1)],
)
def test_a_resource_type_id_must_be_its_name(resource: dict[str, Any], found: int) -> None:
    assert len(list(interop_resource_type_id_is_name(listed(resource)))) == found


@pytest.mark.parametrize(
    ("served", "found"),
    [
        ([{"id": USER}, {"id": ENTERPRISE}], 0),
        ([{"id": USER.upper()}, {"id": ENTERPRISE}], 0),  # URNs compare ignoring case
        ([{"id": USER}], 1),  # the extension is not served
        (None, 2),  # /Schemas listed nothing
    ],
)
def test_every_schema_a_resource_type_names_is_served(served: Any, found: int) -> None:
    resource = user_type(schemaExtensions=[{"schema": ENTERPRISE, "required": False}])
    assert len(list(interop_resource_type_schemas_served(listed(resource, served=served)))) == found


@pytest.mark.parametrize(
    ("spc", "claimed"),
    [
        ({"interopProfileConformant": True}, True),
        ({"interopProfileConformant": "true"}, True),  # a claim, graded as a malformed one
        ({"interopProfileConformant": False}, False),
        ({}, False),
        (None, False),
    ],
)
def test_only_a_server_that_claims_the_profile_is_graded_on_it(spc: Any, claimed: bool) -> None:
    supported, reasons = _interop_features(spc)
    assert ("interop-profile" in supported) is claimed
    assert reasons == ({} if claimed else {"interop-profile": NOT_INTEROP})


@pytest.mark.parametrize(
    ("content_type", "found"),
    [
        ("application/scim+json", 0),
        ("application/scim+json; charset=utf-8", 0),
        ("application/json", 1),
        (None, 1),
    ],
)
def test_a_scim_answer_is_labelled_scim_json(content_type: str | None, found: int) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    assert len(list(interop_scim_media_type(listed(user_type(), headers=headers)))) == found
