"""Recognising the IdP of a recording: by User-Agent first, by the shapes docs/idp/ describes
as one IdP's own next, and "" (with the reason) when neither settles it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.capture.recognise import Recogniser, known_user_agents, recognise
from harness.capture.recording import Take
from harness.transport.exchange import Exchange, RecordedRequest
from mock_idp.profile import all_profiles

BASE = "https://scim.example.com/scim/v2"
NO_AGENT = "python-requests/2.32"


def take(
    method: str = "GET",
    path: str = "/Users",
    body: Any = None,
    agent: str = NO_AGENT,
) -> Take:
    request = RecordedRequest(
        method=method,
        url=BASE + path,
        headers={"User-Agent": agent},
        body=None if body is None else json.dumps(body),
    )
    return Take(exchange=Exchange(request=request, response=None, elapsed_ms=1.0, error=None))


def patch(*operations: dict[str, Any]) -> Take:
    return take(
        "PATCH",
        "/Users/1",
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations},
    )


@pytest.mark.parametrize("profile", sorted(all_profiles()))
def test_every_profiles_user_agent_names_its_family(profile: str) -> None:
    chosen = all_profiles()[profile]
    agent = chosen.headers["User-Agent"]
    recognised = recognise([take(agent=agent), take(agent=NO_AGENT)])
    assert recognised.idp == chosen.family
    assert f"User-Agent {agent!r} on 1 of 2 requests" in recognised.evidence


def test_the_okta_spec_tests_user_agent_is_okta() -> None:
    """docs/idp/okta.md#headers: the SPEC suite's GETs name themselves otherwise."""
    assert recognise([take(agent="OKTA SCIM Integration")]).idp == "okta"
    assert known_user_agents()["okta scim client 1.0.0"] == "okta"


def test_the_user_agent_wins_over_shapes() -> None:
    """An Okta client whose one PATCH happens to look like Entra's is still Okta."""
    okta = "Okta SCIM Client 1.0.0"
    capitalised = patch({"op": "Replace", "path": "active", "value": "False"})
    recognised = recognise([take(agent=okta), take(agent=okta), capitalised])
    assert recognised.idp == "okta"


def test_the_family_most_requests_name_wins_and_the_others_are_said() -> None:
    okta, entra = "Okta SCIM Client 1.0.0", "scimcert-mock-idp/entra"
    recognised = recognise([take(agent=okta), take(agent=okta), take(agent=entra)])
    assert recognised.idp == "okta"
    assert recognised.evidence.endswith("; entra: 1")


@pytest.mark.parametrize(
    ("shape", "family", "reason"),
    [
        (patch({"op": "Replace", "path": "title", "value": "x"}), "entra", "op 'Replace'"),
        (patch({"op": "replace", "path": "active", "value": "False"}), "entra", "'True'/'False'"),
        (
            patch({"op": "replace", "value": {"active": "True", "title": "x"}}),
            "entra",
            "'True'/'False'",
        ),
        (take(path="/Users?aadOptscim062020"), "entra", "aadOptscim062020"),
        (
            take(path='/Groups?excludedAttributes=members&filter=displayName+eq+"a"'),
            "entra",
            "excluding members",
        ),
        (patch({"op": "replace", "value": {"active": False}}), "okta", "path-less"),
        (
            take(path="/Users?filter=userName%20eq%20%22a%22&startIndex=1&count=100"),
            "okta",
            "startIndex=1&count=100",
        ),
        (take("POST", "/Users", {"id": None, "userName": "a"}), "onelogin", '"id": null'),
        (take("PUT", "/Users/1", {"userName": "a", "active": "false"}), "onelogin", "string"),
        (
            take("POST", "/Users", {"schemas": ["urn:scim:schemas:core:1.0"], "userName": "a"}),
            "onelogin",
            "SCIM 1.0",
        ),
        (take(path='/Users?filter=username+Eq+"a"'), "ping", "'Eq'"),
    ],
)
def test_a_shape_only_one_idp_writes_names_it(shape: Take, family: str, reason: str) -> None:
    recognised = recognise([take(), shape])
    assert recognised.idp == family, recognised.evidence
    assert reason in recognised.evidence
    assert "on 1 of 2 requests" in recognised.evidence


@pytest.mark.parametrize(
    "plain",
    [
        # Lowercase ops, real booleans, a path: what every dialect may send.
        patch({"op": "replace", "path": "active", "value": False}),
        # A path-less replace of more than `active` is Entra's 2020 flag as much as anyone's.
        patch({"op": "replace", "value": {"active": False, "title": "x"}}),
        take("POST", "/Users", {"userName": "a", "active": True}),
        take(path='/Users?filter=userName+eq+"a"'),
        take(path="/Users?startIndex=1&count=2&filter=x"),
        take("DELETE", "/Users/1"),
    ],
)
def test_what_any_client_sends_names_no_idp(plain: Take) -> None:
    recognised = recognise([plain])
    assert recognised.idp == ""
    assert recognised.evidence == (
        "not recognised: no known User-Agent and no shape only one IdP sends"
    )


def test_a_tie_names_no_idp_and_says_between_whom() -> None:
    entra = patch({"op": "Replace", "path": "title", "value": "x"})
    okta = patch({"op": "replace", "value": {"active": False}})
    recognised = recognise([entra, okta])
    assert recognised.idp == ""
    assert "entra (1) and okta (1)" in recognised.evidence or (
        "okta (1) and entra (1)" in recognised.evidence
    )


def test_an_empty_recording_is_not_recognised() -> None:
    assert recognise([]).idp == ""
    assert "no request" in Recogniser().result().evidence


def test_a_request_counts_once_however_many_of_its_operations_show_the_shape() -> None:
    many = patch(
        {"op": "Replace", "path": "title", "value": "x"},
        {"op": "Replace", "path": "displayName", "value": "y"},
    )
    assert "on 1 of 1 requests" in recognise([many]).evidence
