"""`scimcert serve --interop-profile` over real HTTP: the claim, and the strict rules of
draft-zollner-scim-interop-profile-01 where they differ from the default server's tolerance."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.reference import RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def strict(server_factory: Callable[..., RunningServer]) -> RunningServer:
    return server_factory("--interop-profile")


def user(**extra: Any) -> dict[str, Any]:
    return {"schemas": [USER], "userName": f"ip{uuid.uuid4().hex[:10]}@example.com", **extra}


def created(server: RunningServer) -> str:
    answer = server.scim().post(f"{server.url}/Users", json=user())
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def pathless(server: RunningServer, uid: str) -> Any:
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]}
    return server.scim().patch(f"{server.url}/Users/{uid}", json=body)


def test_the_strict_server_claims_the_profile_and_the_default_one_does_not(
    strict: RunningServer, server: RunningServer
) -> None:
    claimed = strict.scim().get(f"{strict.url}/ServiceProviderConfig").json()
    assert claimed["interopProfileConformant"] is True
    plain = server.scim().get(f"{server.url}/ServiceProviderConfig").json()
    assert "interopProfileConformant" not in plain


@pytest.mark.parametrize(
    "body",
    [
        user(nickname2="x"),  # a core attribute that does not exist
        user(**{f"{USER}:nickname2": "x"}),  # the same by its full path
        user(**{ENTERPRISE: {"costCentre": "x"}}),  # unknown inside a known extension
        {**user(), "schemas": [USER, "urn:example:undefined:2.0:User"]},  # unknown schema URN
    ],
)
def test_unknown_attributes_and_schemas_are_invalid_syntax_only_when_strict(
    strict: RunningServer, server: RunningServer, body: dict[str, Any]
) -> None:
    refused = strict.scim().post(f"{strict.url}/Users", json=body)
    assert (refused.status_code, refused.json()["scimType"]) == (400, "invalidSyntax")
    assert server.scim().post(f"{server.url}/Users", json=body).status_code == 201


def test_a_pathless_patch_operation_is_invalid_syntax_only_when_strict(
    strict: RunningServer, server: RunningServer
) -> None:
    refused = pathless(strict, created(strict))
    assert (refused.status_code, refused.json()["scimType"]) == (400, "invalidSyntax")
    assert pathless(server, created(server)).status_code in (200, 204)


def test_a_pathless_remove_keeps_the_rfc_no_target_when_strict(strict: RunningServer) -> None:
    """RFC 7644 3.5.2.2 names noTarget for it; the profile's invalidSyntax would contradict it."""
    uid = created(strict)
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "remove"}]}
    refused = strict.scim().patch(f"{strict.url}/Users/{uid}", json=body)
    assert (refused.status_code, refused.json()["scimType"]) == (400, "noTarget")


def test_known_attributes_still_write_when_strict(strict: RunningServer) -> None:
    body = user(externalId="e-1", name={"givenName": "A"}, **{ENTERPRISE: {"department": "R"}})
    assert strict.scim().post(f"{strict.url}/Users", json=body).status_code == 201


def test_a_replace_of_name_drops_the_omitted_sub_attributes_only_when_strict(
    strict: RunningServer, server: RunningServer
) -> None:
    """Section 6.5.2.1 of the profile; RFC 7644 3.5.2.3 leaves the omitted ones unchanged."""
    families = []
    for running in (strict, server):
        body = user(name={"givenName": "Ada", "familyName": "Lovelace"})
        uid = running.scim().post(f"{running.url}/Users", json=body).json()["id"]
        operation = {"op": "replace", "path": "name", "value": {"givenName": "Augusta"}}
        patch = {"schemas": [PATCH_OP], "Operations": [operation]}
        assert running.scim().patch(f"{running.url}/Users/{uid}", json=patch).status_code == 200
        name = running.scim().get(f"{running.url}/Users/{uid}").json()["name"]
        families.append(name.get("familyName"))
    assert families == [None, "Lovelace"]


def test_the_app_probe_keeps_the_standard_behaviour_when_strict(strict: RunningServer) -> None:
    """The strict rules are the SCIM API's: the app probe still creates a member with a `role`,
    which no SCIM schema defines."""
    body = {"userName": f"ip{uuid.uuid4().hex[:10]}@example.com", "role": "owner"}
    created = strict.app().post(f"{strict.app_url}/members", json=body)
    assert created.status_code == 201, created.text
