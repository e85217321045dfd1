"""OneLogin's requests (entra_onelogin.md 4), and Ping's (5), against a fake wire.

OneLogin sends its admin-written template: POST after a userName filter, then PUT for every
update and suspension, never PATCH for users; groups are pulled and memberships PATCHed.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_idp.directory import Directory
from mock_idp.profile import ProfileError, all_profiles
from tests.support.entra_onelogin_fakes import (
    ENTERPRISE,
    FakeWire,
    Reply,
    directory,
    listing,
    operations,
    server,
    verb,
)


def test_onelogin_speaks_the_shared_verbs_but_never_deletes_groups() -> None:
    verbs = set(all_profiles()["onelogin"].verbs)
    assert {"assign", "get_user", "update", "deactivate", "reactivate", "unassign"} <= verbs
    assert {"push_group", "add_members", "remove_members", "pull_groups", "import"} <= verbs
    assert "delete_group" not in verbs  # 4.3 step 5: OneLogin's sample has no DELETE /Groups


# --- 4.3 step 1: the connection test ------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "accepted"),
    [
        (Reply(200, listing([])), True),
        (Reply(404, {"detail": "none"}), True),
        (Reply(200, listing([{"id": "u1"}])), False),
        (Reply(500), False),
    ],
)
def test_the_connection_test_accepts_an_empty_list_or_a_404(reply: Reply, accepted: bool) -> None:
    wire, people = FakeWire(lambda method, route, body: reply), directory()
    verb(wire, people, "onelogin", "probe_connection")
    assert wire.lines() == ["GET /Users"]
    assert wire.sent[0].params["filter"].startswith('userName eq "scimcert-test-0001-')
    assert people.facts["probe_connection"] == {"accepted": accepted, "status": reply.status}


# --- 4.2, 4.3 steps 2-4: the template ----------------------------------------------------------


def _assigned(template: str = "core") -> tuple[FakeWire, Directory, Any]:
    wire, people = FakeWire(), directory()
    sent = verb(wire, people, "onelogin", "assign", user="alice", template=template)
    return wire, people, sent.body


def test_assign_filters_then_posts_the_core_template_substituted() -> None:
    wire, people, body = _assigned()
    alice = people.person("alice")
    assert wire.lines() == ["GET /Users", "POST /Users"]
    assert wire.sent[0].params == {"filter": f'userName eq "{alice.user_name}"'}
    assert body == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": alice.user_name,
        "name": {
            "givenName": alice.given_name,
            "familyName": alice.family_name,
            "formatted": alice.display_name,
        },
        "emails": [{"value": alice.email, "type": "work", "primary": True}],
    }
    assert wire.sent[1].headers["Content-Type"] == "application/json"


def test_a_user_the_filter_finds_is_linked_not_posted() -> None:
    wire, people = FakeWire(server([{"id": "u9"}])), directory()
    verb(wire, people, "onelogin", "assign", user="alice")
    assert wire.lines() == ["GET /Users"] and people.scim_ids["alice"] == "u9"


def test_the_enterprise_template_sends_id_null_meta_and_active_as_a_string() -> None:
    _, _, body = _assigned("enterprise")
    assert body["id"] is None and body["meta"] == {"resourceType": "User"}
    assert body["active"] == "true"
    assert body[ENTERPRISE] == {"department": "Product Design"}


def test_an_update_is_a_put_of_the_whole_template_with_the_change_and_no_active() -> None:
    wire, people, _ = _assigned()
    sent = verb(
        wire,
        people,
        "onelogin",
        "update",
        user="alice",
        **{"with": {"title": "Lead", "name.givenName": "Babs"}},
    )
    assert sent.method == "PUT" and sent.route == "/Users/new-id"
    assert sent.body["title"] == "Lead" and sent.body["name"]["givenName"] == "Babs"
    assert sent.body["userName"] == people.person("alice").user_name
    assert "active" not in sent.body


def test_suspension_is_a_put_with_active_false_and_later_updates_keep_it() -> None:
    wire, people, _ = _assigned("enterprise")
    suspended = verb(wire, people, "onelogin", "deactivate", user="alice")
    updated = verb(wire, people, "onelogin", "update", user="alice", **{"with": {"title": "X"}})
    restored = verb(wire, people, "onelogin", "reactivate", user="alice")
    assert [s.body["active"] for s in (suspended, updated, restored)] == ["false", "false", "true"]
    assert restored.body["title"] == "X"  # OneLogin remembers what it changed


def test_a_template_without_active_gets_a_boolean_only_to_suspend_or_restore() -> None:
    wire, people, _ = _assigned()
    assert verb(wire, people, "onelogin", "deactivate", user="alice").body["active"] is False
    assert "active" not in verb(wire, people, "onelogin", "update", user="alice").body


# --- 4.1, 4.3 step 4: deprovisioning ------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "line", "active"),
    [
        ("delete", "DELETE /Users/u1", None),
        ("suspend", "PUT /Users/u1", False),
        ("nothing", "GET /Users/u1", None),
    ],
)
def test_deprovisioning_does_what_the_admin_chose(action: str, line: str, active: Any) -> None:
    wire, people = FakeWire(), directory(alice="u1")
    sent = verb(wire, people, "onelogin", "unassign", user="alice", action=action)
    assert wire.lines() == [line] and people.facts["deprovision"] == {"action": action}
    assert (sent.body or {}).get("active") is active


def test_the_profile_deprovisions_by_delete_and_refuses_unknown_actions() -> None:
    wire, people = FakeWire(), directory(alice="u1")
    verb(wire, people, "onelogin", "unassign", user="alice")
    assert wire.lines() == ["DELETE /Users/u1"]
    with pytest.raises(ProfileError, match="delete, suspend, nothing"):
        verb(wire, people, "onelogin", "unassign", user="alice", action="purge")


# --- 4.3 step 5, 4.4: groups --------------------------------------------------------------------


def test_pull_groups_lists_the_catalogue_and_links_the_groups_rules_name() -> None:
    catalogue = [{"id": "g1", "displayName": "Engineering"}, {"id": "g2", "displayName": "Ops"}]
    wire, people = FakeWire(server(catalogue)), directory()
    verb(wire, people, "onelogin", "pull_groups", groups={"eng": "Engineering", "x": "Nope"})
    assert wire.lines() == ["GET /Groups"] and wire.sent[0].params == {}
    assert people.group_ids == {"eng": "g1"}
    assert people.facts["pull_groups"] == {"found": ["eng"], "listed": 2}


def test_push_group_creates_a_missing_group_then_sets_members_by_patch() -> None:
    wire, people = FakeWire(), directory(alice="u1")
    sent = verb(wire, people, "onelogin", "push_group", group="g", members=["alice"])
    assert wire.lines() == ["GET /Groups", "POST /Groups", "PATCH /Groups/new-id"]
    assert sent.method == "POST" and "members" not in sent.body
    assert operations(wire.sent[2]) == [
        {"op": "add", "path": "members", "value": [{"value": "u1"}]}
    ]


def test_member_removal_names_each_member_in_a_filter() -> None:
    wire, people = FakeWire(), directory(alice="u1", bob="u2")
    people.group_ids["g"] = "g1"
    sent = verb(wire, people, "onelogin", "remove_members", group="g", members=["alice", "bob"])
    assert operations(sent) == [
        {"op": "remove", "path": 'members[value eq "u1"]'},
        {"op": "remove", "path": 'members[value eq "u2"]'},
    ]


# --- entra_onelogin.md 5: Ping, the IdP added to prove the profile model ----------------------


def test_ping_looks_users_up_with_its_filter_expression() -> None:
    wire, people = FakeWire(), directory()
    verb(wire, people, "ping", "assign", user="alice")
    assert wire.lines() == ["GET /Users", "POST /Users"]
    assert wire.sent[0].params == {"filter": f'username Eq "{people.person("alice").user_name}"'}


@pytest.mark.parametrize(("action", "line"), [("disable", "PATCH"), ("delete", "DELETE")])
def test_ping_removes_users_as_the_admin_chose(action: str, line: str) -> None:
    wire = FakeWire()
    sent = verb(wire, directory(alice="u1"), "ping", "unassign", user="alice", action=action)
    assert wire.lines() == [f"{line} /Users/u1"]
    if action == "disable":
        assert operations(sent) == [{"op": "replace", "path": "active", "value": False}]
