"""Tests of `normalize_resource`: IdP bodies (Okta, Entra, OneLogin) to canonical documents."""

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
    load_schema,
    user_definition,
)
from reference_server.scim.errors import ScimError, ScimType
from reference_server.scim.normalize import normalize_resource

ENTERPRISE = ENTERPRISE_USER_SCHEMA


def user(**attributes: Any) -> dict[str, Any]:
    """A User body with `schemas` and a `userName`, plus the given attributes."""
    return {"schemas": [USER_SCHEMA], "userName": "bjensen", **attributes}


def group(**attributes: Any) -> dict[str, Any]:
    return {"schemas": [GROUP_SCHEMA], "displayName": "Designers", **attributes}


def normalize_user(body: object, **kwargs: Any) -> dict[str, Any]:
    return normalize_resource(user_definition(), body, **kwargs)


def normalize_group(body: object, **kwargs: Any) -> dict[str, Any]:
    return normalize_resource(group_definition(), body, **kwargs)


def rejection(definition: ResourceDefinition, body: object, **kwargs: Any) -> ScimError:
    with pytest.raises(ScimError) as caught:
        normalize_resource(definition, body, **kwargs)
    assert caught.value.status == 400
    return caught.value


# --- the body and `schemas` -----------------------------------------------------------------


def test_output_example_for_user() -> None:
    body = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "userName": "bjensen",
        "name": {"givenName": "B"},
        "emails": [{"value": "b@x.test", "type": "work", "primary": True}],
        "active": False,
        "externalId": "00u1",
        ENTERPRISE: {"manager": {"value": "abc"}},
    }
    assert normalize_user(body) == {
        "userName": "bjensen",
        "name": {"givenName": "B"},
        "emails": [{"value": "b@x.test", "type": "work", "primary": True}],
        "active": False,
        "externalId": "00u1",
        ENTERPRISE: {"manager": {"value": "abc"}},
    }


@pytest.mark.parametrize("body", [[], [user()], "userName", 42, None, True])
def test_body_that_is_not_an_object_is_invalid_syntax(body: object) -> None:
    error = rejection(user_definition(), body)
    assert error.scim_type is ScimType.INVALID_SYNTAX


@pytest.mark.parametrize(
    "schemas",
    [None, [], "urn:ietf:params:scim:schemas:core:2.0:User", [1], [USER_SCHEMA, None], {}],
)
def test_schemas_must_be_a_non_empty_list_of_strings(schemas: object) -> None:
    body = {"userName": "bjensen"} if schemas is None else {"schemas": schemas, "userName": "b"}
    error = rejection(user_definition(), body)
    assert error.scim_type is ScimType.INVALID_SYNTAX
    assert "schemas" in error.detail


@pytest.mark.parametrize(
    ("definition", "schemas"),
    [
        (user_definition(), [ENTERPRISE]),
        (user_definition(), [GROUP_SCHEMA]),
        (group_definition(), [USER_SCHEMA]),
    ],
)
def test_schemas_must_name_the_resources_core_schema(
    definition: ResourceDefinition, schemas: list[str]
) -> None:
    """RFC 7643 3: `schemas` names the schemas whose attributes the body holds (issue 15)."""
    body = {"schemas": schemas, "userName": "bjensen", "displayName": "Designers"}
    error = rejection(definition, body)
    assert error.scim_type is ScimType.INVALID_SYNTAX
    assert definition.core.id in error.detail


def test_the_core_schema_is_matched_whatever_its_case_beside_unknown_urns() -> None:
    body = {
        "schemas": [
            USER_SCHEMA.upper(),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0User",
        ]
    }
    assert normalize_user({**body, "userName": "b"}) == {"userName": "b"}


@pytest.mark.parametrize("definition", [user_definition(), group_definition()])
def test_schemas_may_be_absent_when_not_required(definition: ResourceDefinition) -> None:
    body = {"userName": "bjensen", "displayName": "Designers", "schemas": 7}
    document = normalize_resource(definition, body, require_schemas=False)
    assert "schemas" not in document
    assert document


def test_schemas_key_is_case_insensitive_and_not_in_the_output() -> None:
    assert normalize_user({"SCHEMAS": [USER_SCHEMA], "userName": "b"}) == {"userName": "b"}


