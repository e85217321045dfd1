"""`scimcert idp replay`: a scenario as one IdP sends it, printed, against the reference server."""

from __future__ import annotations

import pytest

from harness.cli.main import main
from tests.support.paths import SCENARIOS
from tests.support.reference import SCIM_TOKEN, RunningServer


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)


def replay(server: RunningServer, *extra: str, idp: str = "okta-oin") -> list[str]:
    scenario = str(SCENARIOS / "okta" / "assign.yaml")
    return ["idp", "replay", "--idp", idp, "--url", server.url, "--scenario", scenario, *extra]


def test_replay_prints_every_exchange_with_oktas_bodies(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(replay(server, "--seed", "3")) == 0
    out = capsys.readouterr().out
    assert "step 1: GET " in out and "startIndex=1&count=100" in out
    assert "step 1: POST " in out and '"password": "' in out and '"locale": "en-US"' in out
    assert "-> 201" in out
    assert out.rstrip().endswith("okta/assign[okta-oin]: PASS")


def test_verbose_shows_headers_with_the_token_redacted(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(replay(server, "--verbose")) == 0
    out = capsys.readouterr().out
    assert "User-Agent: Okta SCIM Client 1.0.0" in out
    assert "Authorization: [REDACTED]" in out
    assert SCIM_TOKEN not in out


@pytest.mark.parametrize(
    ("idp", "message"),
    [("okta-nope", "unknown IdP 'okta-nope'"), ("rfc", "does not run under rfc")],
)
def test_usage_errors_exit_2_before_sending(
    server: RunningServer, capsys: pytest.CaptureFixture[str], idp: str, message: str
) -> None:
    assert main(replay(server, idp=idp)) == 2
    assert message in capsys.readouterr().err
