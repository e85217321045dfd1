"""The fault registry: named faults, their seams, `serve --fault` and `--fault-api`, and `GET`/`PUT
/faults` on the app probe."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from reference_server import faults
from reference_server.behaviour import INTEROP_PROFILE, STANDARD, Behaviour
from reference_server.domain.members import MemberState, Role
from reference_server.faults.behaviour import FaultBehaviour
from reference_server.storage.engine import open_engine
from reference_server.teams import TokenSource, add_team
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer, start_server

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "reference_server" / "faults" / "schemas"
KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server built with the fault layer (`serve --fault-api`), no fault on for any team."""
    running = start_server(tmp_path_factory.mktemp("fault-api") / "scimcert.db", "--fault-api")
    yield running
    running.stop()


def schema_errors(name: str, instance: Any) -> list[str]:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return [error.message for error in Draft202012Validator(schema).iter_errors(instance)]


def new_team(server: RunningServer) -> tuple[str, str]:
    """A fresh team on the running server's database: its SCIM and app-probe URLs."""
    slug = f"faults-{uuid.uuid4().hex[:8]}"
    engine = open_engine(server.db)
    add_team(engine, slug, TokenSource(scim=SCIM_TOKEN, app=APP_TOKEN), lambda _: None)
    engine.dispose()
    return (
        server.url.replace("/t/acme/", f"/t/{slug}/"),
        server.app_url.replace("/t/acme/", f"/t/{slug}/"),
    )


def put_faults(server: RunningServer, app_url: str, body: Any, status: int = 200) -> Any:
    assert schema_errors("faults.request.json", body) == [] or status == 400
    response = server.app().put(f"{app_url}/faults", json=body, timeout=10)
    assert response.status_code == status, response.text
    answer = response.json()
    if status == 200:
        assert schema_errors("faults.response.json", answer) == [], answer
    return answer


def unknown_user(server: RunningServer, scim_url: str) -> requests.Response:
    return server.scim().get(f"{scim_url}/Users/{uuid.uuid4()}", timeout=10)


# --- the registry ---------------------------------------------------------------------------------


def test_names_are_unique_kebab_case_and_described() -> None:
    assert len(faults.FAULTS) >= 20
    for name, registered in faults.FAULTS.items():
        assert KEBAB.fullmatch(name), name
        assert registered.name == name
        assert registered.description.strip(), name


class Statements:
    """A connection that keeps the statements a seam runs, in place of running them."""

    def __init__(self) -> None:
        self.run: list[str] = []

    def execute(self, statement: Any) -> None:
        self.run.append(str(statement))


def decisions(behaviour: Behaviour) -> tuple[Any, ...]:
    """What the behaviour decides at every seam, for one probe of each."""
    statements = Statements()
    inactive_admin, active_member = MemberState(Role.ADMIN, False), MemberState(Role.MEMBER, True)
    folding = behaviour.case_folding()
    return (
        behaviour.provisioned_role(Role.MEMBER),
        behaviour.settle_transition(statements, "m1", inactive_admin, active_member),  # type: ignore[arg-type]
        statements.run,
        behaviour.deactivation_deletes(),
        behaviour.put_keeps_omitted(),
        None if folding is None else folding("ÄSTRÖM"),
        behaviour.enforces_scim_auth(),
        behaviour.replace_creates_unmatched(),
        behaviour.deactivation_releases_access(),
        behaviour.claims_interop_profile(),
        behaviour.refuses_unknown_attributes(),
        behaviour.requires_patch_path(),
        behaviour.replace_drops_omitted_sub_attributes(),
        behaviour.held_bulk_limits(1000, 524_288),
        [behaviour.checks_assertion(rule) for rule in ("signature", "expiry", "audience")],
        behaviour.checks_assertion("accepted"),
    )


def test_every_fault_rewrites_or_changes_a_decision_of_the_server() -> None:
    """A fault with no rewrite must change what the server decides at one of its seams."""
    hooks = {name for name, f in faults.FAULTS.items() if f.request is None and f.response is None}
    assert len(hooks) >= 8
    standard, strict = decisions(STANDARD), decisions(INTEROP_PROFILE)

    def idle(name: str) -> bool:
        # An interop fault undoes a decision of the profile's server (`--interop-profile`).
        on = frozenset({name})
        return decisions(FaultBehaviour(on)) == standard and (
            decisions(FaultBehaviour(on, INTEROP_PROFILE)) == strict
        )

    assert {name for name in hooks if idle(name)} == set()
    assert decisions(FaultBehaviour(frozenset())) == standard  # and none on changes nothing
    assert decisions(FaultBehaviour(frozenset(), INTEROP_PROFILE)) == strict


def test_a_fault_registered_twice_or_badly_named_is_refused() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        faults.hook("no-schemas", "again")
    with pytest.raises(ValueError, match="kebab-case"):
        faults.hook("No_Schemas", "badly named")
    with pytest.raises(ValueError, match="description"):
        faults.hook("undescribed-fault", " ")
    assert "undescribed-fault" not in faults.FAULTS


def test_unknown_names_are_refused_with_the_valid_ones() -> None:
    assert faults.check_names(["no-schemas"]) == {"no-schemas"}
    with pytest.raises(ValueError, match="unknown fault 'nope'") as refused:
        faults.check_names(["no-schemas", "nope"])
    assert all(name in str(refused.value) for name in faults.FAULTS)