def test_onelogin_scim_1_0_template_is_accepted() -> None:
    body = {
        "schemas": ["urn:scim:schemas:core:1.0", "urn:scim:schemas:extension:enterprise:1.0"],
        "userName": "jdoe",
        "name": {"givenName": "Jane", "familyName": "Doe", "formatted": "Jane Doe"},
        "emails": {"value": "jdoe@x.test", "type": "work", "primary": True},
        "title": "Engineer",
        "urn:scim:schemas:extension:enterprise:1.0": {"department": "R&D"},
        "manager": {"managerId": "m1", "displayName": "Boss"},
    }
    assert normalize_user(body) == {
        "userName": "jdoe",
        "name": {"givenName": "Jane", "familyName": "Doe", "formatted": "Jane Doe"},
        "emails": [{"value": "jdoe@x.test", "type": "work", "primary": True}],
        "title": "Engineer",
    }


def test_onelogin_v2_template_with_string_active_and_null_id() -> None:
    body = user(
        id=None,
        active="True",
        meta={"resourceType": "User"},
        addresses=[{"locality": "Oslo", "region": None, "country": "NO"}],
    )
    assert normalize_user(body) == {
        "userName": "bjensen",
        "active": True,
        "addresses": [{"locality": "Oslo", "country": "NO"}],
    }


# --- IdP bodies ---------------------------------------------------------------------------


def test_okta_create_body() -> None:
    body = {
        "schemas": [USER_SCHEMA],
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }
    assert normalize_user(body) == {
        "userName": "test.user@okta.local",
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
        "displayName": "Test User",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "active": True,
    }


def test_entra_create_body_with_nulls_and_a_malformed_urn() -> None:
    body = {
        "schemas": [USER_SCHEMA, "urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],
        "externalId": "0a21f0f2",
        "userName": "Test_User_1",
        "active": "False",
        "emails": [{"primary": "True", "type": "work", "value": "t@testuser.com"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "g f", "familyName": "f", "givenName": "g"},
        "roles": [],
        "addresses": None,
        ENTERPRISE: {"employeeNumber": "7", "department": "Ops", "manager": "m-1"},
    }
    assert normalize_user(body) == {
        "externalId": "0a21f0f2",
        "userName": "Test_User_1",
        "active": False,
        "emails": [{"primary": True, "type": "work", "value": "t@testuser.com"}],
        "name": {"formatted": "g f", "familyName": "f", "givenName": "g"},
        ENTERPRISE: {"employeeNumber": "7", "department": "Ops", "manager": {"value": "m-1"}},
    }


def test_put_of_the_servers_own_document_drops_read_only_attributes() -> None:
    served = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "id": "u-7f3a",
        "userName": "bjensen",
        "active": False,
        "meta": {
            "resourceType": "User",
            "created": "2024-01-01T00:00:00Z",
            "lastModified": "2024-01-02T00:00:00Z",
            "location": "https://scim.test/Users/u-7f3a",
            "version": 'W/"3"',
        },
        "groups": [{"value": "g-1", "$ref": "https://scim.test/Groups/g-1", "display": "D"}],
        "roles": [{"value": "member", "primary": True}],
        ENTERPRISE: {"manager": {"value": "m-1", "displayName": "Boss"}},
    }
    assert normalize_user(served) == {
        "userName": "bjensen",
        "active": False,
        ENTERPRISE: {"manager": {"value": "m-1"}},
    }


def test_put_of_a_groups_own_document() -> None:
    served = group(
        id="g-1",
        meta={"resourceType": "Group", "location": "https://scim.test/Groups/g-1"},
        members=[{"value": "u-1", "$ref": "https://scim.test/Users/u-1", "display": "B"}],
    )
    assert normalize_group(served) == {
        "displayName": "Designers",
        "members": [{"value": "u-1", "$ref": "https://scim.test/Users/u-1", "display": "B"}],
    }


def test_okta_group_push_with_empty_members() -> None:
    assert normalize_group(group(members=[])) == {"displayName": "Designers"}


# --- names: case, URNs, unknowns --------------------------------------------------------------


def test_keys_are_case_insensitive_and_written_in_canonical_spelling() -> None:
    body = {
        "Schemas": [USER_SCHEMA],
        "UserName": "bjensen",
        "NAME": {"GivenName": "Barbara", "FAMILYNAME": "Jensen"},
        "Emails": [{"VALUE": "b@x.test", "Primary": True}],
        "externalid": "e-1",
        "ACTIVE": True,
    }
    assert normalize_user(body) == {
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "b@x.test", "primary": True}],
        "externalId": "e-1",
        "active": True,
    }


