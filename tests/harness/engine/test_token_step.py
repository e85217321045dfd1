"""`do: oauth_token` and `auth: issued` against the reference server's token endpoint: the
scenarios run when the run names the endpoint and are skipped with the reason when it does not,
and neither the client secret nor an issued token reaches any event."""

from __future__ import annotations

import json

import pytest

from harness.checks import load_all
from harness.engine.session import RunSettings, RunState
from harness.scenario.model import Scenario, load_scenarios
from harness.transport.redaction import secret_forms
from mock_idp.profile import select_profiles
from tests.support.paths import ROOT
from tests.support.reference import CLIENT_ID, CLIENT_SECRET, RunningServer
from verdict.events import Event, ExchangeRecorded, ItemFinished, to_record
from verdict.outcomes import Outcome

GALLERY = "entra/gallery/validate-credentials"


def scenario(scenario_id: str) -> Scenario:
    found = [s for s in load_scenarios(ROOT / "scenarios") if s.id == scenario_id]
    assert found, scenario_id
    return found[0]


def run(
    server: RunningServer, token_url: str | None = None, client_id: str | None = None
) -> tuple[ItemFinished, list[Event]]:
    load_all()
    settings = RunSettings(
        url=server.url, timeout=10, seed=3, token_url=token_url, client_id=client_id
    )
    events: list[Event] = []
    profile = select_profiles("entra")[0]
    finished = RunState(settings).run_item(scenario(GALLERY), profile, events.append)
    return finished, events


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_TOKEN", 'test-scim-token-a+b/c"d<e%')
    monkeypatch.setenv("SCIM_CLIENT_SECRET", CLIENT_SECRET)


@pytest.mark.usefixtures("env")
def test_the_credentials_test_passes_and_leaks_nothing(server: RunningServer) -> None:
    finished, events = run(server, token_url=server.token_url, client_id=CLIENT_ID)
    assert finished.outcome is Outcome.PASS, finished
    text = "\n".join(json.dumps(to_record(e), default=str) for e in events)
    exchanges = [e.exchange for e in events if isinstance(e, ExchangeRecorded)]
    token_answers = [x for x in exchanges if x["request"]["url"] == server.token_url]
    assert len(token_answers) == 1
    assert '"access_token":"[REDACTED]"' in token_answers[0]["response"]["body"]
    assert "client_secret=[REDACTED]" in token_answers[0]["request"]["body"]
    assert all(form not in text for form in secret_forms(CLIENT_SECRET))
    # The list was sent with the issued token, which no record shows either.
    listed = [x for x in exchanges if "startIndex=1&count=1" in x["request"]["url"]]
    assert listed and listed[0]["request"]["headers"]["Authorization"] == "[REDACTED]"


@pytest.mark.usefixtures("env")
def test_without_a_token_endpoint_the_test_is_skipped_with_the_reason(
    server: RunningServer,
) -> None:
    finished, events = run(server)
    assert finished.outcome is Outcome.SKIP
    assert "no OAuth token endpoint known" in finished.reason
    assert "--token-url" in finished.reason
    assert not [e for e in events if isinstance(e, ExchangeRecorded)]