# --- serve --fault --------------------------------------------------------------------------------


def test_serve_with_an_unknown_fault_exits_2_listing_the_valid_ones(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reference_server",
            "serve",
            "--port",
            "0",
            "--db",
            f"sqlite:///{tmp_path / 's.db'}",
            "--fault",
            "no-schemas",
            "--fault",
            "nope",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown fault 'nope'" in done.stderr
    assert all(name in done.stderr for name in faults.FAULTS)
    assert done.stdout == ""  # refused before binding, creating a team or printing a banner


def test_serve_fault_api_builds_the_fault_layer_with_none_on(server: RunningServer) -> None:
    assert "Deliberate faults: none on; PUT /faults on the app probe switches them per team" in (
        server.banner
    )
    answer = server.app().get(f"{server.app_url}/faults", timeout=10).json()
    assert answer["faults"] == answer["active"] == []


def test_serve_fault_applies_to_every_team(
    server_factory: Callable[..., RunningServer],
) -> None:
    running = server_factory("--fault", "errors-without-detail", "--fault", "no-location-header")
    banner = "\n".join(running.banner)
    assert (
        "Deliberate faults on for every team: errors-without-detail, no-location-header" in banner
    )
    for scim_url, app_url in [(running.url, running.app_url), new_team(running)]:
        error = unknown_user(running, scim_url)
        assert error.status_code == 404 and "detail" not in error.json()
        answer = put_faults(running, app_url, {"faults": []})
        assert answer["faults"] == []
        assert answer["active"] == ["errors-without-detail", "no-location-header"]


# --- GET and PUT /faults --------------------------------------------------------------------------


def test_put_faults_switches_one_team_only_until_switched_off(server: RunningServer) -> None:
    scim_url, app_url = new_team(server)
    assert server.app().get(f"{app_url}/faults", timeout=10).json()["faults"] == []

    answer = put_faults(server, app_url, {"faults": ["errors-without-detail", "no-schemas"]})
    assert answer["faults"] == answer["active"] == ["errors-without-detail", "no-schemas"]
    assert {entry["name"] for entry in answer["available"]} == set(faults.FAULTS)
    read = server.app().get(f"{app_url}/faults", timeout=10).json()
    assert read == answer and schema_errors("faults.response.json", read) == []

    assert "detail" not in unknown_user(server, scim_url).json()
    assert unknown_user(server, server.url).json()["detail"]  # another team: untouched

    put_faults(server, app_url, {"faults": []})
    assert unknown_user(server, scim_url).json()["detail"]


UNKNOWN = {"faults": ["no-such-fault"]}


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        (UNKNOWN, "invalidValue"),
        ({"faults": "no-schemas"}, "invalidValue"),
        ({"faults": [1]}, "invalidValue"),
        ({}, "invalidValue"),
        (["no-schemas"], "invalidSyntax"),
    ],
)
def test_put_faults_refuses_what_is_not_a_list_of_known_names(
    server: RunningServer, body: Any, scim_type: str
) -> None:
    _, app_url = new_team(server)
    put_faults(server, app_url, {"faults": ["no-schemas"]})
    error = put_faults(server, app_url, body, status=400)
    assert (error["scimType"], error["status"]) == (scim_type, "400")
    if body is UNKNOWN:  # the schema cannot know the names; the server lists them
        assert "unknown fault 'no-such-fault'" in error["detail"]
        assert all(name in error["detail"] for name in faults.FAULTS)
    else:
        assert schema_errors("faults.request.json", body) != []
    assert server.app().get(f"{app_url}/faults", timeout=10).json()["faults"] == ["no-schemas"]


def test_faults_need_the_app_probe_token(server: RunningServer) -> None:
    _, app_url = new_team(server)
    scim = server.scim()
    assert scim.get(f"{app_url}/faults", timeout=10).status_code == 401
    refused = scim.put(f"{app_url}/faults", json={"faults": ["no-schemas"]}, timeout=10)
    assert refused.status_code == 401
    assert server.app().get(f"{app_url}/faults", timeout=10).json()["faults"] == []


def test_a_request_rewrite_reaches_the_server_and_a_hook_the_domain(
    server: RunningServer,
) -> None:
    """One of each kind, end to end: `lowercase-user-name` and `role-kept-on-reactivation`."""
    scim_url, app_url = new_team(server)
    put_faults(server, app_url, {"faults": ["lowercase-user-name", "role-kept-on-reactivation"]})
    scim = server.scim()
    created = scim.post(
        f"{scim_url}/Users", json={"schemas": [USER], "userName": "Ada@Example.Test"}, timeout=10
    )
    assert created.status_code == 201 and created.json()["userName"] == "ada@example.test"
    user_id = created.json()["id"]
    app = server.app()
    app.put(f"{app_url}/members/{user_id}/role", json={"role": "admin"}, timeout=10)
    for active in (False, True):
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": active}],
        }
        assert scim.patch(f"{scim_url}/Users/{user_id}", json=body, timeout=10).status_code == 200
    assert app.get(f"{app_url}/members/{user_id}", timeout=10).json()["role"] == "admin"