def test_group_keys_are_case_insensitive() -> None:
    body = {"schemas": [GROUP_SCHEMA], "DisplayName": "D", "MEMBERS": [{"Value": "u-1"}]}
    assert normalize_group(body) == {"displayName": "D", "members": [{"value": "u-1"}]}


def test_extension_object_is_normalized_under_the_canonical_urn() -> None:
    body = user(**{ENTERPRISE.upper(): {"Department": "Ops", "Manager": {"Value": "m-1"}}})
    assert normalize_user(body)[ENTERPRISE] == {"department": "Ops", "manager": {"value": "m-1"}}


@pytest.mark.parametrize(
    "extension", [{}, {"department": None}, {"unknown": "x"}, {"manager": {"displayName": "B"}}]
)
def test_empty_extension_is_omitted(extension: dict[str, Any]) -> None:
    assert normalize_user(user(**{ENTERPRISE: extension})) == {"userName": "bjensen"}


@pytest.mark.parametrize("value", ["Ops", ["Ops"], 3, True])
def test_extension_key_holding_a_non_object_is_invalid_syntax(value: object) -> None:
    error = rejection(user_definition(), user(**{ENTERPRISE: value}))
    assert error.scim_type is ScimType.INVALID_SYNTAX
    assert ENTERPRISE in error.detail


def test_extension_key_holding_null_is_unassigned() -> None:
    assert normalize_user(user(**{ENTERPRISE: None})) == {"userName": "bjensen"}


@pytest.mark.parametrize(
    "key",
    [f"{ENTERPRISE}:department", f"{ENTERPRISE}:Department", f"{ENTERPRISE.upper()}:DEPARTMENT"],
)
def test_extension_attribute_by_full_path_key(key: str) -> None:
    assert normalize_user(user(**{key: "Ops"})) == {
        "userName": "bjensen",
        ENTERPRISE: {"department": "Ops"},
    }


def test_extension_object_and_full_path_keys_merge() -> None:
    body = user(**{ENTERPRISE: {"department": "Ops"}, f"{ENTERPRISE}:manager": "m-1"})
    assert normalize_user(body)[ENTERPRISE] == {"department": "Ops", "manager": {"value": "m-1"}}


def test_core_urn_object_merges_into_the_top_level() -> None:
    body = {
        "schemas": [USER_SCHEMA],
        USER_SCHEMA.lower(): {"userName": "bjensen", "Name": {"givenName": "B"}, "id": "x"},
    }
    assert normalize_user(body) == {"userName": "bjensen", "name": {"givenName": "B"}}


def test_core_attribute_by_full_path_key() -> None:
    body = {"schemas": [USER_SCHEMA], f"{USER_SCHEMA}:userName": "bjensen"}
    assert normalize_user(body) == {"userName": "bjensen"}


def test_group_core_urn_object_merges_into_the_top_level() -> None:
    body = {"schemas": [GROUP_SCHEMA], GROUP_SCHEMA: {"displayName": "D"}}
    assert normalize_group(body) == {"displayName": "D"}


@pytest.mark.parametrize(
    "extra",
    [
        {"userNmae": "typo"},
        {"favouriteColour": "blue"},
        {"urn:example:custom:1.0:User": {"badge": "7"}},
        {"urn:example:custom:1.0:User:badge": "7"},
    ],
)
def test_unknown_attributes_are_dropped(extra: dict[str, Any]) -> None:
    assert normalize_user(user(**extra)) == {"userName": "bjensen"}


def test_unknown_sub_attributes_are_dropped() -> None:
    body = user(name={"givenName": "B", "nickname": "x"}, emails=[{"value": "b@x.test", "x": 1}])
    assert normalize_user(body) == {
        "userName": "bjensen",
        "name": {"givenName": "B"},
        "emails": [{"value": "b@x.test"}],
    }


def test_enterprise_extension_is_unknown_to_groups() -> None:
    body = group(**{ENTERPRISE: {"department": "Ops"}, f"{ENTERPRISE}:department": "Ops"})
    assert normalize_group(body) == {"displayName": "Designers"}


