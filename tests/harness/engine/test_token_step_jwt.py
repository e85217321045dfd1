"""`do: oauth_token` with `client_auth: jwt` (RFC 7523 2.2): `ipsie/jwt-client-auth` passes
against the reference server with the key the test session registered, no event holds the key
or an assertion, and without a key the scenario is skipped with the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.checks import load_all
from harness.engine.session import RunSettings, RunState
from harness.engine.token_step import token_client
from harness.scenario.model import load_scenarios
from harness.transport.auth import AuthError
from harness.transport.redaction import MIN_TEXT_SECRET, literal_pattern, redact_text
from mock_idp.profile import select_profiles
from tests.support.paths import ROOT
from tests.support.reference import CLIENT_ID, CLIENT_KEYS, SCIM_TOKEN, RunningServer
from verdict.events import Event, ExchangeRecorded, ItemFinished, to_record
from verdict.outcomes import Outcome

JWT = "ipsie/jwt-client-auth"


def run(server: RunningServer) -> tuple[ItemFinished, list[Event]]:
    load_all()
    settings = RunSettings(
        url=server.url,
        timeout=10,
        seed=3,
        token_url=server.token_url,
        client_id=CLIENT_ID,
        scenario_ids=(JWT,),
    )
    events: list[Event] = []
    found = [s for s in load_scenarios(ROOT / "scenarios") if s.id == JWT]
    finished = RunState(settings).run_item(found[0], select_profiles("rfc")[0], events.append)
    return finished, events


def token_requests(events: list[Event], server: RunningServer) -> list[dict[str, Any]]:
    exchanges = [e.exchange for e in events if isinstance(e, ExchangeRecorded)]
    return [x for x in exchanges if x["request"]["url"] == server.token_url]


def test_the_jwt_scenario_passes_and_leaks_neither_key_nor_assertion(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    monkeypatch.delenv("SCIM_CLIENT_SECRET", raising=False)  # a key alone is enough
    monkeypatch.setenv("SCIM_CLIENT_KEY", CLIENT_KEYS.pem)
    monkeypatch.setenv("SCIM_CLIENT_KEY_ID", CLIENT_KEYS.kid)
    finished, events = run(server)
    assert finished.outcome is Outcome.PASS, finished
    requests = token_requests(events, server)
    assert len(requests) == 4  # the good assertion, then a forged, an expired, a wrong-aud one
    for sent in requests:
        assert "client_assertion=[REDACTED]" in sent["request"]["body"]
    text = "\n".join(json.dumps(to_record(e), default=str) for e in events)
    key_lines = [line for line in CLIENT_KEYS.pem.splitlines() if not line.startswith("-----")]
    assert not [line for line in key_lines if len(line) >= MIN_TEXT_SECRET and line in text]
    assert "eyJ" not in text  # no JWT (base64url of '{"') in any record


def test_without_a_key_the_scenario_is_skipped_with_the_reason(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    monkeypatch.setenv("SCIM_CLIENT_SECRET", "any")
    monkeypatch.delenv("SCIM_CLIENT_KEY", raising=False)
    finished, events = run(server)
    assert finished.outcome is Outcome.SKIP
    assert "SCIM_CLIENT_KEY" in finished.reason
    assert not token_requests(events, server)


def test_a_secret_as_long_as_an_assertion_is_scrubbed_whole() -> None:
    """The redactor's trie walks long runs of one path without recursing (a JWT is ~600 chars)."""
    long = "a" * 3000 + "b"
    assert redact_text(f"x {long} y", [long, "a" * 2999 + "c"]) == "x [REDACTED] y"
    assert literal_pattern(["ab" * 2000]).fullmatch("ab" * 2000)


@pytest.mark.parametrize("given", ["/nonexistent/key.pem", "-----BEGIN PRIVATE KEY-----\nx\n"])
def test_an_unusable_key_is_an_auth_error_naming_the_variable_not_the_value(given: str) -> None:
    with pytest.raises(AuthError, match="SCIM_CLIENT_KEY is not") as raised:
        token_client("http://127.0.0.1/token", CLIENT_ID, {"SCIM_CLIENT_KEY": given})
    assert given.strip() not in str(raised.value)
    assert token_client(None, CLIENT_ID, {"SCIM_CLIENT_KEY": given}) is None  # no endpoint named
