"""Okta's Entitlements test as the `okta-oin` profile sends it (docs/idp/okta.md#entitlements-test):
`/ResourceTypes` first, then one page of `count=1` per resource type beyond User and Group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_idp.directory import Directory
from mock_idp.profile import all_profiles
from mock_idp.strategies import run_verb
from mock_idp.wire import Several
from tests.support.okta_fakes import FakeWire, Reply, listing

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ROLE = "urn:okta:scim:schemas:core:1.0:Role"
ENTITLEMENT = "urn:okta:scim:schemas:core:1.0:Entitlement"
SPEC_AGENT = "OKTA SCIM Integration"  # the Runscope suites' User-Agent (docs/idp/okta.md#headers)


def resource_type(name: str, endpoint: Any, schema: str) -> dict[str, Any]:
    return {"id": name, "name": name, "endpoint": endpoint, "schema": schema}


def server(types: Any, status: int = 200) -> FakeWire:
    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        if path == "/ResourceTypes":
            return Reply(status, types)
        return Reply(200, listing([{"id": "r1", "displayName": "One"}], total=7))

    return FakeWire(answer)


def pages(wire: FakeWire) -> Several:
    people = Directory(run_prefix="scimcert-test-0001", seed=42)
    sent = run_verb(wire, people, all_profiles()["okta-oin"], "page_entitlements", {})
    assert isinstance(sent, Several)
    return sent


def test_every_resource_type_beyond_user_and_group_is_paged_with_count_one() -> None:
    wire = server(
        listing(
            [
                resource_type("User", "/Users", USER),
                resource_type("Group", "/Groups", GROUP),
                resource_type("Role", "/Roles", ROLE),
                resource_type("Profile", "Profiles", ENTITLEMENT),  # RFC 7643 6's relative form
                resource_type("License", "/Licenses", "urn:example:scim:License"),
            ]
        )
    )
    several = pages(wire)
    assert wire.lines() == [
        "GET /ResourceTypes",
        "GET /Roles",
        "GET Profiles",
        "GET /Licenses",
    ]
    assert [s.params for s in wire.sent[1:]] == [{"count": "1", "startIndex": "1"}] * 3
    assert all(s.headers["User-Agent"] == SPEC_AGENT for s in wire.sent)
    assert list(several.sent) == wire.sent[1:] and several.response is wire.sent[-1].response


def test_user_and_group_are_known_by_schema_whatever_their_name() -> None:
    wire = server(
        listing(
            [
                resource_type("Person", "/People", USER.upper()),  # URNs compare ignoring case
                resource_type("Team", "/Teams", GROUP),
                resource_type("Role", "/Roles", ROLE),
                resource_type("Role again", "/Roles", ROLE),  # one endpoint is paged once
                resource_type("Broken", None, ROLE),
            ]
        )
    )
    pages(wire)
    assert wire.lines() == ["GET /ResourceTypes", "GET /Roles"]


def test_nothing_beyond_user_and_group_sends_nothing_more_and_says_why() -> None:
    for wire in (
        server(listing([resource_type("User", "/Users", USER)])),
        server({"detail": "no such endpoint"}, status=404),
        server(None, status=500),
    ):
        several = pages(wire)
        assert wire.lines() == ["GET /ResourceTypes"]
        assert several.sent == () and several.response is None
        status = wire.sent[0].response.status if wire.sent[0].response else None
        assert f"GET /ResourceTypes (status {status}) lists no resource type" in several.none