# --- readOnly, writeOnly, unassigned ---------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"id": "u-1"},
        {"id": 12},
        {"meta": {"resourceType": "User"}},
        {"meta": "garbage"},
        {"groups": [{"value": "g-1"}]},
        {"groups": []},
        {"roles": [{"value": "admin", "primary": True}]},
        {"roles": '[{"value": "admin"}]'},
        {"password": "1mz050nq"},
        {"PASSWORD": 1234},
    ],
)
def test_read_only_and_write_only_attributes_are_dropped_never_checked(
    extra: dict[str, Any],
) -> None:
    assert normalize_user(user(**extra)) == {"userName": "bjensen"}


def test_read_only_attributes_are_dropped_from_groups() -> None:
    assert normalize_group(group(id="g", meta={"version": 'W/"1"'})) == {"displayName": "Designers"}


def test_read_only_sub_attribute_is_dropped() -> None:
    body = user(**{ENTERPRISE: {"manager": {"value": "m-1", "displayName": 5}}})
    assert normalize_user(body)[ENTERPRISE] == {"manager": {"value": "m-1"}}


@pytest.mark.parametrize(
    "extra",
    [
        {"displayName": None},
        {"name": None},
        {"name": {}},
        {"name": {"givenName": None}},
        {"emails": None},
        {"emails": []},
        {"emails": [None]},
        {"emails": [{}]},
        {"emails": [{"value": None, "type": None}]},
        {"emails": {}},
        {"active": None},
        {"externalId": None},
        {"addresses": [{"bogus": "x"}]},
    ],
)
def test_unassigned_values_are_dropped(extra: dict[str, Any]) -> None:
    assert normalize_user(user(**extra)) == {"userName": "bjensen"}


def test_empty_elements_are_dropped_and_others_kept() -> None:
    body = user(emails=[None, {}, {"value": "b@x.test"}, {"type": None}])
    assert normalize_user(body)["emails"] == [{"value": "b@x.test"}]


def test_null_after_a_value_unassigns_it() -> None:
    body = {"schemas": [USER_SCHEMA], "userName": "b", "title": "T", "TITLE": None}
    assert normalize_user(body) == {"userName": "b"}


def test_input_is_not_mutated() -> None:
    body = user(
        ROLES=[{"value": "admin"}],
        emails=[{"value": "a@x.test", "primary": True}, {"value": "b@x.test", "primary": "True"}],
        active="True",
        **{ENTERPRISE: {"manager": "m-1"}, f"{ENTERPRISE}:department": "Ops"},
    )
    before = copy.deepcopy(body)
    document = normalize_user(body)
    assert body == before
    document["emails"][0]["value"] = "changed"
    assert body == before


# --- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("True", True),
        ("False", False),
        ("true", True),
        ("FALSE", False),
        ("tRuE", True),
    ],
)
def test_booleans_accept_strings_in_any_case(value: object, expected: bool) -> None:
    assert normalize_user(user(active=value))["active"] is expected


def test_boolean_sub_attribute_accepts_strings() -> None:
    document = normalize_user(user(phoneNumbers=[{"value": "+1", "primary": "True"}]))
    assert document["phoneNumbers"] == [{"value": "+1", "primary": True}]


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        ({"userName": 123}, "userName"),
        ({"userName": True}, "userName"),
        ({"userName": ["bjensen"]}, "userName"),
        ({"userName": {"value": "b"}}, "userName"),
        ({"displayName": 1.5}, "displayName"),
        ({"profileUrl": 5}, "profileUrl"),
        ({"active": "yes"}, "active"),
        ({"active": 1}, "active"),
        ({"active": 0}, "active"),
        ({"active": ""}, "active"),
        ({"active": [True]}, "active"),
        ({"name": "Barbara Jensen"}, "name"),
        ({"name": ["x"]}, "name"),
        ({"name": {"givenName": 5}}, "name.givenName"),
        ({"emails": [{"value": 5}]}, "emails.value"),
        ({"emails": [{"value": "b@x.test", "primary": "yes"}]}, "emails.primary"),
        ({"emails": [["b@x.test"]]}, "emails"),
        ({"emails": 5}, "emails"),
        ({"x509Certificates": [{"value": 5}]}, "x509Certificates.value"),
        ({ENTERPRISE: {"department": 5}}, f"{ENTERPRISE}:department"),
        ({f"{ENTERPRISE}:department": ["a"]}, f"{ENTERPRISE}:department"),
        ({ENTERPRISE: {"manager": {"value": 5}}}, f"{ENTERPRISE}:manager.value"),
        ({ENTERPRISE: {"manager": 5}}, f"{ENTERPRISE}:manager"),
        ({"externalId": 7}, "externalId"),
    ],
)
def test_wrong_type_is_invalid_value_naming_the_attribute(extra: dict[str, Any], name: str) -> None:
    error = rejection(user_definition(), user(**extra))
    assert error.scim_type is ScimType.INVALID_VALUE
    assert f"'{name}'" in error.detail


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        ({"displayName": 5}, "displayName"),
        ({"members": [{"value": 1}]}, "members.value"),
        ({"members": [{"value": "u-1", "$ref": 2}]}, "members.$ref"),
        ({"members": [7]}, "members"),
    ],
)
def test_wrong_type_in_a_group_is_invalid_value(extra: dict[str, Any], name: str) -> None:
    error = rejection(group_definition(), group(**extra))
    assert error.scim_type is ScimType.INVALID_VALUE
    assert f"'{name}'" in error.detail


