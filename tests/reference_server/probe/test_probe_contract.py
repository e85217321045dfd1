"""The app-probe contract: docs/app-probe.md and its JSON Schemas hold for the reference server.

Every request body sent here is validated against its request schema (and a body meant to be
refused must be refused by the schema too), and every response body against its response
schema, errors included, so the documented contract and the server cannot drift apart.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator
from starlette.routing import Route

from reference_server.probe.api import probe_routes
from tests.support.reference import RunningServer

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "reference_server" / "probe" / "schemas"
DOC = ROOT / "docs" / "app-probe.md"
ID_PREFIX = "https://scimcert.invalid/app-probe/"

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

ERROR = "error.response.json"
MEMBER = "member-state.response.json"
SIGN_IN = "sign-in.response.json"

# (method, route) -> (request schema, success response schema); None: no body.
ENDPOINTS: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("POST", "/members"): ("member-create.request.json", MEMBER),
    ("GET", "/members/{id}"): (None, MEMBER),
    ("PUT", "/members/{id}/role"): ("role.request.json", MEMBER),
    ("POST", "/members/{id}/sign-in"): (None, SIGN_IN),
    ("POST", "/spaces"): ("space-create.request.json", "space.response.json"),
    ("POST", "/documents"): ("document-create.request.json", "document.response.json"),
    ("POST", "/grants"): ("grant.request.json", None),
    ("POST", "/grants/revoke"): ("grant.request.json", None),
}
ENDPOINT_HEADING = re.compile(r"^#{2,6}\s+(GET|POST|PUT|PATCH|DELETE)\s+(/\S*)\s*$", re.MULTILINE)


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@cache
def validator(schema_name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(schema_name: str, instance: Any) -> list[str]:
    return [error.message for error in validator(schema_name).iter_errors(instance)]


@dataclass
class Probe:
    """Sends probe requests and holds both sides of each exchange to the schemas."""

    base_url: str
    session: requests.Session

    def send(self, method: str, route: str, body: Any = None, *, status: int, **params: str) -> Any:
        request_schema, response_schema = ENDPOINTS[(method, route)]
        if request_schema is None:
            assert body is None, f"{method} {route} takes no body"
        else:
            errors = schema_errors(request_schema, body)
            # A 400 is the server refusing the body: the schema must refuse it as well.
            assert bool(errors) == (status == 400), (body, errors)
        url = self.base_url + route.format(**params)
        response = self.session.request(method, url, json=body)
        assert response.status_code == status, response.text
        if response_schema is None and status == 204:
            assert response.content == b""
            return None
        assert response.headers["content-type"].split(";")[0] in (
            "application/json",
            "application/scim+json",
        )
        payload = response.json()
        refused_sign_in = response_schema == SIGN_IN and status == 403
        schema = response_schema if status < 400 or refused_sign_in else ERROR
        assert schema is not None
        assert schema_errors(schema, payload) == [], payload
        if schema == ERROR:
            assert payload["status"] == str(status)
        if schema == SIGN_IN:
            assert payload["allowed"] is (status == 200)
        return payload


@pytest.fixture
def probe(server: RunningServer) -> Probe:
    return Probe(server.app_url, server.app())


def scim_user(server: RunningServer) -> str:
    body = {"schemas": [USER], "userName": f"{name('u')}@example.test"}
    response = server.scim().post(f"{server.url}/Users", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def scim_group(server: RunningServer, *member_ids: str) -> str:
    members = [{"value": member_id} for member_id in member_ids]
    body = {"schemas": [GROUP], "displayName": name("g"), "members": members}
    response = server.scim().post(f"{server.url}/Groups", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def set_active(server: RunningServer, user_id: str, active: bool) -> None:
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": active}}]}
    response = server.scim().patch(f"{server.url}/Users/{user_id}", json=body)
    assert response.status_code == 200, response.text


# --- the documents themselves ------------------------------------------------------------------


def schema_files() -> list[Path]:
    return sorted(SCHEMAS.glob("*.json"))


def test_schemas_are_draft_2020_12_with_ids_titles_and_descriptions() -> None:
    named = {schema for pair in ENDPOINTS.values() for schema in pair if schema} | {ERROR}
    assert {path.name for path in schema_files()} == named
    for path in schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == ID_PREFIX + path.name
        assert schema["title"] and schema["description"]
        for example in schema.get("examples", []):
            assert schema_errors(path.name, example) == [], (path.name, example)


def test_docs_link_every_schema() -> None:
    text = DOC.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(\.\./reference_server/probe/schemas/([\w.-]+\.json)\)", text))
    assert linked == {path.name for path in schema_files()}


def documented_sections() -> dict[tuple[str, str], str]:
    text = DOC.read_text(encoding="utf-8")
    headings = list(ENDPOINT_HEADING.finditer(text))
    ends = [match.start() for match in headings[1:]] + [len(text)]
    return {
        (match[1], match[2]): text[match.end() : end]
        for match, end in zip(headings, ends, strict=True)
    }


def routes() -> set[tuple[str, str]]:
    found = set()
    for route in probe_routes(""):
        assert isinstance(route, Route)
        found |= {(method, route.path) for method in route.methods or () if method != "HEAD"}
    return found


def test_docs_document_every_route_and_no_other() -> None:
    assert set(documented_sections()) == routes() == set(ENDPOINTS)


def test_each_endpoint_section_names_its_schemas() -> None:
    for endpoint, section in documented_sections().items():
        request_schema, response_schema = ENDPOINTS[endpoint]
        for schema_name in (request_schema, response_schema, ERROR):
            if schema_name is not None:
                assert schema_name in section, (endpoint, schema_name)


# --- every endpoint, success paths ---------------------------------------------------------------


def test_lifecycle_through_every_endpoint(server: RunningServer, probe: Probe) -> None:
    user_id = scim_user(server)
    state = probe.send("GET", "/members/{id}", status=200, id=user_id)
    assert (state["role"], state["in_team"], state["can_sign_in"]) == ("member", True, True)

    space, document = name("space"), name("doc")
    assert probe.send("POST", "/spaces", {"name": space}, status=201)["name"] == space
    created = probe.send("POST", "/documents", {"title": document, "space": space}, status=201)
    assert (created["title"], created["space"]) == (document, space)
    group = scim_group(server, user_id)
    probe.send("POST", "/grants", {"space": space, "member": user_id}, status=204)
    probe.send("POST", "/grants", {"space": space, "member": user_id}, status=204)  # idempotent
    probe.send("POST", "/grants", {"document": document, "group": group}, status=204)
    admin = probe.send("PUT", "/members/{id}/role", {"role": "admin"}, status=200, id=user_id)
    assert admin["role"] == "admin"
    assert (admin["spaces"], admin["documents"], admin["groups"]) == ([space], [document], [group])
    assert probe.send("POST", "/members/{id}/sign-in", status=200, id=user_id) == {"allowed": True}

    set_active(server, user_id, False)
    inactive = probe.send("GET", "/members/{id}", status=200, id=user_id)
    assert (inactive["in_team"], inactive["can_sign_in"]) == (False, False)
    assert (inactive["spaces"], inactive["documents"], inactive["groups"]) == ([], [], [group])
    refused = probe.send("POST", "/members/{id}/sign-in", status=403, id=user_id)
    assert refused["allowed"] is False and refused["reason"]

    set_active(server, user_id, True)
    after = probe.send("GET", "/members/{id}", status=200, id=user_id)
    assert after == {**admin, "role": "member"}

    probe.send("POST", "/grants/revoke", {"space": space, "member": user_id}, status=204)
    probe.send("POST", "/grants/revoke", {"space": space, "member": user_id}, status=204)
    probe.send("POST", "/grants/revoke", {"document": document, "group": group}, status=204)
    revoked = probe.send("GET", "/members/{id}", status=200, id=user_id)
    assert (revoked["spaces"], revoked["documents"]) == ([], [])


def test_access_is_the_union_of_direct_and_group_grants(
    server: RunningServer, probe: Probe
) -> None:
    user_id = scim_user(server)
    group = scim_group(server, user_id)
    first, second = sorted([name("space"), name("space")])
    for space in (first, second):
        probe.send("POST", "/spaces", {"name": space}, status=201)
    document = probe.send("POST", "/documents", {"title": name("doc")}, status=201)
    assert document["space"] is None
    probe.send("POST", "/grants", {"space": second, "member": user_id}, status=204)
    probe.send("POST", "/grants", {"space": second, "group": group}, status=204)
    probe.send("POST", "/grants", {"space": first, "group": group}, status=204)
    probe.send("POST", "/grants", {"document": document["title"], "member": user_id}, status=204)
    state = probe.send("GET", "/members/{id}", status=200, id=user_id)
    assert (state["spaces"], state["documents"]) == ([first, second], [document["title"]])

    probe.send("POST", "/grants/revoke", {"space": second, "member": user_id}, status=204)
    still = probe.send("GET", "/members/{id}", status=200, id=user_id)
    assert still["spaces"] == [first, second]  # still held through the group


def test_members_created_in_the_app_are_existing_members_for_scim(
    server: RunningServer, probe: Probe
) -> None:
    user_name = f"{name('import')}@example.test"
    body = {
        "userName": user_name,
        "role": "owner",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "externalId": name("ext"),
    }
    created = probe.send("POST", "/members", body, status=201)
    assert (created["userName"], created["role"], created["in_team"]) == (user_name, "owner", True)
    scim = server.scim().get(f"{server.url}/Users/{created['id']}").json()
    assert scim["name"]["givenName"] == "Ada"
    assert scim["roles"][0]["value"] == "owner"

    plain = probe.send("POST", "/members", {"userName": name("p")}, status=201)
    assert plain["role"] == "member"
    inactive = probe.send(
        "POST",
        "/members",
        {"schemas": [USER], "userName": name("gone"), "active": False},
        status=201,
    )
    assert (inactive["in_team"], inactive["can_sign_in"]) == (False, False)
    probe.send("POST", "/members/{id}/sign-in", status=403, id=inactive["id"])


# --- errors --------------------------------------------------------------------------------------


def valid_body(method: str, route: str) -> Any:
    request_schema, _ = ENDPOINTS[(method, route)]
    if request_schema is None:
        return None
    return {
        "member-create.request.json": {"userName": name("u")},
        "role.request.json": {"role": "admin"},
        "space-create.request.json": {"name": name("space")},
        "document-create.request.json": {"title": name("doc")},
        "grant.request.json": {"space": name("space"), "member": name("m")},
    }[request_schema]


@pytest.mark.parametrize(("method", "route"), sorted(ENDPOINTS))
@pytest.mark.parametrize("credential", ["none", "scim-token", "other-team"])
def test_every_endpoint_needs_the_app_token(
    server: RunningServer, method: str, route: str, credential: str
) -> None:
    base_url, session = server.app_url, server.app()
    if credential == "none":
        session.headers.pop("Authorization")
    elif credential == "scim-token":
        session = server.scim()
    else:
        base_url = base_url.replace("/t/acme/", "/t/nosuchteam/")
    probe = Probe(base_url, session)
    response = probe.send(method, route, valid_body(method, route), status=401, id=name("m"))
    assert response["detail"]


def test_unknown_members_spaces_documents_and_groups_are_404(
    server: RunningServer, probe: Probe
) -> None:
    missing = str(uuid.uuid4())
    probe.send("GET", "/members/{id}", status=404, id=missing)
    probe.send("PUT", "/members/{id}/role", {"role": "owner"}, status=404, id=missing)
    probe.send("POST", "/members/{id}/sign-in", status=404, id=missing)
    probe.send("POST", "/documents", {"title": name("doc"), "space": name("none")}, status=404)

    user_id, space = scim_user(server), name("space")
    probe.send("POST", "/spaces", {"name": space}, status=201)
    for path in ("/grants", "/grants/revoke"):
        probe.send("POST", path, {"space": name("none"), "member": user_id}, status=404)
        probe.send("POST", path, {"document": name("none"), "member": user_id}, status=404)
        probe.send("POST", path, {"space": space, "member": missing}, status=404)
        probe.send("POST", path, {"space": space, "group": missing}, status=404)

    server.scim().delete(f"{server.url}/Users/{user_id}").raise_for_status()
    probe.send("GET", "/members/{id}", status=404, id=user_id)


def test_duplicates_are_409(probe: Probe) -> None:
    space, title, user_name = name("space"), name("doc"), f"{name('dup')}@example.test"
    probe.send("POST", "/spaces", {"name": space}, status=201)
    probe.send("POST", "/spaces", {"name": space}, status=409)
    probe.send("POST", "/documents", {"title": title}, status=201)
    probe.send("POST", "/documents", {"title": title, "space": space}, status=409)
    probe.send("POST", "/members", {"userName": user_name}, status=201)
    conflict = probe.send("POST", "/members", {"userName": user_name.upper()}, status=409)
    assert conflict["scimType"] == "uniqueness"


GRANT_400 = [
    {},
    {"space": "s"},
    {"group": "g"},
    {"space": "s", "document": "d", "member": "m"},
    {"space": "s", "member": "m", "group": "g"},
    {"space": None, "member": "m"},
    {"space": "", "member": "m"},
    {"document": "d", "group": " "},
    {"space": "s", "member": 5},
    ["space", "member"],
]
BAD_BODIES: list[tuple[str, str, Any]] = [
    ("POST", "/members", {}),
    ("POST", "/members", {"userName": ""}),
    ("POST", "/members", {"userName": 5}),
    ("POST", "/members", {"userName": "x@example.test", "role": "boss"}),
    ("POST", "/members", {"userName": "x@example.test", "role": None}),
    ("POST", "/members", {"userName": "x@example.test", "schemas": []}),
    ("POST", "/members", [{"userName": "x@example.test"}]),
    ("PUT", "/members/{id}/role", {}),
    ("PUT", "/members/{id}/role", {"role": "Owner"}),
    ("PUT", "/members/{id}/role", {"role": 1}),
    ("POST", "/spaces", {}),
    ("POST", "/spaces", {"name": ""}),
    ("POST", "/spaces", {"name": "   "}),
    ("POST", "/spaces", {"name": 3}),
    ("POST", "/spaces", "design-system"),
    ("POST", "/documents", {}),
    ("POST", "/documents", {"title": ""}),
    ("POST", "/documents", {"title": None}),
    ("POST", "/documents", {"title": "t", "space": " "}),
    *(("POST", path, body) for path in ("/grants", "/grants/revoke") for body in GRANT_400),
]
# A falsy `space` other than null is not "no space": the contract says 400.
FALSY_SPACES: list[Any] = ["", 0, False, []]
BAD_SPACES = [
    pytest.param(
        "POST", "/documents", {"title": "t", "space": value}, id=f"space-{json.dumps(value)}"
    )
    for value in FALSY_SPACES
]


@pytest.mark.parametrize(("method", "route", "body"), [*BAD_BODIES, *BAD_SPACES])
def test_bad_bodies_are_refused_by_schema_and_server(
    server: RunningServer, probe: Probe, method: str, route: str, body: Any
) -> None:
    if isinstance(body, dict) and body.get("title") == "t":
        body = {**body, "title": name("doc")}
    member_id = scim_user(server) if "{id}" in route else ""
    error = probe.send(method, route, body, status=400, id=member_id)
    assert error["detail"]
