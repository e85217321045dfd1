"""A verb naming an id the IdP never learned: the harness's error, or the target's failure.

A scenario that uses a user before assigning them is the harness's (ERROR). The same missing id
after an answer failed its checks is the target's doing (FAIL): OneLogin's rules name a group
the app's catalogue left out, so OneLogin has no id to PATCH.
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
from tests.support.json_server import serving_json
from verdict.outcomes import Outcome

NOT_FOUND = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
    "status": "404",
    "detail": "Resource not found",
}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving_json(404, NOT_FOUND) as url:
        yield url


def run(tmp_path: Path, base_url: str, steps: str) -> Outcome:
    (tmp_path / "s.yaml").write_text(
        f"id: x/missing-id\ntitle: A missing id\nsteps:\n{steps}", encoding="utf-8"
    )
    load_all()
    target = Target(
        scim=Transport(base_url, no_auth()), app=None, capabilities=Capabilities(frozenset())
    )
    return (
        ItemRun(
            load_scenario(tmp_path / "s.yaml"),
            select_profiles("rfc")[0],
            target,
            RunContext(run_id="abort01", seed=1),
            lambda _: None,
        )
        .execute()
        .outcome
    )


GET_ALICE = "  - {do: get_user, user: alice}\n"


def test_a_user_never_assigned_is_a_harness_error(tmp_path: Path, base_url: str) -> None:
    assert run(tmp_path, base_url, GET_ALICE) is Outcome.ERROR


def test_an_id_missing_after_a_failed_check_is_the_targets_failure(
    tmp_path: Path, base_url: str
) -> None:
    failing = (
        "  - request: {method: GET, path: /Users/x}\n"
        "    expect: {check: user-readable, status: 200}\n"
    )
    assert run(tmp_path, base_url, failing + GET_ALICE) is Outcome.FAIL