def _attribute(name: str, type_: str, *, multi_valued: bool = False) -> Attribute:
    return Attribute(name=name, type=type_, multi_valued=multi_valued, schema="urn:test:Thing")


def _thing_definition() -> ResourceDefinition:
    """A resource type whose attributes cover the types the User and Group schemas lack."""
    attributes = [
        _attribute("userName", "string"),
        _attribute("count", "integer"),
        _attribute("ratio", "decimal"),
        _attribute("seen", "dateTime"),
        _attribute("blob", "binary"),
        _attribute("tags", "string", multi_valued=True),
    ]
    core = Schema(
        id="urn:test:Thing",
        name="Thing",
        attributes={attribute.name.lower(): attribute for attribute in attributes},
        document={},
    )
    return ResourceDefinition(
        name="Thing",
        endpoint="/Things",
        core=core,
        extensions={},
        common=load_schema("Common.json"),
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("count", 3),
        ("count", -1),
        ("count", 0),
        ("ratio", 1.5),
        ("ratio", 2),
        ("ratio", 0.0),
        ("seen", "2024-05-01T10:00:00Z"),
        ("seen", "2024-05-01T10:00:00.123+02:00"),
        ("seen", "2015-10-10T14:38:21.8617979-07:00"),
        ("seen", "2024-05-01T10:00:00z"),
        ("blob", "TUlJQ0lq"),
        ("tags", ["a", "b"]),
    ],
)
def test_valid_scalar_types_are_kept_as_given(name: str, value: object) -> None:
    document = normalize_resource(_thing_definition(), {name: value}, require_schemas=False)
    assert document == {name: value}
    assert type(document[name]) is type(value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("count", True),
        ("count", 1.0),
        ("count", "3"),
        ("ratio", False),
        ("ratio", "1.5"),
        ("seen", "yesterday"),
        ("seen", "2024-13-01T00:00:00Z"),
        ("seen", 1714557600),
        ("seen", ""),
        ("blob", 5),
        ("tags", ["a", 2]),
    ],
)
def test_invalid_scalar_types_are_invalid_value(name: str, value: object) -> None:
    error = rejection(_thing_definition(), {name: value}, require_schemas=False)
    assert error.scim_type is ScimType.INVALID_VALUE
    assert f"'{name}'" in error.detail


def test_single_scalar_for_a_multi_valued_attribute_is_wrapped() -> None:
    document = normalize_resource(_thing_definition(), {"tags": "a"}, require_schemas=False)
    assert document == {"tags": ["a"]}


# --- complex values given as strings ----------------------------------------------------------


def test_entra_manager_string_becomes_a_value_object() -> None:
    document = normalize_user(user(**{ENTERPRISE: {"manager": "m-1"}}))
    assert document[ENTERPRISE] == {"manager": {"value": "m-1"}}


def test_empty_manager_string_is_unassigned() -> None:
    body = user(**{ENTERPRISE: {"manager": "", "department": "Ops"}})
    assert normalize_user(body)[ENTERPRISE] == {"department": "Ops"}


def test_bare_member_ids_become_value_objects() -> None:
    body = group(members=["u-1", "", {"value": "u-2"}])
    assert normalize_group(body)["members"] == [{"value": "u-1"}, {"value": "u-2"}]


SCIM_1 = {"schemas": ["urn:scim:schemas:core:1.0"], "userName": "bjensen"}


