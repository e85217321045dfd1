"""The Entra dialects' requests, verb by verb, against a fake wire that records them.

Each test pins a shape entra_onelogin.md documents (its section is in the docstring): the
default job (`entra`), the aadOptscim062020 flag (`entra-2020`), and the SCIM Validator.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_idp.profile import all_profiles, select_profiles
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

MANAGER = f"{ENTERPRISE}:manager"
ENTRA = ("entra", "entra-2020", "entra-validator")


def test_the_entra_family_is_three_profiles_citing_the_docs() -> None:
    assert sorted(p.id for p in select_profiles("entra")) == sorted(ENTRA)
    for name in ENTRA:
        assert "docs/idp/entra.md#" in all_profiles()[name].ref


@pytest.mark.parametrize("profile", ENTRA)
def test_entra_profiles_speak_the_verbs_shared_scenarios_use(profile: str) -> None:
    shared = {"assign", "get_user", "update", "deactivate", "reactivate", "unassign"}
    groups = {"push_group", "add_members", "remove_members", "delete_group"}
    entra = {"probe_connection", "set_manager", "change_manager", "remove_manager"}
    entra |= {"assign_role", "get_group", "update_group"}
    assert shared | groups | entra <= set(all_profiles()[profile].verbs)


# --- 1.3 Test Connection ------------------------------------------------------------------------


def test_test_connection_filters_on_a_random_guid_the_same_on_a_replay() -> None:
    first, second = FakeWire(), FakeWire()
    verb(first, directory(), "entra", "probe_connection")
    verb(second, directory(), "entra", "probe_connection")
    query = first.sent[0].query_params()
    assert first.lines() == ["GET /Users"]
    assert query["filter"].startswith('userName eq "') and len(query["filter"]) == 50
    assert first.sent[0].query == second.sent[0].query


# --- 1.4 steps 1-2: match, then create --------------------------------------------------------


def test_assign_matches_by_username_plus_encoded_then_posts_the_enterprise_user() -> None:
    wire, people = FakeWire(), directory()
    sent = verb(wire, people, "entra", "assign", user="alice")
    alice = people.person("alice")
    assert wire.lines() == ["GET /Users", "POST /Users"]
    assert wire.sent[0].query.startswith("filter=userName+eq+%22")  # 1.2: + and %22
    assert wire.sent[0].query_params()["filter"] == f'userName eq "{alice.user_name}"'
    body = sent.body
    assert body["schemas"][1] == ENTERPRISE and ENTERPRISE in body
    assert body["roles"] == [] and body["meta"] == {"resourceType": "User"}
    assert body["active"] is True and body["externalId"] == alice.idp_id
    assert "manager" not in body[ENTERPRISE]  # the second pass sets it
    assert people.scim_ids["alice"] == "new-id"


def test_assign_by_externalid_links_the_user_it_finds_without_a_post() -> None:
    wire, people = FakeWire(server([{"id": "u7"}])), directory()
    verb(wire, people, "entra", "assign", user="alice", match="externalId")
    assert wire.lines() == ["GET /Users"]
    assert wire.sent[0].query_params()["filter"] == (
        f'externalId eq "{people.person("alice").idp_id}"'
    )
    assert people.scim_ids["alice"] == "u7"


def test_the_validator_posts_its_rich_body_with_string_role_primaries() -> None:
    wire = FakeWire()
    body = verb(wire, directory(), "entra-validator", "assign", user="alice").body
    assert body["roles"][0]["primary"] == "True"
    assert {p["type"] for p in body["phoneNumbers"]} == {"work", "mobile", "fax"}
    assert {"timezone", "userType", "locale", "profileUrl", "addresses"} <= set(body)


# --- 1.4 steps 4 and 6, 1.6: PATCH dialects ----------------------------------------------------


CHANGES: dict[str, Any] = {
    'emails[type eq "work"].value': "new@example.test",
    "name.familyName": "Jensen",
    f"{ENTERPRISE}:employeeNumber": "42",
}


def test_the_default_job_sends_one_capitalised_op_per_attribute() -> None:
    wire = FakeWire()
    sent = verb(
        wire,
        directory(alice="u1"),
        "entra",
        "update",
        user="alice",
        **{"with": CHANGES, "add": {"nickName": "Babs"}},
    )
    assert operations(sent) == [
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "new@example.test"},
        {"op": "Replace", "path": "name.familyName", "value": "Jensen"},
        {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "42"},
        {"op": "Add", "path": "nickName", "value": "Babs"},
    ]
    assert sent.route == "/Users/u1" and sent.query == ""


def test_the_flag_collapses_simple_attributes_into_one_pathless_replace() -> None:
    wire = FakeWire()
    sent = verb(
        wire,
        directory(alice="u1"),
        "entra-2020",
        "update",
        user="alice",
        **{"with": CHANGES, "add": {"nickName": "Babs"}},
    )
    assert operations(sent) == [
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "new@example.test"},
        {
            "op": "replace",
            "value": {"name.familyName": "Jensen", f"{ENTERPRISE}:employeeNumber": "42"},
        },
        {"op": "add", "path": "nickName", "value": "Babs"},
    ]


def test_the_validator_renames_with_a_pathless_replace() -> None:
    wire = FakeWire()
    sent = verb(
        wire,
        directory(alice="u1"),
        "entra-validator",
        "rename_user",
        user="alice",
        **{"with": {"userName": "b@example.test"}},
    )
    assert operations(sent) == [{"op": "replace", "value": {"userName": "b@example.test"}}]


@pytest.mark.parametrize(
    ("profile", "disabled", "enabled"),
    [
        ("entra", {"op": "Replace", "path": "active", "value": "False"}, "True"),
        ("entra-2020", {"op": "replace", "path": "active", "value": False}, True),
    ],
)
def test_disable_and_re_enable(profile: str, disabled: dict[str, Any], enabled: Any) -> None:
    wire, people = FakeWire(), directory(alice="u1")
    assert operations(verb(wire, people, profile, "deactivate", user="alice")) == [disabled]
    assert operations(verb(wire, people, profile, "reactivate", user="alice"))[0]["value"] == (
        enabled
    )


def test_every_request_of_the_flagged_job_carries_the_flag() -> None:
    wire, people = FakeWire(), directory(alice="u1", bob="u2")
    steps: list[tuple[str, dict[str, Any]]] = [
        ("probe_connection", {}),
        ("assign", {"user": "carol"}),
        ("get_user", {"user": "alice"}),
        ("update", {"user": "alice", "with": {"title": "x"}}),
        ("deactivate", {"user": "alice"}),
        ("set_manager", {"user": "alice", "manager": "bob"}),
        ("unassign", {"user": "alice"}),
        ("push_group", {"group": "g", "members": ["alice"]}),
        ("import", {}),
        ("remove_members", {"group": "g", "members": ["alice"]}),
        ("delete_group", {"group": "g"}),
    ]
    for name, args in steps:
        verb(wire, people, "entra-2020", name, **args)
    assert len(wire.sent) >= 12
    assert all(sent.query.split("&")[0] == "aadOptscim062020" for sent in wire.sent)


# --- 1.4 steps 5 and 8: manager and roles -------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "set_op", "value"),
    [
        ("entra", "Add", "u2"),
        ("entra-2020", "add", "u2"),
        ("entra-validator", "add", {"value": "u2"}),
    ],
)
def test_the_manager_is_a_second_pass_patch(profile: str, set_op: str, value: Any) -> None:
    wire, people = FakeWire(), directory(alice="u1", bob="u2")
    sent = verb(wire, people, profile, "set_manager", user="alice", manager="bob")
    assert operations(sent) == [{"op": set_op, "path": MANAGER, "value": value}]
    changed = verb(wire, people, profile, "change_manager", user="alice", manager="bob")
    assert operations(changed)[0]["op"].lower() == "replace"


def test_manager_removal_is_an_empty_replace_or_a_remove() -> None:
    wire, people = FakeWire(), directory(alice="u1")
    service = operations(verb(wire, people, "entra", "remove_manager", user="alice"))
    validator = operations(verb(wire, people, "entra-validator", "remove_manager", user="alice"))
    assert service == [{"op": "Replace", "path": MANAGER, "value": ""}]
    assert validator == [{"op": "remove", "path": MANAGER}]


def test_the_default_job_sends_a_role_json_encoded_inside_value() -> None:
    wire = FakeWire()
    sent = verb(wire, directory(alice="u1"), "entra", "assign_role", user="alice", role="Admin")
    (operation,) = operations(sent)
    assert operation["op"] == "Add" and operation["path"] == "roles"
    assert isinstance(operation["value"][0]["value"], str)
    assert '"displayName": "Admin"' in operation["value"][0]["value"]


# --- 1.5, 1.6: groups ---------------------------------------------------------------------------


def test_a_group_is_looked_up_without_members_created_empty_then_filled_in_one_patch() -> None:
    wire, people = FakeWire(), directory(alice="u1", bob="u2")
    sent = verb(wire, people, "entra", "push_group", group="g", members=["alice", "bob"])
    assert wire.lines() == ["GET /Groups", "POST /Groups", "PATCH /Groups/new-id"]
    assert wire.sent[0].query_params()["excludedAttributes"] == "members"
    assert sent.method == "POST" and "members" not in sent.body
    assert operations(wire.sent[2]) == [
        {
            "op": "Add",
            "path": "members",
            "value": [{"$ref": None, "value": "u1"}, {"$ref": None, "value": "u2"}],
        },
    ]


def test_a_group_found_by_the_lookup_is_linked() -> None:
    wire, people = FakeWire(server([{"id": "g7"}])), directory()
    verb(wire, people, "entra", "push_group", group="g")
    assert wire.lines() == ["GET /Groups"] and people.group_ids["g"] == "g7"


def test_the_validator_posts_its_members_with_the_group() -> None:
    wire = FakeWire()
    verb(wire, directory(alice="u1"), "entra-validator", "push_group", group="g", members=["alice"])
    assert wire.lines() == ["GET /Groups", "POST /Groups"]
    assert wire.sent[1].body["members"] == [{"value": "u1"}]


def test_member_removal_by_value_list_without_the_flag_and_by_filter_with_it() -> None:
    wire, people = FakeWire(), directory(alice="u1", bob="u2")
    people.group_ids["g"] = "g1"
    legacy = verb(wire, people, "entra", "remove_members", group="g", members=["alice", "bob"])
    flagged = verb(wire, people, "entra-2020", "remove_members", group="g", members=["alice"])
    assert operations(legacy) == [
        {
            "op": "Remove",
            "path": "members",
            "value": [{"$ref": None, "value": "u1"}, {"$ref": None, "value": "u2"}],
        }
    ]
    assert operations(flagged) == [{"op": "remove", "path": 'members[value eq "u1"]'}]


def test_the_validator_adds_a_member_with_a_replace_and_renames_pathless() -> None:
    wire, people = FakeWire(), directory(alice="u1")
    people.group_ids["g"] = "g1"
    added = verb(wire, people, "entra-validator", "replace_members", group="g", members=["alice"])
    renamed = verb(
        wire,
        people,
        "entra-validator",
        "update_group",
        group="g",
        **{"with": {"displayName": "G2"}},
    )
    assert operations(added) == [{"op": "replace", "path": "members", "value": [{"value": "u1"}]}]
    assert operations(renamed) == [{"op": "replace", "value": {"displayName": "G2"}}]


def test_account_discovery_pages_until_total_results() -> None:
    """1.3: every user, in pages, until totalResults (150 here: two pages of 100)."""

    def answer(method: str, route: str, body: Any) -> Reply:
        return Reply(200, {**listing([{"id": "a"}]), "totalResults": 150})

    wire = FakeWire(answer)
    verb(wire, directory(), "entra", "import")
    assert [sent.query_params()["startIndex"] for sent in wire.sent] == ["1", "101"]
