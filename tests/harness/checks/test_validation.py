"""The harness's JSON Schemas and response validation (harness/checks/validation.py,
canonical.py).

Every file under `vectors/<Schema>/valid` must validate and every file under
`vectors/<Schema>/invalid` must not; valid vectors come from the RFC 7643/7644 examples (their
names say which, and how a broken example was repaired), invalid ones are named after their
mutation.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from harness.checks.canonical import URNS
from harness.checks.validation import (
    SCHEMA_NAMES,
    SchemaProblem,
    canonicalise,
    declared_attribute_problems,
    load_validator,
    validate,
)

VECTORS = Path(__file__).parent / "vectors"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ACME = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"


def _vectors(kind: str) -> list[Any]:
    return [
        pytest.param(path.parts[-3], path, id=f"{path.parts[-3]}/{path.stem}")
        for path in sorted(VECTORS.glob(f"*/{kind}/*.json"))
    ]


def _load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize(("schema", "path"), _vectors("valid"))
def test_valid_vector_validates(schema: str, path: Path) -> None:
    assert [str(p) for p in validate(schema, _load(path))] == []


@pytest.mark.parametrize(("schema", "path"), _vectors("invalid"))
def test_invalid_vector_fails(schema: str, path: Path) -> None:
    assert validate(schema, _load(path)) != []


@pytest.mark.parametrize("schema", SCHEMA_NAMES)
def test_every_schema_has_enough_vectors(schema: str) -> None:
    assert len(list((VECTORS / schema / "valid").glob("*.json"))) >= 2
    assert len(list((VECTORS / schema / "invalid").glob("*.json"))) >= 3


def test_every_schema_name_has_a_urn() -> None:
    assert set(SCHEMA_NAMES) == set(URNS)


@pytest.mark.parametrize(
    ("schema", "vector", "expected"),
    [
        ("User", "password-present", ["/password"]),
        ("User", "password-present-in-other-case", ["/password"]),
        ("User", "username-missing", ["/userName"]),
        ("User", "two-primary-emails", ["/emails"]),
        ("User", "enterprise-manager-as-string", [f"/{ENTERPRISE}/manager"]),
        ("Error", "status-as-number", ["/status"]),
        ("ListResponse", "total-results-as-string", ["/totalResults"]),
        ("ListResponse", "resources-missing-with-nonzero-total", ["/Resources"]),
        ("PatchOp", "remove-without-path", ["/Operations/0/path"]),
    ],
)
def test_invalid_vector_points_at_the_mutation(
    schema: str, vector: str, expected: list[str]
) -> None:
    problems = validate(schema, _load(VECTORS / schema / "invalid" / f"{vector}.json"))
    assert [p.pointer for p in problems] == expected


def test_messages_are_one_sentence_naming_the_value() -> None:
    document = _load(VECTORS / "User" / "invalid" / "email-primary-as-string.json")
    assert [str(p) for p in validate("User", document)] == [
        '/emails/0/primary: expected a boolean, got the string "true"'
    ]
    error = _load(VECTORS / "Error" / "invalid" / "status-as-number.json")
    assert validate("Error", error) == [
        SchemaProblem("/status", "expected a string, got the number 404")
    ]


def test_unknown_schema_name_lists_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="choose one of: User, EnterpriseUser, Group"):
        load_validator("Users")
    with pytest.raises(KeyError, match="ServiceProviderConfig"):
        validate("Users", {})


def test_load_validator_is_cached() -> None:
    assert load_validator("User") is load_validator("User")


# --- canonicalisation --------------------------------------------------------------------------


def test_canonicalise_rewrites_core_complex_and_multi_valued_names() -> None:
    document = {
        "Schemas": [USER],
        "UserName": "bjensen",
        "NAME": {"GivenName": "Barbara"},
        "emails": [{"VALUE": "b@example.com", "Primary": True}],
        "active": True,
    }
    canonical, renamed = canonicalise(document)
    assert canonical == {
        "schemas": [USER],
        "userName": "bjensen",
        "name": {"givenName": "Barbara"},
        "emails": [{"value": "b@example.com", "primary": True}],
        "active": True,
    }
    assert renamed == [
        "/Schemas",
        "/UserName",
        "/NAME",
        "/NAME/GivenName",
        "/emails/0/VALUE",
        "/emails/0/Primary",
    ]


def test_canonicalise_matches_extension_urns_in_any_case() -> None:
    key = ENTERPRISE.upper()
    document = {"schemas": [USER, ENTERPRISE], "userName": "b", key: {"Manager": {"Value": "1"}}}
    canonical, renamed = canonicalise(document)
    assert canonical[ENTERPRISE] == {"manager": {"value": "1"}}
    assert renamed == [f"/{key}", f"/{key}/Manager", f"/{key}/Manager/Value"]


def test_canonicalise_keeps_unknown_names_and_never_mutates_its_input() -> None:
    document = {"schemas": [USER], "userName": "b", "Shoe~Size/EU": 42, "NickName": "Babs"}
    before = copy.deepcopy(document)
    canonical, renamed = canonicalise(document)
    assert document == before
    assert canonical == {"schemas": [USER], "userName": "b", "Shoe~Size/EU": 42, "nickName": "Babs"}
    assert renamed == ["/NickName"]


def test_canonicalise_escapes_pointers_and_keeps_a_second_spelling() -> None:
    document = {"schemas": [USER], "userName": "a", "USERNAME": "b"}
    canonical, renamed = canonicalise(document)
    assert canonical == {"schemas": [USER], "userName": "a", "USERNAME": "b"}
    assert renamed == ["/USERNAME"]


def _acme_schema(**employee_id: Any) -> dict[str, Any]:
    """A target's custom extension (RFC 7643 7 representation), as a vendor's /Schemas serves it."""
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": ACME,
        "name": "AcmeUser",
        "attributes": [
            {"name": "employeeId", "type": "integer", "multiValued": False, **employee_id},
            {
                "name": "badges",
                "type": "complex",
                "multiValued": True,
                "subAttributes": [
                    {"name": "badgeCode", "type": "string"},
                    {"name": "issued", "type": "dateTime"},
                ],
            },
            {"name": "pinCode", "type": "string", "returned": "never"},
        ],
    }


def test_canonicalise_uses_the_targets_declared_names() -> None:
    document = {
        "schemas": [USER, ACME],
        "userName": "b",
        ACME.lower(): {"EMPLOYEEID": 7, "Badges": [{"BadgeCode": "X"}]},
    }
    canonical, renamed = canonicalise(document, [_acme_schema()])
    assert canonical[ACME] == {"employeeId": 7, "badges": [{"badgeCode": "X"}]}
    assert len(renamed) == 4
    assert canonicalise(document)[0][ACME.lower()] == document[ACME.lower()]


def test_non_canonical_names_are_not_schema_problems() -> None:
    """Other spellings are a separate SHOULD check: the schema check itself passes."""
    document = _load(
        VECTORS / "User" / "valid" / "rfc7643-8.1-minimal-user-names-in-other-case.json"
    )
    assert validate("User", document) == []
    assert canonicalise(document)[1] != []


# --- the target's own schemas ------------------------------------------------------------------


def _acme_user(**extension: Any) -> dict[str, Any]:
    return {"schemas": [USER, ACME], "id": "1", "userName": "b", ACME: extension}


def test_declared_integer_given_as_a_string_is_reported() -> None:
    problems = validate("User", _acme_user(employeeId="42"), [_acme_schema()])
    assert [str(p) for p in problems] == [
        f'/{ACME}/employeeId: expected an integer, got the string "42"'
    ]


def test_declared_returned_never_attribute_present_is_reported() -> None:
    problems = validate("User", _acme_user(PinCode="1234"), [_acme_schema()])
    assert problems == [
        SchemaProblem(f"/{ACME}/pinCode", '"pinCode" is declared returned "never" (RFC 7643 7)')
    ]


def test_declared_plurality_required_and_sub_attribute_types_are_checked() -> None:
    schema = _acme_schema(required=True)
    document = _acme_user(badges={"badgeCode": "X"})
    assert [p.message for p in declared_attribute_problems(document, [schema])] == [
        "expected an array (multi-valued), got an object",
        'the required attribute "employeeId" is missing',
    ]
    document = _acme_user(employeeId=[1], badges=[{"badgeCode": 5, "issued": "today"}])
    assert [str(p) for p in declared_attribute_problems(document, [schema])] == [
        f"/{ACME}/badges/0/badgeCode: expected a string, got the number 5",
        f'/{ACME}/badges/0/issued: expected a dateTime such as "2010-01-23T04:56:22Z", '
        'got the string "today"',
        f"/{ACME}/employeeId: expected a single value (not multi-valued), got an array",
    ]


def test_declared_core_attributes_are_checked_at_the_top() -> None:
    core = {
        "id": USER,
        "attributes": [
            {"name": "userName", "type": "string", "required": True},
            {"name": "active", "type": "boolean"},
        ],
    }
    document = {"schemas": [USER], "id": "1", "userName": "b", "Active": "True"}
    problems = validate("User", document, [core])
    assert [str(p) for p in problems] == ['/active: expected a boolean, got the string "True"']


def test_a_declared_extension_that_is_not_an_object_is_reported() -> None:
    document = {"schemas": [USER, ACME], "id": "1", "userName": "b", ACME: "42"}
    assert [str(p) for p in validate("User", document, [_acme_schema()])] == [
        f'/{ACME}: expected an object, got the string "42"'
    ]


def test_a_valid_document_with_target_schemas_has_no_problems() -> None:
    document = _acme_user(
        employeeId=42, badges=[{"badgeCode": "X", "issued": "2024-01-02T03:04:05Z"}]
    )
    assert validate("User", document, [_acme_schema(required=True)]) == []


def test_schemas_the_document_does_not_list_are_not_applied() -> None:
    document = {"schemas": [USER], "id": "1", "userName": "b", "employeeId": "x"}
    assert declared_attribute_problems(document, [_acme_schema(required=True)]) == []