def test_bare_email_string_becomes_one_email_in_a_scim_1_0_template() -> None:
    assert normalize_user({**SCIM_1, "emails": "b@x.test"})["emails"] == [{"value": "b@x.test"}]


# --- multi-valued -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        user(emails={"value": "b@x.test", "type": "work"}),
        user(emails="b@x.test"),
        user(**{"urn:ietf:params:scim:schemas:core:2.0:User:phoneNumbers": {"value": "1"}}),
        group(members={"value": "u-1"}),
    ],
)
def test_a_single_value_for_a_multi_valued_attribute_is_refused_in_a_scim_2_0_body(
    body: dict[str, Any],
) -> None:
    """RFC 7643 2.4: multi-valued attributes are JSON arrays (issue 15: the reference server
    wrapped them silently)."""
    definition = group_definition() if "displayName" in body else user_definition()
    error = rejection(definition, body)
    assert error.scim_type is ScimType.INVALID_VALUE
    assert "multi-valued" in error.detail


def test_single_object_for_a_multi_valued_attribute_is_wrapped_where_onelogin_sends_it() -> None:
    body = {**SCIM_1, "emails": {"value": "b@x.test", "type": "work", "primary": True}}
    assert normalize_user(body)["emails"] == [
        {"value": "b@x.test", "type": "work", "primary": True}
    ]


def test_single_member_object_is_wrapped_in_the_servers_own_patch_result() -> None:
    document = normalize_group(group(members={"value": "u-1"}), require_schemas=False)
    assert document["members"] == [{"value": "u-1"}]


def test_only_the_first_primary_stays_true() -> None:
    body = user(
        emails=[
            {"value": "a@x.test", "primary": False},
            {"value": "b@x.test", "primary": True},
            {"value": "c@x.test", "primary": "True"},
            {"value": "d@x.test"},
            {"value": "e@x.test", "primary": True},
        ]
    )
    assert normalize_user(body)["emails"] == [
        {"value": "a@x.test", "primary": False},
        {"value": "b@x.test", "primary": True},
        {"value": "c@x.test", "primary": False},
        {"value": "d@x.test"},
        {"value": "e@x.test", "primary": False},
    ]


def test_primary_is_counted_per_attribute() -> None:
    body = user(
        emails=[{"value": "a@x.test", "primary": True}],
        phoneNumbers=[{"value": "+1", "primary": True}, {"value": "+2", "primary": True}],
    )
    document = normalize_user(body)
    assert document["emails"] == [{"value": "a@x.test", "primary": True}]
    assert document["phoneNumbers"] == [
        {"value": "+1", "primary": True},
        {"value": "+2", "primary": False},
    ]


# --- required ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"schemas": [USER_SCHEMA]},
        {"schemas": [USER_SCHEMA], "userName": None},
        {"schemas": [USER_SCHEMA], "userName": ""},
        {"schemas": [USER_SCHEMA], "userName": "  \t"},
        {"schemas": [USER_SCHEMA], "username_": "bjensen"},
        {"schemas": [USER_SCHEMA], "name": {"givenName": "B"}, "password": "x"},
    ],
)
def test_user_name_is_required(body: dict[str, Any]) -> None:
    error = rejection(user_definition(), body)
    assert error.scim_type is ScimType.INVALID_VALUE
    assert "'userName'" in error.detail


@pytest.mark.parametrize(
    "body",
    [
        {"schemas": [GROUP_SCHEMA]},
        {"schemas": [GROUP_SCHEMA], "displayName": " "},
        {"schemas": [GROUP_SCHEMA], "displayName": None, "members": [{"value": "u-1"}]},
    ],
)
def test_group_display_name_is_required(body: dict[str, Any]) -> None:
    error = rejection(group_definition(), body)
    assert error.scim_type is ScimType.INVALID_VALUE
    assert "'displayName'" in error.detail


def test_required_is_checked_without_schemas_too() -> None:
    error = rejection(user_definition(), {"active": True}, require_schemas=False)
    assert error.scim_type is ScimType.INVALID_VALUE


def test_required_value_keeps_its_original_spelling() -> None:
    assert normalize_user(user(userName=" bjensen "))["userName"] == " bjensen "


def test_user_display_name_is_not_required() -> None:
    assert normalize_user(user()) == {"userName": "bjensen"}
