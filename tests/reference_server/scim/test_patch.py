"""PATCH (RFC 7644 3.5.2) on canonical documents, including the exact Okta and Entra shapes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from reference_server.scim.attributes import (
    ENTERPRISE_USER_SCHEMA,
    ResourceDefinition,
    group_definition,
    user_definition,
)
from reference_server.scim.errors import ScimError, ScimType
from reference_server.scim.patch import PATCH_OP_SCHEMA, apply_patch

ENT = ENTERPRISE_USER_SCHEMA


def user() -> dict[str, Any]:
    return {
        "userName": "bjensen",
        "active": True,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "b@x.test", "type": "work", "primary": True}],
        ENT: {"manager": {"value": "id1"}, "department": "Design"},
    }


def group() -> dict[str, Any]:
    return {
        "displayName": "Designers",
        "members": [{"value": "uid1", "type": "User"}, {"value": "uid2", "display": "two"}],
    }


def body(*operations: Any) -> dict[str, Any]:
    return {"schemas": [PATCH_OP_SCHEMA], "Operations": list(operations)}


def patch_user(*operations: dict[str, Any], document: dict[str, Any] | None = None) -> Any:
    return apply_patch(user_definition(), document or user(), body(*operations))


def patch_group(*operations: dict[str, Any]) -> Any:
    return apply_patch(group_definition(), group(), body(*operations))


def refused(raw: object, definition: ResourceDefinition | None = None, **kwargs: Any) -> ScimError:
    with pytest.raises(ScimError) as caught:
        apply_patch(definition or user_definition(), user(), raw, **kwargs)
    assert caught.value.status == 400
    return caught.value


def refused_op(*operations: dict[str, Any]) -> ScimError:
    return refused(body(*operations))


# --- the request body -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ([], "JSON object"),
        ("x", "JSON object"),
        ({"Operations": [{"op": "add", "path": "title", "value": "x"}]}, "schemas"),
        ({"schemas": PATCH_OP_SCHEMA, "Operations": [{"op": "remove", "path": "x"}]}, "schemas"),
        ({"schemas": ["urn:x:y:z"], "Operations": [{"op": "remove", "path": "x"}]}, "schemas"),
        ({"schemas": [PATCH_OP_SCHEMA]}, "Operations"),
        ({"schemas": [PATCH_OP_SCHEMA], "Operations": []}, "Operations"),
        ({"schemas": [PATCH_OP_SCHEMA], "Operations": {"op": "add"}}, "Operations"),
        (body("add"), "Operations[0] must be a JSON object"),
        (body({"path": "title", "value": "x"}), "Operations[0].op"),
        (body({"op": "copy", "path": "title", "value": "x"}), "Operations[0].op"),
        (body({"op": 1, "path": "title", "value": "x"}), "Operations[0].op"),
        (body({"op": "add", "path": "title"}), "must carry a 'value'"),
        (body({"op": "replace", "path": "title"}), "must carry a 'value'"),
    ],
)
def test_malformed_body_is_invalid_syntax(raw: object, detail: str) -> None:
    error = refused(raw)
    assert error.scim_type is ScimType.INVALID_SYNTAX
    assert detail in error.detail


def test_operation_count_is_capped() -> None:
    ops = [{"op": "add", "path": "title", "value": str(n)} for n in range(3)]
    error = refused(body(*ops), max_operations=2)
    assert error.scim_type is ScimType.INVALID_SYNTAX
    assert "3 operations" in error.detail
    assert apply_patch(user_definition(), user(), body(*ops), max_operations=3)["title"] == "2"


def test_body_keys_and_op_are_case_insensitive() -> None:
    raw = {
        "Schemas": [PATCH_OP_SCHEMA.upper()],
        "operations": [{"OP": "Add", "Path": "title", "Value": "Boss"}],
    }
    assert apply_patch(user_definition(), user(), raw)["title"] == "Boss"


def test_unknown_operation_members_are_ignored() -> None:
    # Entra's Postman suite sends "name": "addMember" next to op/path/value.
    result = patch_group({"name": "addMember", "op": "add", "path": "members", "value": []})
    assert result == group()


def test_path_must_be_a_string() -> None:
    error = refused_op({"op": "add", "path": 3, "value": "x"})
    assert error.scim_type is ScimType.INVALID_PATH


# --- paths --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "emails[type eq",
        "name..givenName",
        "name.givenName.x",
        'emails[type eq "work"].value eq "x"',
        "urn:x:userName",
        "bogus",
        "name.bogus",
        "userName.value",
        'emails[bogus eq "x"]',
        'emails[value.x eq "x"]',
        'name[givenName eq "x"]',
        "urn:ietf:params:scim:schemas:extension:other:2.0:User:manager",
        f"{ENT}:userName",
        "members",
    ],
)
def test_paths_naming_nothing_known_are_invalid_path(path: str) -> None:
    error = refused_op({"op": "replace", "path": path, "value": "x"})
    assert error.scim_type is ScimType.INVALID_PATH
    assert error.detail.startswith("Operations[0]: ")


def test_long_paths_are_not_echoed_in_full() -> None:
    error = refused_op({"op": "replace", "path": "x" * 500, "value": "x"})
    assert len(error.detail) < 200


def test_attribute_names_are_case_insensitive_and_written_canonically() -> None:
    result = patch_user(
        {"op": "replace", "path": "NAME.GIVENNAME", "value": "Babs"},
        {"op": "add", "path": "NickName", "value": "B"},
        {"op": "replace", "path": 'EMAILS[TYPE eq "work"].VALUE', "value": "n@x.test"},
    )
    assert result["name"] == {"givenName": "Babs", "familyName": "Jensen"}
    assert result["nickName"] == "B"
    assert result["emails"][0]["value"] == "n@x.test"


def test_core_urn_qualified_paths_address_the_core_attributes() -> None:
    path = "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName"
    assert patch_user({"op": "replace", "path": path, "value": "B"})["name"]["givenName"] == "B"
    path = "urn:ietf:params:scim:schemas:core:2.0:User:externalId"
    assert patch_user({"op": "add", "path": path, "value": "e1"})["externalId"] == "e1"


def test_urn_qualified_paths_address_the_extension_object() -> None:
    result = patch_user(
        {"op": "replace", "path": f"{ENT}:manager.value", "value": "id2"},
        {"op": "add", "path": f"{ENT}:employeeNumber", "value": "42"},
    )
    assert result[ENT] == {
        "manager": {"value": "id2"},
        "department": "Design",
        "employeeNumber": "42",
    }


def test_extension_object_is_created_when_absent() -> None:
    document = {"userName": "b"}
    result = patch_user(
        {"op": "add", "path": f"{ENT}:department", "value": "Ops"}, document=document
    )
    assert result == {"userName": "b", ENT: {"department": "Ops"}}


def test_extension_urn_as_path_merges_its_object() -> None:
    value = {"Department": "Ops", "costCenter": "c1", "bogus": 1}
    result = patch_user({"op": "replace", "path": ENT, "value": value})
    assert result[ENT] == {"manager": {"value": "id1"}, "department": "Ops", "costCenter": "c1"}


def test_extension_urn_as_path_removes_the_object() -> None:
    assert ENT not in patch_user({"op": "remove", "path": ENT})
    assert ENT not in patch_user({"op": "replace", "path": ENT, "value": None})


def test_core_urn_as_path_is_the_resource() -> None:
    core = "urn:ietf:params:scim:schemas:core:2.0:User"
    assert patch_user({"op": "replace", "path": core, "value": {"title": "T"}})["title"] == "T"
    assert refused_op({"op": "remove", "path": core}).scim_type is ScimType.NO_TARGET


def test_unqualified_extension_attribute_names_resolve() -> None:
    # The MS-SCIM doc's manager example says "path": "manager" with a one-element list.
    value = [{"$ref": "https://x.test/Users/id9", "value": "id9"}]
    result = patch_user({"op": "Add", "path": "manager", "value": value})
    assert result[ENT]["manager"] == {"value": "id9", "$ref": "https://x.test/Users/id9"}


def test_bare_comparison_path_selects_like_a_value_filter() -> None:
    # RFC 7644 errata 7122: `emails.type eq "work"` reads as `emails[type eq "work"]`.
    result = patch_user({"op": "remove", "path": 'emails.type eq "work"'})
    assert "emails" not in result


# --- mutability ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "path"),
    [
        ("replace", "id"),
        ("remove", "id"),
        ("add", "meta"),
        ("replace", "meta.created"),
        ("add", "groups"),
        ("remove", 'groups[value eq "g1"]'),
        ("replace", f"{ENT}:manager.displayName"),
    ],
)
def test_explicit_paths_to_read_only_attributes_are_mutability_errors(op: str, path: str) -> None:
    error = refused_op({"op": op, "path": path, "value": "x"})
    assert error.scim_type is ScimType.MUTABILITY


def test_immutable_member_reference_cannot_be_rewritten() -> None:
    operation = {"op": "replace", "path": 'members[value eq "uid1"].value', "value": "uid9"}
    error = refused(body(operation), group_definition())
    assert error.scim_type is ScimType.MUTABILITY


def test_member_display_can_be_replaced_through_a_filter() -> None:
    result = patch_group(
        {"op": "replace", "path": 'members[value eq "uid1"].display', "value": "D"}
    )
    assert result["members"][0] == {"value": "uid1", "type": "User", "display": "D"}


@pytest.mark.parametrize(
    "operation",
    [
        # Entra legacy: the role object JSON-encoded as a string inside `value`.
        {
            "op": "Add",
            "path": "roles",
            "value": [{"value": json.dumps({"id": "1", "value": "25"})}],
        },
        {"op": "replace", "path": "roles", "value": [{"value": "Admin", "primary": True}]},
        {"op": "remove", "path": "roles"},
        {"op": "remove", "path": 'roles[value eq "member"]'},
        {"op": "replace", "path": "roles[primary eq true].value", "value": "owner"},
        {"op": "replace", "value": {"roles": [{"value": "Admin"}]}},
    ],
)
def test_roles_are_ignored_in_every_form(operation: dict[str, Any]) -> None:
    document = {**user(), "roles": [{"value": "member", "primary": True}]}
    assert patch_user(operation, document=document) == document


# --- path-less add / replace --------------------------------------------------------------------


def test_okta_oin_deactivation_is_a_pathless_replace() -> None:
    result = patch_user({"op": "replace", "value": {"active": False}})
    assert result == {**user(), "active": False}


def test_okta_group_rename_ignores_the_id_inside_value() -> None:
    result = patch_group({"op": "replace", "value": {"id": "gid-1", "displayName": "Renamed"}})
    assert result == {**group(), "displayName": "Renamed"}
    assert "id" not in result


def test_entra_2020_pathless_replace_with_dotted_and_urn_keys() -> None:
    value = {
        "displayName": "Babs J",
        "name.givenName": "Babs",
        "name.familyName": "J",
        f"{ENT}:department": "Tech Infrastructure",
        f"{ENT}:employeeNumber": "7",
    }
    result = patch_user({"op": "replace", "value": value})
    assert result["displayName"] == "Babs J"
    assert result["name"] == {"givenName": "Babs", "familyName": "J"}
    assert result[ENT] == {
        "manager": {"value": "id1"},
        "department": "Tech Infrastructure",
        "employeeNumber": "7",
    }


def test_entra_2020_pathless_replace_of_active_and_user_name() -> None:
    result = patch_user({"op": "replace", "value": {"active": False, "userName": "someone"}})
    assert result == {**user(), "active": False, "userName": "someone"}


def test_pathless_extension_urn_key_holding_an_object_is_merged() -> None:
    value = {ENT: {"Department": "Ops", "manager": {"Value": "id2"}, "bogus": 1}}
    result = patch_user({"op": "add", "value": value})
    assert result[ENT] == {"manager": {"value": "id2"}, "department": "Ops"}


def test_pathless_core_urn_key_holding_an_object_is_merged() -> None:
    value = {"urn:ietf:params:scim:schemas:core:2.0:User": {"Title": "T"}}
    assert patch_user({"op": "replace", "value": value})["title"] == "T"


def test_pathless_ignores_read_only_and_unknown_keys() -> None:
    value = {
        "id": "x",
        "meta": {"created": "2020-01-01T00:00:00Z"},
        "groups": [{"value": "g"}],
        "schemas": ["urn:x"],
        "bogus": 1,
        "emails[type": "broken",
        f"{ENT}:manager.displayName": "Boss",
        "urn:ietf:params:scim:schemas:extension:other:2.0:User:x": 1,
        "title": "T",
    }
    assert patch_user({"op": "replace", "value": value}) == {**user(), "title": "T"}


def test_pathless_keys_may_carry_a_value_filter() -> None:
    value = {'emails[type eq "work"].value': "w@x.test"}
    assert patch_user({"op": "replace", "value": value})["emails"][0]["value"] == "w@x.test"


@pytest.mark.parametrize("value", ["x", ["a"], None, 1])
def test_pathless_value_must_be_an_object(value: object) -> None:
    error = refused_op({"op": "add", "value": value})
    assert error.scim_type is ScimType.INVALID_SYNTAX


def test_okta_pathless_members_replace_overwrites_the_list() -> None:
    result = patch_group({"op": "replace", "value": {"members": [{"value": "uid3"}]}})
    assert result["members"] == [{"value": "uid3"}]


def test_pathless_add_appends_to_a_multi_valued_attribute() -> None:
    result = patch_user({"op": "add", "value": {"emails": [{"value": "h@x.test", "type": "home"}]}})
    assert [e["value"] for e in result["emails"]] == ["b@x.test", "h@x.test"]


# --- add ----------------------------------------------------------------------------------------


def test_add_sets_a_single_valued_attribute() -> None:
    # Entra: new value where none existed.
    assert patch_user({"op": "Add", "path": "nickName", "value": "Babs"})["nickName"] == "Babs"


def test_add_merges_a_complex_attribute() -> None:
    result = patch_user({"op": "add", "path": "name", "value": {"MiddleName": "M", "bogus": 1}})
    assert result["name"] == {"givenName": "Barbara", "familyName": "Jensen", "middleName": "M"}


def test_add_appends_to_a_multi_valued_attribute_wrapping_a_single_value() -> None:
    result = patch_user(
        {"op": "add", "path": "emails", "value": {"Value": "h@x.test", "Type": "home"}}
    )
    assert result["emails"][1] == {"value": "h@x.test", "type": "home"}


def test_add_skips_entries_equal_to_existing_ones() -> None:
    entry = {"value": "B@X.TEST", "type": "Work", "primary": True}
    result = patch_user({"op": "add", "path": "emails", "value": [entry, entry]})
    assert result["emails"] == user()["emails"]


def test_okta_add_members_with_display() -> None:
    value = [{"value": "uid3", "display": "three@okta.local"}]
    result = patch_group({"op": "add", "path": "members", "value": value})
    assert result["members"][-1] == {"value": "uid3", "display": "three@okta.local"}


def test_add_member_with_the_same_value_is_a_duplicate() -> None:
    value = [{"value": "uid1", "display": "other"}, {"value": "uid3"}, {"value": "uid3"}]
    result = patch_group({"op": "add", "path": "members", "value": value})
    assert [m["value"] for m in result["members"]] == ["uid1", "uid2", "uid3"]


def test_member_references_compare_case_exactly() -> None:
    result = patch_group({"op": "add", "path": "members", "value": [{"value": "UID1"}]})
    assert [m["value"] for m in result["members"]] == ["uid1", "uid2", "UID1"]


def test_entra_legacy_add_member_with_null_ref() -> None:
    value = [{"$ref": None, "value": "uid3"}, {"$ref": None, "value": "uid4"}]
    result = patch_group({"op": "Add", "path": "members", "value": value})
    assert result["members"][2:] == [{"value": "uid3"}, {"value": "uid4"}]


def test_add_member_as_a_bare_string_is_kept_for_the_normalizer() -> None:
    result = patch_group({"op": "add", "path": "members", "value": "string id 1"})
    assert result["members"][-1] == "string id 1"


def test_add_with_a_filter_sets_the_matching_entries() -> None:
    result = patch_user({"op": "add", "path": 'emails[type eq "work"].display', "value": "Work"})
    assert result["emails"][0]["display"] == "Work"


def test_add_without_filter_to_a_sub_attribute_sets_it_on_every_entry() -> None:
    document = {**user(), "emails": [{"value": "a@x.test"}, {"value": "b@x.test"}]}
    result = patch_user({"op": "add", "path": "emails.type", "value": "work"}, document=document)
    assert [e["type"] for e in result["emails"]] == ["work", "work"]
    result = patch_user({"op": "add", "path": "phoneNumbers.value", "value": "555"})
    assert result["phoneNumbers"] == [{"value": "555"}]


# --- replace ------------------------------------------------------------------------------------


def test_entra_legacy_disable_keeps_the_string_for_the_normalizer() -> None:
    assert patch_user({"op": "Replace", "path": "active", "value": "False"})["active"] == "False"


def test_entra_2020_disable() -> None:
    assert patch_user({"op": "replace", "path": "active", "value": False})["active"] is False


def test_entra_legacy_replaces_name_given_name() -> None:
    result = patch_user({"op": "Replace", "path": "name.givenName", "value": "Babs"})
    assert result["name"] == {"givenName": "Babs", "familyName": "Jensen"}


def test_entra_legacy_replaces_the_work_email() -> None:
    operation = {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "u@x.test"}
    result = patch_user(operation)
    assert result["emails"] == [{"value": "u@x.test", "type": "work", "primary": True}]


def test_replace_of_a_filtered_sub_attribute_creates_the_entry_when_none_matches() -> None:
    result = patch_user(
        {"op": "Replace", "path": 'emails[type eq "other"].value', "value": "o@x.test"},
        {"op": "replace", "path": 'addresses[type eq "work"].locality', "value": "Paris"},
        {
            "op": "add",
            "path": 'phoneNumbers[type eq "mobile" and display eq "m"].value',
            "value": "5",
        },
    )
    assert result["emails"][1] == {"type": "other", "value": "o@x.test"}
    assert result["addresses"] == [{"type": "work", "locality": "Paris"}]
    assert result["phoneNumbers"] == [{"type": "mobile", "display": "m", "value": "5"}]


def test_replace_with_a_filter_and_an_object_creates_the_entry_when_none_matches() -> None:
    operation = {"op": "replace", "path": 'emails[type eq "home"]', "value": {"value": "h@x.test"}}
    assert patch_user(operation)["emails"][1] == {"type": "home", "value": "h@x.test"}


@pytest.mark.parametrize(
    ("op", "path", "value"),
    [
        ("replace", 'emails[type co "oth"].value', "x"),
        ("replace", 'emails[type eq "home" or type eq "other"].value', "x"),
        ("replace", 'emails[not (type eq "work")].value', "x"),
        ("replace", 'emails[type pr and type eq "home"].value', "x"),
        ("add", 'emails[value sw "zz"]', {"value": "x"}),
        ("replace", 'emails[type eq "home"]', "not an object"),
        ("replace", "emails[type eq null].value", "x"),
    ],
)
def test_replace_with_an_unmatched_non_constructive_filter_is_no_target(
    op: str, path: str, value: object
) -> None:
    error = refused_op({"op": op, "path": path, "value": value})
    assert error.scim_type is ScimType.NO_TARGET


def test_replace_of_filtered_entries_with_a_scalar_is_kept_for_the_normalizer() -> None:
    result = patch_user({"op": "replace", "path": 'emails[type eq "work"]', "value": "n@x.test"})
    assert result["emails"] == ["n@x.test"]


def test_empty_key_in_a_pathless_value_is_ignored() -> None:
    assert patch_user({"op": "replace", "value": {"": {"title": "T"}}}) == user()


def test_unmatched_filter_with_null_value_changes_nothing() -> None:
    assert patch_user({"op": "replace", "path": 'emails[type eq "home"]', "value": None}) == user()


def test_replace_a_complex_attribute_keeps_unmentioned_sub_attributes() -> None:
    # RFC 7644 3.5.2.3: "Sub-attributes that are not specified ... are left unchanged."
    result = patch_user({"op": "replace", "path": "name", "value": {"GivenName": "B", "x": 1}})
    assert result["name"] == {"givenName": "B", "familyName": "Jensen"}


def test_replace_a_multi_valued_attribute_without_filter_replaces_the_list() -> None:
    value = [{"value": "n@x.test", "type": "home"}]
    assert patch_user({"op": "replace", "path": "emails", "value": value})["emails"] == value


def test_replace_with_a_filter_merges_into_the_matching_entries() -> None:
    value = {"value": "n@x.test", "display": "N"}
    result = patch_user({"op": "replace", "path": 'emails[type eq "work"]', "value": value})
    assert result["emails"] == [
        {"value": "n@x.test", "type": "work", "primary": True, "display": "N"}
    ]


def test_okta_push_now_replaces_members() -> None:
    result = patch_group({"op": "replace", "path": "members", "value": [{"value": "uid3"}]})
    assert result["members"] == [{"value": "uid3"}]


def test_okta_push_now_of_an_empty_group_removes_all_members() -> None:
    result = patch_group({"op": "replace", "path": "members", "value": []})
    assert result == {"displayName": "Designers"}


def test_entra_rename_group() -> None:
    result = patch_group({"op": "Replace", "path": "displayName", "value": "New"})
    assert result["displayName"] == "New"


# --- manager (Entra) ----------------------------------------------------------------------------


def test_entra_manager_as_a_string_is_kept_for_the_normalizer() -> None:
    path = f"{ENT}:manager"
    assert patch_user({"op": "Add", "path": path, "value": "id2"})[ENT]["manager"] == "id2"
    assert patch_user({"op": "replace", "path": path, "value": "id3"})[ENT]["manager"] == "id3"


def test_entra_manager_cleared_with_an_empty_string_is_kept_for_the_normalizer() -> None:
    result = patch_user({"op": "replace", "path": f"{ENT}:manager", "value": ""})
    assert result[ENT] == {"manager": "", "department": "Design"}


def test_validator_manager_as_an_object_drops_read_only_display_name() -> None:
    value = {"value": "id4", "displayName": "Boss"}
    result = patch_user({"op": "replace", "path": f"{ENT}:manager", "value": value})
    assert result[ENT]["manager"] == {"value": "id4"}


def test_manager_removal_drops_the_attribute() -> None:
    result = patch_user({"op": "remove", "path": f"{ENT}:manager"})
    assert result[ENT] == {"department": "Design"}


# --- remove -------------------------------------------------------------------------------------


def test_remove_needs_a_path() -> None:
    error = refused_op({"op": "remove", "value": {"title": "x"}})
    assert error.scim_type is ScimType.NO_TARGET
    assert refused_op({"op": "remove", "path": "  "}).scim_type is ScimType.NO_TARGET


def test_remove_without_filter_removes_the_attribute() -> None:
    result = patch_user(
        {"op": "remove", "path": "emails"},
        {"op": "remove", "path": "name"},
        {"op": "remove", "path": "nickName"},  # absent already: still fine
    )
    assert "emails" not in result
    assert "name" not in result


def test_remove_a_sub_attribute_leaves_no_empty_complex() -> None:
    document = {**user(), "name": {"givenName": "B"}}
    assert "name" not in patch_user({"op": "remove", "path": "name.givenName"}, document=document)


def test_remove_the_last_extension_attribute_drops_the_extension_object() -> None:
    result = patch_user(
        {"op": "remove", "path": f"{ENT}:manager"},
        {"op": "remove", "path": f"{ENT}:department"},
    )
    assert ENT not in result


def test_okta_removes_a_member_by_filter() -> None:
    result = patch_group({"op": "remove", "path": 'members[value eq "uid1"]'})
    assert result["members"] == [{"value": "uid2", "display": "two"}]


def test_okta_membership_patch_remove_then_add() -> None:
    result = patch_group(
        {"op": "remove", "path": 'members[value eq "uid2"]'},
        {"op": "add", "path": "members", "value": [{"value": "uid3", "display": "t@okta.local"}]},
    )
    assert [m["value"] for m in result["members"]] == ["uid1", "uid3"]


def test_entra_legacy_removes_only_the_listed_members() -> None:
    value = [{"$ref": None, "value": "uid1"}]
    result = patch_group({"op": "Remove", "path": "members", "value": value})
    assert result["members"] == [{"value": "uid2", "display": "two"}]


def test_entra_legacy_removal_of_the_last_members_leaves_members_absent() -> None:
    value = [{"value": "uid1"}, {"value": "uid2"}, {"value": "uid-unknown"}]
    assert "members" not in patch_group({"op": "Remove", "path": "members", "value": value})


def test_removal_by_value_list_on_other_attributes_matches_listed_sub_attributes() -> None:
    document = {**user(), "emails": [{"value": "a@x.test", "type": "work"}, {"value": "b@x.test"}]}
    operation = {"op": "remove", "path": "emails", "value": [{"Value": "A@X.TEST"}, {}]}
    assert patch_user(operation, document=document)["emails"] == [{"value": "b@x.test"}]


def test_removal_by_value_list_without_a_reference_removes_nothing() -> None:
    result = patch_group({"op": "remove", "path": "members", "value": [{"display": "two"}]})
    assert result == group()


def test_remove_all_members_without_value() -> None:
    assert "members" not in patch_group({"op": "remove", "path": "members"})


def test_remove_with_a_filter_matching_nothing_is_a_no_op() -> None:
    assert patch_group({"op": "remove", "path": 'members[value eq "nobody"]'}) == group()


def test_remove_a_sub_attribute_of_the_matching_entries() -> None:
    result = patch_user({"op": "remove", "path": 'emails[type eq "work"].primary'})
    assert result["emails"] == [{"value": "b@x.test", "type": "work"}]


def test_remove_the_only_sub_attribute_drops_the_entry() -> None:
    document = {**user(), "emails": [{"value": "a@x.test"}, {"value": "b@x.test", "type": "t"}]}
    operation = {"op": "remove", "path": 'emails[value eq "a@x.test"].value'}
    assert patch_user(operation, document=document)["emails"] == [
        {"value": "b@x.test", "type": "t"}
    ]


# --- null ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "path"),
    [
        ("replace", "title"),
        ("add", "title"),
        ("replace", "name"),
        ("add", "name"),
        ("replace", "emails"),
        ("replace", f"{ENT}:manager"),
        ("add", f"{ENT}:department"),
    ],
)
def test_null_leaves_the_attribute_absent(op: str, path: str) -> None:
    document = {**user(), "title": "T"}
    result = patch_user({"op": op, "path": path, "value": None}, document=document)
    urn, _, name = path.rpartition(":")
    assert name not in (result[urn] if urn else result)
    assert {k: v for k, v in result.items() if k not in (name, ENT)} == {
        k: v for k, v in document.items() if k not in (name, ENT)
    }


def test_adding_null_to_a_multi_valued_attribute_adds_nothing() -> None:
    # Add never removes values; replace with null does (test above).
    assert patch_user({"op": "add", "path": "emails", "value": None}) == user()


def test_null_sub_attribute_removes_it() -> None:
    result = patch_user({"op": "replace", "path": "name", "value": {"givenName": None}})
    assert result["name"] == {"familyName": "Jensen"}
    result = patch_user({"op": "replace", "path": 'emails[type eq "work"].primary', "value": None})
    assert result["emails"] == [{"value": "b@x.test", "type": "work"}]


def test_replace_filtered_entries_with_null_removes_them() -> None:
    assert "emails" not in patch_user(
        {"op": "replace", "path": 'emails[type eq "work"]', "value": None}
    )


# --- primary (RFC 7643 2.4) ---------------------------------------------------------------------


def test_adding_a_primary_entry_clears_the_other_primary() -> None:
    value = {"value": "h@x.test", "type": "home", "primary": True}
    result = patch_user({"op": "add", "path": "emails", "value": value})
    assert [e.get("primary") for e in result["emails"]] == [False, True]


def test_entra_string_primary_counts_as_primary() -> None:
    value = [{"value": "h@x.test", "primary": "True"}]
    result = patch_user({"op": "add", "path": "emails", "value": value})
    assert [e.get("primary") for e in result["emails"]] == [False, "True"]


def test_entra_2020_sets_primary_through_a_filter() -> None:
    document = {**user(), "emails": [*user()["emails"], {"value": "h@x.test", "type": "home"}]}
    operation = {"op": "replace", "path": 'emails[type eq "home"].primary', "value": True}
    result = patch_user(operation, document=document)
    assert [e.get("primary") for e in result["emails"]] == [False, True]


def test_replacing_the_list_keeps_only_the_last_primary() -> None:
    value = [{"value": "a@x.test", "primary": True}, {"value": "b@x.test", "primary": True}]
    result = patch_user({"op": "replace", "path": "emails", "value": value})
    assert [e["primary"] for e in result["emails"]] == [False, True]


def test_non_primary_entries_are_left_alone() -> None:
    value = {"value": "h@x.test", "type": "home", "primary": False}
    result = patch_user({"op": "add", "path": "emails", "value": value})
    assert result["emails"][0]["primary"] is True


# --- value filters ------------------------------------------------------------------------------


def emails_document() -> dict[str, Any]:
    return {
        "userName": "b",
        "emails": [
            {"value": "Alice@Work.test", "type": "work"},
            {"value": "alice@home.test", "type": "home", "primary": "True"},
            {"value": "other@x.test"},
        ],
    }


@pytest.mark.parametrize(
    ("value_filter", "removed"),
    [
        ('value eq "alice@work.test"', [0]),
        ('value ne "alice@work.test"', [1, 2]),
        ('value co "HOME"', [1]),
        ('value sw "alice"', [0, 1]),
        ('value ew ".TEST"', [0, 1, 2]),
        ("type pr", [0, 1]),
        ("not (type pr)", [2]),
        ('type eq "work" or type eq "home"', [0, 1]),
        ('value sw "alice" and not (type eq "home")', [0]),
        ("primary eq true", [1]),
        ("primary eq false", []),
        ('value gt "b"', [2]),
        ('value le "alice@home.test"', [1]),
        ("value gt 3", []),
        ("type eq null", [2]),
        ("type ne null", [0, 1]),
        ("display pr", []),
    ],
)
def test_value_filters(value_filter: str, removed: list[int]) -> None:
    document = emails_document()
    operation = {"op": "remove", "path": f"emails[{value_filter}]"}
    result = patch_user(operation, document=document)
    kept = [e for i, e in enumerate(document["emails"]) if i not in removed]
    assert result.get("emails", []) == kept


def test_case_exact_sub_attributes_compare_exactly() -> None:
    assert patch_group({"op": "remove", "path": 'members[value eq "UID1"]'}) == group()
    result = patch_group({"op": "remove", "path": 'members[type eq "USER"]'})
    assert [m["value"] for m in result["members"]] == ["uid2"]


# --- atomicity ----------------------------------------------------------------------------------


def test_a_failing_operation_leaves_the_input_untouched() -> None:
    document = user()
    before = copy.deepcopy(document)
    with pytest.raises(ScimError) as caught:
        apply_patch(
            user_definition(),
            document,
            body(
                {"op": "replace", "path": "active", "value": False},
                {"op": "replace", "path": "id", "value": "hijack"},
            ),
        )
    assert caught.value.scim_type is ScimType.MUTABILITY
    assert caught.value.detail.startswith("Operations[1]: ")
    assert document == before


def test_a_successful_patch_does_not_mutate_its_input() -> None:
    document = user()
    before = copy.deepcopy(document)
    result = patch_user(
        {"op": "add", "path": "emails", "value": {"value": "h@x.test", "primary": True}},
        {"op": "replace", "path": "name.givenName", "value": "B"},
        {"op": "remove", "path": f"{ENT}:manager"},
        document=document,
    )
    assert document == before
    assert result != before


def test_a_malformed_later_operation_fails_before_anything_is_applied() -> None:
    error = refused_op(
        {"op": "replace", "path": "active", "value": False},
        {"op": "move", "path": "active"},
    )
    assert error.scim_type is ScimType.INVALID_SYNTAX
    assert "Operations[1]" in error.detail
