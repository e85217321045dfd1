"""An expectation that needs a capability the target lacks is noted as not verified, not graded.

A rule of the app (the role a new member gets, the status a template without `active` leaves)
can be seen only through the app probe; without one, a vendor's RFC-conformant server must not
fail it, and the report must say it was not verified.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.checks import load_all
from harness.engine.runner import ItemRun, RunContext
from harness.engine.target import Capabilities, Target
from harness.scenario.model import load_scenario
from harness.transport.auth import no_auth
from harness.transport.client import Transport
from mock_idp.profile import select_profiles
from reports.model import build
from tests.support.json_server import serving_json
from verdict.events import CheckEvaluated, Event, ItemFinished, to_record
from verdict.outcomes import Outcome

NOTE = "roles-match-app (line 4): no app probe configured (--app-url)"  # line of the step
USER = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1", "userName": "a"}
STEPS = """\
  - request: {method: GET, path: /Users/u1}
    expect:
      - {check: user-readable, status: 200}
      - {check: roles-match-app, requires: [app-probe], json: {/roles/0/value: member}}
"""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving_json(200, USER) as url:
        yield url


def run(tmp_path: Path, base_url: str, supported: frozenset[str]) -> list[Event]:
    (tmp_path / "s.yaml").write_text(
        f"id: x/requires\ntitle: An app rule\nsteps:\n{STEPS}", encoding="utf-8"
    )
    load_all()
    reasons = {"app-probe": "no app probe configured (--app-url)"}
    target = Target(
        scim=Transport(base_url, no_auth()),
        app=None,
        capabilities=Capabilities(supported, reasons),
    )
    events: list[Event] = []
    profile = select_profiles("rfc")[0]
    context = RunContext(run_id="requires01", seed=1)
    ItemRun(load_scenario(tmp_path / "s.yaml"), profile, target, context, events.append).execute()
    return events


def test_without_the_capability_the_expectation_is_noted_not_graded(
    tmp_path: Path, base_url: str
) -> None:
    events = run(tmp_path, base_url, frozenset())
    graded = {e.check for e in events if isinstance(e, CheckEvaluated)}
    (finished,) = [e for e in events if isinstance(e, ItemFinished)]
    assert "roles-match-app" not in graded and "user-readable" in graded
    assert finished.outcome is Outcome.PASS
    assert finished.not_verified == (NOTE,)


def test_with_the_capability_the_expectation_is_graded(tmp_path: Path, base_url: str) -> None:
    events = run(tmp_path, base_url, frozenset({"app-probe"}))
    (finished,) = [e for e in events if isinstance(e, ItemFinished)]
    assert finished.outcome is Outcome.FAIL and finished.failed_checks == ("roles-match-app",)
    assert finished.not_verified == ()


def test_the_summary_lists_what_was_not_verified(tmp_path: Path, base_url: str) -> None:
    records = [to_record(e) for e in run(tmp_path, base_url, frozenset())]
    (item,) = build(records).items
    assert item.not_verified == (NOTE,)
