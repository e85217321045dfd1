"""A core attribute the target's /Schemas leaves out is not required back (RFC 7644 3.3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.checks import load_all
from harness.checks.context import CheckContext
from harness.engine.expectations import grade
from harness.engine.undeclared import undeclared
from harness.scenario.model import Expectation
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from verdict.outcomes import Level

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
NAME = {"name": "name", "subAttributes": [{"name": "givenName"}, {"name": "familyName"}]}
WITHOUT_TITLE = ({"id": USER, "attributes": [{"name": "userName"}, NAME]},)
WITH_TITLE = ({"id": USER, "attributes": [{"name": "userName"}, {"name": "title"}, NAME]},)


@pytest.mark.parametrize(
    ("pointer", "schemas", "skipped"),
    [
        ("/title", WITHOUT_TITLE, True),
        ("/Title", WITHOUT_TITLE, True),  # attribute names are case-insensitive (RFC 7643 2.1)
        ("/name/formatted", WITHOUT_TITLE, True),
        ("/name/familyName", WITHOUT_TITLE, False),
        ("/title", WITH_TITLE, False),
        ("/title", (), False),  # no /Schemas published: everything is graded
        ("/id", WITHOUT_TITLE, False),  # common attributes and message fields are not core
        ("/Resources/0/title", WITHOUT_TITLE, False),
        (
            "/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department",
            WITHOUT_TITLE,
            False,
        ),
        ("/emails/0/value", WITHOUT_TITLE, True),
    ],
)
def test_only_rfc_core_attributes_left_out_of_the_schema_are_undeclared(
    pointer: str, schemas: Any, skipped: bool
) -> None:
    assert undeclared(pointer, schemas) is skipped


def graded(body: dict[str, Any], schemas: Any) -> list[str]:
    load_all()
    request = RecordedRequest(
        method="GET", url="http://127.0.0.1:9/v2/Users/1", headers={}, body=None
    )
    response = RecordedResponse(
        status=200,
        headers={"content-type": "application/scim+json"},
        body=json.dumps(body),
        truncated=False,
    )
    exchange = Exchange(request=request, response=response, elapsed_ms=1.0, error=None)
    ctx = CheckContext(exchange, target_schemas=schemas)
    expectation = Expectation(
        check="patch-applies",
        level=Level.MUST,
        ref=None,
        status=(200,),
        schema=None,
        json=(("/title", "Staff Designer"), ("/userName", "alice")),
        headers=(),
        idp=(),
        checks=(),
        max_ms=None,
    )
    return [f.message for g in grade(expectation, ctx) for f in g.findings]


def test_a_dropped_undeclared_attribute_passes_a_declared_one_still_fails() -> None:
    body = {"schemas": [USER], "id": "1", "userName": "alice"}
    assert graded(body, WITHOUT_TITLE) == []
    assert graded(body, WITH_TITLE) == ['/title: expected "Staff Designer", got nothing (missing)']
    assert graded(body, ()) == ['/title: expected "Staff Designer", got nothing (missing)']


def test_an_undeclared_attribute_returned_wrong_is_still_graded() -> None:
    body = {"schemas": [USER], "id": "1", "userName": "bob", "title": "Intern"}
    assert len(graded(body, WITHOUT_TITLE)) == 2


def test_the_resource_schema_the_body_names_decides() -> None:
    group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    schemas = (
        {"id": USER, "attributes": [{"name": "userName"}]},
        {"id": group, "attributes": [{"name": "displayName"}]},
    )
    assert undeclared("/displayName", schemas, {"schemas": [USER]})
    assert not undeclared("/displayName", schemas, {"schemas": [group]})
    assert not undeclared("/displayName", schemas)  # no body to tell: any core schema counts
