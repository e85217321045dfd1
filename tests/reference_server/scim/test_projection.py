"""Which attributes a response carries (RFC 7644 3.4.2.5, RFC 7643 2.4 `returned`)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reference_server.scim.attributes import (
    ENTERPRISE_USER_SCHEMA,
    GROUP_SCHEMA,
    USER_SCHEMA,
    Attribute,
    ResourceDefinition,
    Schema,
    group_definition,
    user_definition,
)
from reference_server.scim.projection import project

ENTERPRISE = ENTERPRISE_USER_SCHEMA

USER: dict[str, Any] = {
    "schemas": [USER_SCHEMA, ENTERPRISE],
    "id": "2819c223",
    "externalId": "bjensen",
    "userName": "bjensen@example.com",
    "name": {"givenName": "Barbara", "familyName": "Jensen"},
    "active": False,
    "password": "t1meMa$heen",
    "emails": [
        {"value": "bjensen@example.com", "type": "work", "primary": True},
        {"value": "babs@example.org", "type": "home"},
    ],
    ENTERPRISE: {
        "employeeNumber": "701984",
        "manager": {"value": "26118915", "displayName": "John Smith"},
    },
    "meta": {"resourceType": "User", "location": "https://example.com/v2/Users/2819c223"},
}

GROUP: dict[str, Any] = {
    "schemas": [GROUP_SCHEMA],
    "id": "e9e30dba",
    "displayName": "Tour Guides",
    "members": [{"value": "2819c223", "display": "Babs Jensen"}],
    "meta": {"resourceType": "Group"},
}


def _user(attributes: tuple[str, ...] = (), excluded: tuple[str, ...] = ()) -> dict[str, Any]:
    return project(user_definition(), USER, attributes, excluded)


def test_default_is_everything_but_never() -> None:
    expected = {key: value for key, value in USER.items() if key != "password"}
    assert _user() == expected
    assert list(_user()) == list(expected)  # input key order


@pytest.mark.parametrize("excluded", [(), ("members",), ("MEMBERS",), (f"{GROUP_SCHEMA}:members",)])
def test_group_members_excluded(excluded: tuple[str, ...]) -> None:
    projected = project(group_definition(), GROUP, (), excluded)
    if excluded:
        # Entra ID asks for this on every Group read: no `members` key at all, not `[]`.
        assert "members" not in projected
        assert projected == {k: v for k, v in GROUP.items() if k != "members"}
    else:
        assert projected == GROUP


def test_member_sub_attribute_excluded() -> None:
    projected = project(group_definition(), GROUP, (), ("members.display",))
    assert projected["members"] == [{"value": "2819c223"}]


@pytest.mark.parametrize("name", ["userName", "USERNAME", " username ", f"{USER_SCHEMA}:userName"])
def test_attributes_keep_always_returned(name: str) -> None:
    # `id` is `returned: always`; `schemas` marks what the resource is. `meta` is `default`.
    assert _user((name,)) == {
        "schemas": USER["schemas"],
        "id": USER["id"],
        "userName": USER["userName"],
    }


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (("name.givenName",), {"name": {"givenName": "Barbara"}}),
        (("Name.GIVENNAME", "name.familyName"), {"name": USER["name"]}),
        (("name", "name.givenName"), {"name": USER["name"]}),
        (
            ("emails.value",),
            {"emails": [{"value": "bjensen@example.com"}, {"value": "babs@example.org"}]},
        ),
        (("emails.primary",), {"emails": [{"primary": True}]}),  # entries left empty go
        (("emails",), {"emails": USER["emails"]}),
        (("active",), {"active": False}),  # a false value is still a value
        (("meta.location",), {"meta": {"location": USER["meta"]["location"]}}),
    ],
)
def test_attributes_select_sub_attributes(
    attributes: tuple[str, ...], expected: dict[str, Any]
) -> None:
    assert _user(attributes) == {"schemas": USER["schemas"], "id": USER["id"], **expected}


@pytest.mark.parametrize(
    ("attributes", "extension"),
    [
        ((ENTERPRISE,), USER[ENTERPRISE]),
        ((ENTERPRISE.lower(),), USER[ENTERPRISE]),
        ((f"{ENTERPRISE}:manager",), {"manager": USER[ENTERPRISE]["manager"]}),
        ((f"{ENTERPRISE}:manager.value",), {"manager": {"value": "26118915"}}),
        ((f"{ENTERPRISE.upper()}:EMPLOYEENUMBER",), {"employeeNumber": "701984"}),
    ],
)
def test_attributes_select_extension_paths(
    attributes: tuple[str, ...], extension: dict[str, Any]
) -> None:
    assert _user(attributes) == {
        "schemas": USER["schemas"],
        "id": USER["id"],
        ENTERPRISE: extension,
    }


@pytest.mark.parametrize(
    ("excluded", "removed", "changed"),
    [
        (("name",), {"name"}, {}),
        (("name.givenName",), set(), {"name": {"familyName": "Jensen"}}),
        (
            ("emails.type", "EMAILS.PRIMARY"),
            set(),
            {"emails": [{"value": v} for v in ("bjensen@example.com", "babs@example.org")]},
        ),
        ((ENTERPRISE,), {ENTERPRISE}, {}),
        ((f"{ENTERPRISE}:manager",), set(), {ENTERPRISE: {"employeeNumber": "701984"}}),
        (
            (f"{ENTERPRISE}:manager.displayName",),
            set(),
            {ENTERPRISE: {"employeeNumber": "701984", "manager": {"value": "26118915"}}},
        ),
        # An extension whose every attribute is excluded is removed; `schemas` stays as given.
        ((f"{ENTERPRISE}:manager", f"{ENTERPRISE}:employeeNumber"), {ENTERPRISE}, {}),
        ((f"{USER_SCHEMA}:externalId", "meta"), {"externalId", "meta"}, {}),
    ],
)
def test_excluded_attributes(
    excluded: tuple[str, ...], removed: set[str], changed: dict[str, Any]
) -> None:
    expected = {k: changed.get(k, v) for k, v in USER.items() if k not in removed | {"password"}}
    assert _user((), excluded) == expected


@pytest.mark.parametrize("excluded", [("id",), ("schemas",), ("ID", "Schemas")])
def test_always_returned_cannot_be_excluded(excluded: tuple[str, ...]) -> None:
    assert _user((), excluded) == _user()


@pytest.mark.parametrize(
    ("attributes", "excluded"),
    [(("password",), ()), ((), ()), (("password", "userName"), ("userName",))],
)
def test_never_returned_even_when_asked(
    attributes: tuple[str, ...], excluded: tuple[str, ...]
) -> None:
    assert "password" not in _user(attributes, excluded)


def test_attributes_take_precedence_over_excluded() -> None:
    assert _user(("userName",), ("userName", "id")) == _user(("userName",))


@pytest.mark.parametrize(
    "names",
    [
        ("nosuch",),
        ("name.nosuch",),
        ("userName.value",),
        ("name.givenName.extra",),
        ("urn:example:unknown:schema:attr",),
        (f"{ENTERPRISE}:nosuch",),
        (USER_SCHEMA,),  # a bare core URN names no single attribute
        ("",),
    ],
)
def test_unknown_names_are_ignored(names: tuple[str, ...]) -> None:
    assert _user((), names) == _user()
    if any(name.strip() for name in names):
        assert _user(names) == {"schemas": USER["schemas"], "id": USER["id"]}
    else:
        assert _user(names) == _user()


def test_input_is_not_mutated_nor_shared() -> None:
    before = copy.deepcopy(USER)
    projected = _user((), ("emails.type", f"{ENTERPRISE}:manager"))
    assert before == USER
    projected["schemas"].append("urn:x")
    projected["name"]["givenName"] = "Babs"
    assert before == USER


def _definition_with_returned() -> ResourceDefinition:
    """A resource type exercising `request` and sub-attribute `returned` values."""
    secret = Attribute(name="secret", type="string", returned="never")
    key = Attribute(name="key", type="string", returned="always")
    note = Attribute(name="note", type="string")
    token = Attribute(
        name="token",
        type="complex",
        sub_attributes={"key": key, "secret": secret, "note": note},
    )
    audit = Attribute(name="audit", type="string", returned="request")
    base = user_definition()
    core = Schema(
        id="urn:example:Thing",
        name="Thing",
        attributes={"audit": audit, "token": token, "label": note},
        document={},
    )
    return ResourceDefinition("Thing", "/Things", core, {}, base.common)


THING: dict[str, Any] = {
    "schemas": ["urn:example:Thing"],
    "id": "1",
    "label": "x",
    "audit": "seen",
    "token": {"key": "k", "secret": "s", "note": "n"},
}


@pytest.mark.parametrize(
    ("attributes", "excluded", "expected"),
    [
        ((), (), {"label": "x", "token": {"key": "k", "note": "n"}}),
        (("audit",), (), {"audit": "seen"}),
        (("AUDIT", "label"), (), {"audit": "seen", "label": "x"}),
        ((), ("audit", "label"), {"token": {"key": "k", "note": "n"}}),
        # An always-returned sub-attribute comes with any part of its parent.
        (("token.note",), (), {"token": {"key": "k", "note": "n"}}),
        ((), ("token.key", "token.note"), {"label": "x", "token": {"key": "k"}}),
        (("token.secret",), (), {"token": {"key": "k"}}),
    ],
)
def test_returned_request_and_sub_attribute_characteristics(
    attributes: tuple[str, ...], excluded: tuple[str, ...], expected: dict[str, Any]
) -> None:
    projected = project(_definition_with_returned(), THING, attributes, excluded)
    assert projected == {"schemas": THING["schemas"], "id": "1", **expected}
