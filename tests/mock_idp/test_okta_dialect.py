"""The Okta dialects' user requests, verb by verb, against a fake wire that records them.

Each test pins the shape okta.md documents for one verb (its section is in the test's name or
docstring); the fake answers just enough for the IdP to decide its next request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from mock_idp.profile import select_profiles
from tests.support.okta_fakes import (
    PATCH,
    FakeWire,
    Reply,
    directory,
    listing,
    stored,
    user_doc,
    verb,
)

# --- profiles (okta.md 1, 2) ----------------------------------------------------------------------


def test_okta_family_is_both_dialects_with_oktas_headers() -> None:
    chosen = select_profiles("okta")
    assert sorted(p.id for p in chosen) == ["okta-aiw", "okta-oin"]
    for profile in chosen:
        assert profile.headers == {
            "User-Agent": "Okta SCIM Client 1.0.0",
            "Accept": "application/scim+json",
            "Accept-Charset": "utf-8",
            "Accept-Encoding": "gzip,deflate",
            "Content-Type": "application/scim+json; charset=utf-8",
        }
        assert "docs/idp/okta.md#" in profile.ref
        assert all("docs/idp/okta.md#" in str(v.get("ref")) for v in profile.verbs.values())


# --- assign (okta.md 2.3) -------------------------------------------------------------------------


def created(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
    if method == "POST":
        return Reply(201, {**body, "id": "u-1", "password": None})
    return Reply(200, listing([]))


@pytest.mark.parametrize("profile", ["okta-oin", "okta-aiw"])
def test_assign_checks_existence_then_posts_oktas_body(profile: str) -> None:
    wire, people = FakeWire(created), directory()
    verb(wire, people, profile, "assign", user="alice")
    lookup, post = wire.sent
    person = people.person("alice")
    assert lookup.params == {
        "filter": f'userName eq "{person.user_name}"',
        "startIndex": "1",
        "count": "100",
    }
    assert "Content-Type" not in lookup.headers  # only "on bodies" (okta.md 1)
    assert post.headers["Content-Type"] == "application/scim+json; charset=utf-8"
    assert list(post.body) == [
        "schemas",
        "userName",
        "name",
        "emails",
        "displayName",
        "locale",
        "externalId",
        "groups",
        "password",
        "active",
    ]
    assert post.body["externalId"] == person.idp_id and person.idp_id.startswith("00u")
    assert post.body["emails"] == [{"primary": True, "value": person.email, "type": "work"}]
    assert post.body["groups"] == [] and post.body["locale"] == "en-US"
    assert len(post.body["password"]) == 8 and post.body["active"] is True
    assert people.scim_ids["alice"] == "u-1"


def test_the_placeholder_password_is_the_same_on_a_replay() -> None:
    first, second = FakeWire(created), FakeWire(created)
    verb(first, directory(), "okta-oin", "assign", user="alice")
    verb(second, directory(), "okta-oin", "assign", user="alice")
    assert first.sent[1].body["password"] == second.sent[1].body["password"]


def test_assign_links_a_found_user_and_pushes_the_profile_without_a_post() -> None:
    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        if path == "/Users":
            return Reply(200, listing([user_doc("u-7")]))
        return Reply(200, body if method == "PUT" else user_doc("u-7"))

    wire, people = FakeWire(answer), directory()
    verb(wire, people, "okta-oin", "assign", user="alice")
    assert wire.lines() == ["GET /Users", "GET /Users/u-7", "PUT /Users/u-7"]
    put = wire.sent[2].body
    assert put["id"] == "u-7" and put["meta"]["version"] == 'W/"1"'  # round-tripped
    assert put["externalId"] == people.person("alice").idp_id
    assert people.scim_ids["alice"] == "u-7"


# --- update, deactivate, reactivate, unassign (okta.md 2.4-2.6) -------------------------------


@pytest.mark.parametrize("profile", ["okta-oin", "okta-aiw"])
def test_update_puts_back_the_servers_own_document(profile: str) -> None:
    wire, people = FakeWire(stored("u-1")), directory()
    people.scim_ids["alice"] = "u-1"
    verb(wire, people, profile, "update", user="alice", **{"with": {"name.givenName": "Ann"}})
    assert wire.lines() == ["GET /Users/u-1", "PUT /Users/u-1"]
    assert wire.sent[1].body == {**user_doc("u-1"), "name": {"givenName": "Ann"}}


@pytest.mark.parametrize(("name", "active"), [("deactivate", False), ("reactivate", True)])
def test_oin_changes_active_with_a_pathless_patch(name: str, active: bool) -> None:
    wire, people = FakeWire(stored("u-1")), directory()
    people.scim_ids["alice"] = "u-1"
    verb(wire, people, "okta-oin", name, user="alice")
    assert wire.lines() == ["PATCH /Users/u-1"]
    assert wire.sent[0].body == {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "value": {"active": active}}],
    }


def test_aiw_deactivates_by_get_then_put_with_active_false() -> None:
    wire, people = FakeWire(stored("u-1")), directory()
    people.scim_ids["alice"] = "u-1"
    verb(wire, people, "okta-aiw", "deactivate", user="alice")
    assert wire.lines() == ["GET /Users/u-1", "PUT /Users/u-1"]
    assert wire.sent[1].body == {**user_doc("u-1"), "active": False}


def test_aiw_reactivation_looks_up_then_puts_active_true() -> None:
    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        if path == "/Users":
            return Reply(200, listing([user_doc("u-1", active=False)]))
        return Reply(200, body if method == "PUT" else user_doc("u-1", active=False))

    wire, people = FakeWire(answer), directory()
    people.scim_ids["alice"] = "u-1"
    verb(wire, people, "okta-aiw", "reactivate", user="alice")
    assert wire.lines() == ["GET /Users", "GET /Users/u-1", "PUT /Users/u-1"]
    assert wire.sent[2].body["active"] is True


def test_aiw_reactivation_posts_anew_when_the_server_deleted_the_user() -> None:
    wire, people = FakeWire(created), directory()
    people.scim_ids["alice"] = "u-gone"
    verb(wire, people, "okta-aiw", "reactivate", user="alice")
    assert wire.lines() == ["GET /Users", "POST /Users"]  # okta.md 2.6, growthbook#1680


@pytest.mark.parametrize("profile", ["okta-oin", "okta-aiw"])
def test_okta_never_deletes_a_user(profile: str) -> None:
    wire, people = FakeWire(stored("u-1")), directory()
    people.scim_ids["alice"] = "u-1"
    verb(wire, people, profile, "unassign", user="alice")
    assert "DELETE" not in {s.method for s in wire.sent}


def test_the_spec_lookup_sends_the_suites_get() -> None:
    wire, people = FakeWire(), directory()
    verb(wire, people, "okta-oin", "spec_lookup", user="r", caps=True, authorization="non-token")
    (sent,) = wire.sent
    assert sent.params == {"filter": f'userName eq "{people.person("r").user_name.upper()}"'}
    assert sent.headers["User-Agent"] == "OKTA SCIM Integration"
    assert sent.headers["Content-Type"] == "application/scim+json; charset=utf-8"
    assert sent.headers["Authorization"] == "non-token"


def test_a_lookup_that_fails_creates_nothing() -> None:
    wire = FakeWire(lambda method, path, params, body: Reply(500, {"detail": "boom"}))
    verb(wire, directory(), "okta-oin", "assign", user="alice")
    assert wire.lines() == ["GET /Users"]


def test_a_404_lookup_counts_as_no_match() -> None:
    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        return Reply(404, {"detail": "none"}) if method == "GET" else Reply(201, {"id": "u-1"})

    wire = FakeWire(answer)
    verb(wire, directory(), "okta-oin", "assign", user="alice")
    assert wire.lines() == ["GET /Users", "POST /Users"]  # okta.md 2.3: 404 is tolerated


def test_test_credentials_lists_two_users() -> None:
    wire = FakeWire()
    verb(wire, directory(), "okta-aiw", "test_credentials")
    assert wire.sent[0].params == {"startIndex": "1", "count": "2"}  # okta.md 2.1
