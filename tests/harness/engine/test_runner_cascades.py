"""Cascades stop: after a wrong status, the step's body checks are not graded, and steps that
need what it was to save are blocked, so a server refusing everything shows one failure.

A setup step a reachable server refuses is that server's failure (never ERROR), graded by the
check the refused operation concerns, with the server's own `detail`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.checks import load_all
from harness.engine.runner import ItemRun, RunContext
from harness.engine.target import Capabilities, Target
from harness.scenario.model import Scenario, load_scenario
from harness.transport.auth import bearer
from harness.transport.client import Transport
from mock_idp.profile import select_profiles
from reports.failure_text import describe_failure
from tests.support.json_server import serving_json
from tests.support.paths import ROOT
from verdict.events import CheckEvaluated, Event, ExchangeRecorded, ItemFinished, StepFinished
from verdict.outcomes import Outcome

LIFECYCLE = ROOT / "scenarios" / "core" / "user-lifecycle.yaml"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
REFUSALS = {
    401: {"schemas": [ERROR], "status": "401", "detail": "Bearer token is not valid"},
    404: {"schemas": [ERROR], "status": "404", "detail": "No such endpoint"},
}


@pytest.fixture(scope="module", params=sorted(REFUSALS))
def refusing(request: pytest.FixtureRequest) -> Iterator[tuple[int, str]]:
    """A server answering every request with one status: a wrong token, a wrong base path."""
    status = int(request.param)
    with serving_json(status, REFUSALS[status]) as url:
        yield status, url


def run(scenario: Scenario, url: str, app_url: str | None = None) -> list[Event]:
    load_all()
    target = Target(
        scim=Transport(url, bearer("scim-secret")),
        app=Transport(app_url, bearer("app-secret")) if app_url else None,
        capabilities=Capabilities(frozenset({"app-probe"} if app_url else ())),
    )
    events: list[Event] = []
    profile = select_profiles("rfc")[0]
    ItemRun(
        scenario, profile, target, RunContext(run_id="cascade1", seed=1), events.append
    ).execute()
    return events


def of(events: list[Event], kind: type[Any]) -> list[Any]:
    return [event for event in events if isinstance(event, kind)]


def written(tmp_path: Path, steps: str) -> Scenario:
    (tmp_path / "s.yaml").write_text(
        f"id: x/cascade\ntitle: A cascade\nsteps:\n{steps}", encoding="utf-8"
    )
    return load_scenario(tmp_path / "s.yaml")


def test_a_refusing_server_shows_one_failure_not_a_cascade(refusing: tuple[int, str]) -> None:
    status, url = refusing
    events = run(load_scenario(LIFECYCLE), url)
    (finished,) = of(events, ItemFinished)
    broken = [e for e in of(events, CheckEvaluated) if not e.passed]
    assert finished.outcome is Outcome.FAIL and finished.failed_checks == ("user-created",)
    assert [(e.check, e.findings[0]["message"]) for e in broken] == [
        ("user-created", f"expected status 201, got {status}")
    ]
    assert broken[0].findings[0]["expected"] == 201  # a number, not matcher syntax
    # The IdP's lookup and its POST; nothing after the step that failed was sent.
    assert {e.step for e in of(events, ExchangeRecorded)} == {0}


def test_the_body_checks_of_the_wrong_status_are_not_evaluated(
    refusing: tuple[int, str],
) -> None:
    status, url = refusing
    first, *_ = of(run(load_scenario(LIFECYCLE), url), StepFinished)
    assert (first.step, first.blocked_by) == (0, -1)
    assert first.reason == f"status {status}, expected 201"
    assert set(first.not_evaluated) == {
        "username-case-preserved",
        "schema-valid",
        "location-matches-meta",
        "etag-matches-version",
        "password-never-returned",
    }
    graded = {e.check for e in run(load_scenario(LIFECYCLE), url) if isinstance(e, CheckEvaluated)}
    assert not graded & set(first.not_evaluated)


HALTED = {
    401: "the credentials were refused at step 1",
    404: "step 1 found no /Users at the base URL",
}


def test_steps_after_refused_credentials_or_a_missing_users_endpoint_are_blocked(
    refusing: tuple[int, str],
) -> None:
    status, url = refusing
    steps = of(run(load_scenario(LIFECYCLE), url), StepFinished)
    assert [s.step for s in steps] == list(range(10))  # every step is accounted for
    assert all(s.blocked_by == 0 for s in steps[1:])
    assert steps[1].action == "get_user alice"  # its expectation reads ${uid}
    assert steps[1].reason.startswith("needs ${uid}, which step 1 (line 8) did not provide: ")
    assert steps[2].action == "update alice"
    assert all(s.reason == HALTED[status] for s in steps[2:] if "${uid}" not in s.reason)


def test_a_step_needing_an_id_a_failed_step_never_taught_is_blocked_and_so_is_what_follows(
    tmp_path: Path,
) -> None:
    """A create answered 200 (not 201): the IdP never learns alice's id, so the update that
    needs it is blocked, and the read after that update cannot judge a change never made."""
    scenario = written(
        tmp_path,
        "  - {do: assign, user: alice, expect: {check: user-created, status: 201}}\n"
        "  - {do: update, user: alice, with: {title: X}, expect: {check: patch-applies}}\n"
        "  - request: {method: GET, path: /Users}\n"
        "    expect: {check: patch-applies, status: 200}\n",
    )
    with serving_json(200, {"schemas": [ERROR]}) as url:
        events = run(scenario, url)
    (finished,) = of(events, ItemFinished)
    first, update, read = of(events, StepFinished)
    assert finished.outcome is Outcome.FAIL and finished.failed_checks == ("user-created",)
    assert first.reason == "status 200, expected 201"
    assert (update.blocked_by, read.blocked_by) == (0, 0)
    assert update.reason.startswith("needs the id of 'alice', which step 1 (line 4) did not")
    assert read.reason.startswith("follows step 2, a change that was blocked")
    assert {e.step for e in of(events, ExchangeRecorded)} == {0}


def test_a_refused_setup_step_fails_the_check_it_concerns_with_the_detail(
    tmp_path: Path,
) -> None:
    scenario = written(
        tmp_path,
        "  - {do: assign, user: alice, setup: true, save: {uid: /id}}\n"
        "  - request: {method: GET, path: '/Users/${uid}'}\n"
        "    expect: {check: user-readable, status: 200}\n",
    )
    with serving_json(401, REFUSALS[401]) as url:
        events = run(scenario, url)
    (finished,) = of(events, ItemFinished)
    (broken,) = [e for e in of(events, CheckEvaluated) if not e.passed]
    assert finished.outcome is Outcome.FAIL and finished.failed_checks == ("user-created",)
    assert broken.findings[0]["message"] == (
        "setup step 1 (line 4): POST /scim/v2/Users answered 401: Bearer token is not valid"
    )
    assert [s.blocked_by for s in of(events, StepFinished)] == [-1, 0]


def test_an_answer_without_the_value_to_save_is_the_servers_failure(tmp_path: Path) -> None:
    scenario = written(
        tmp_path,
        "  - request: {method: POST, path: /Users, body: {userName: a}}\n"
        "    setup: true\n"
        "    save: {uid: /id}\n"
        "  - request: {method: GET, path: '/Users/${uid}'}\n"
        "    expect: {check: user-readable, status: 200}\n",
    )
    with serving_json(201, {"schemas": [ERROR]}) as url:  # created, says nothing of its id
        events = run(scenario, url)
    (finished,) = of(events, ItemFinished)
    (broken,) = [e for e in of(events, CheckEvaluated) if not e.passed]
    assert finished.outcome is Outcome.FAIL and broken.check == "user-created"
    assert broken.findings[0]["message"] == "step 1 (line 4): nothing at /id to save as uid"
    assert [s.blocked_by for s in of(events, StepFinished)] == [-1, 0]


def test_a_name_used_before_any_failure_is_still_the_harness_error(tmp_path: Path) -> None:
    scenario = written(tmp_path, "  - {do: get_user, user: alice}\n")
    with serving_json(200, {"schemas": [ERROR]}) as url:
        (finished,) = of(run(scenario, url), ItemFinished)
    assert finished.outcome is Outcome.ERROR and "no SCIM id yet" in finished.reason


def test_app_probe_curl_lines_use_the_app_token_variable(tmp_path: Path) -> None:
    scenario = written(
        tmp_path,
        "  - {do: app.member, member: m1}\n  - request: {method: GET, path: /Users/m1}\n",
    )
    member = {"schemas": [ERROR], "id": "m1"}
    with serving_json(200, member) as url:
        curls = [e.curl for e in of(run(scenario, url, app_url=url), ExchangeRecorded)]
    assert len(curls) == 2
    assert '"Authorization: Bearer $SCIM_APP_TOKEN"' in curls[0] and "/members/m1" in curls[0]
    assert '"Authorization: Bearer $SCIM_TOKEN"' in curls[1]
    assert not any("secret" in curl for curl in curls)


def test_the_pytest_failure_text_tells_the_story_step_by_step() -> None:
    with serving_json(401, REFUSALS[401]) as url:
        scenario = load_scenario(LIFECYCLE)
        events = run(scenario, url)
    text = describe_failure(scenario.id, scenario.shown_source, events, "MUST check broken")
    lines = text.splitlines()
    assert lines[1] == "  steps:"
    assert lines[2].startswith("    step 1 (line 8) assign alice: GET /scim/v2/Users?filter=")
    assert lines[2].endswith(
        "POST /scim/v2/Users → 401: failed: user-created; not evaluated: schema-valid,"
        " location-matches-meta, etag-matches-version, password-never-returned,"
        " username-case-preserved (status 401, expected 201)"
    )
    assert lines[3].startswith("    step 2 (line 22) get_user alice: blocked by step 1: needs")
    assert lines[4] == (  # steps blocked alike are one line
        "    steps 3-5 (lines 32-43): blocked by step 1: the credentials were refused at step 1"
    )
    assert "expected status 201, got 401" in text
