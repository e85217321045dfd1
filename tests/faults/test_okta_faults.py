"""Every Okta behaviour has a scenario that fails when the reference server breaks it.

As in `test_checks_bite.py`: one reference server for the module, one team per fault switched on
through the app probe (`PUT /faults`), one run under `okta-oin` per fault on the scenarios its
tags select. Each run must end with exit code 1 and the fault's checks failing, and nothing
outside `must | may`. The runs go through the runner in-process (`RunState.run_item`, the code
`scimcert run` drives for each item, and `verdict.exit_code`), several at a time: a `scimcert run`
child process per fault costs about ten seconds of start-up each. The same scenarios without a
fault pass through the real CLI in `tests/mock_idp/test_okta_e2e.py`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import APP_TOKEN, SCIM_TOKEN, RunningServer, start_server
from test_checks_bite import Bite, bite, switch_on, urls

from harness.checks import load_all
from harness.events import CheckEvaluated, Event, ExchangeRecorded
from harness.scenario import Scenario, load_scenarios
from harness.session import RunSettings, RunState, applies
from harness.verdict import exit_code
from reference_server import faults
from reference_server.storage.engine import open_engine
from reference_server.teams import TokenSource, add_team

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PARALLEL_RUNS = 4

OKTA_BITES: dict[str, Bite] = {
    # The product lifecycle (lifecycle/member-lifecycle, tag `product`).
    "deactivation-ignored": bite("product", {"deactivation-removes-from-team"}),
    "role-kept-on-reactivation": bite("product", {"reactivation-resets-role"}),
    "access-lost-on-reactivation": bite(
        "product", {"reactivation-restores-access", "memberships-kept"}
    ),
    # Okta's deactivation (a path-less PATCH) that deletes. Not on the CRUD test: there the user,
    # gone for good, also fails reactivation and unassignment, too many checks to say which.
    "deactivation-deletes": bite("checks-deactivated-user", {"deactivation-keeps-user"}),
    # Okta's CRUD test (okta.md 6).
    "pathless-patch-ignored": bite(
        "okta-crud,group-push",
        {"deactivation-keeps-user", "okta-crud-unassign", "okta-group-rename"},
    ),
    "put-read-only-refused": bite("okta-crud", {"okta-put-roundtrip", "okta-crud-update"}),
    "user-patch-answers-202": bite(
        "okta-crud", {"okta-deactivate-accepted", "okta-reactivate-accepted"}
    ),
    # Okta's SPEC test (okta.md 5), case by case; list entries are read by the CRUD test too.
    "user-list-abbreviated": bite(
        "okta-spec,okta-crud", {"okta-spec-users-endpoint", "okta-crud-find-user"}
    ),
    "read-omits-name": bite("okta-spec", {"okta-spec-get-user", "okta-spec-verify-user"}),
    "filter-miss-404": bite(
        "okta-spec", {"okta-spec-invalid-username", "okta-spec-random-user-absent"}
    ),
    "unknown-id-400": bite("okta-spec", {"okta-spec-invalid-id", "okta-spec-status-404"}),
    "lowercase-user-name": bite("okta-spec", {"okta-spec-create-user", "okta-spec-verify-user"}),
    "conflict-as-400": bite("okta-spec", {"okta-spec-duplicate-409"}),
    # A 500 on the upper-cased lookup also fails the port's case check and the 5xx check.
    "user-name-case-fallback-crashes": bite(
        "okta-spec", {"okta-spec-username-case"}, {"filter-case-insensitive", "no-server-error"}
    ),
    "group-list-needs-paging": bite("okta-spec", {"okta-spec-groups-endpoint"}),
    "slow-group-list": bite("okta-spec", {"okta-spec-response-time"}),
    # Assignment: Okta's externalId on create and on a link (okta.md 2.3).
    "external-id-dropped": bite("assign", {"okta-create-accepted", "okta-existing-user-linked"}),
    # Import, the SPEC test, assignment, Group Push, rate limiting.
    "paging-ignored": bite("import", {"okta-import-complete"}, {"list-response-consistent"}),
    "total-results-is-page-size": bite("import", {"okta-import-pages", "okta-import-complete"}),
    "user-name-filter-case-sensitive": bite("okta-spec", {"filter-case-insensitive"}),
    "auth-not-enforced": bite("okta-spec", {"okta-spec-status-401"}),
    "password-echoed": bite("assign", {"password-never-returned"}, {"schema-valid"}),
    "group-adds-ignored": bite(
        "group-push", {"group-members-added"}, {"group-members-removed", "okta-group-push-now"}
    ),
    # Group Push links by `displayName eq` (okta.md 2.8): finding nothing, Okta POSTs the group
    # again, the server refuses the name (409), and the relink's members are never pushed.
    # Group import lists /Groups without a filter (okta.md 2.2).
    "eq-filter-finds-nothing": bite("group-push", {"okta-group-lookup", "okta-group-push-now"}),
    "group-list-empty-without-filter": bite("group-push", {"okta-import-groups"}),
    "rate-limit-never-lifts": bite("rate-limit", {"okta-rate-limit-recovers"}, timeout=3.0),
    # Okta waits the run's --timeout (its 5 minutes, capped) once, then the retry goes through.
    "rate-limit-without-retry-after": bite("rate-limit", {"okta-retry-after-seconds"}, timeout=2.0),
}


@dataclass(frozen=True)
class OktaRun:
    code: int
    tripped: frozenset[str]
    events: list[Event]

    def output(self) -> str:
        """The failed checks' findings, to read when a test fails."""
        return "\n".join(
            f"{e.item} {e.check}: {[f['message'] for f in e.findings]}"
            for e in self.events
            if isinstance(e, CheckEvaluated) and not e.passed
        )


@functools.cache
def scenarios() -> list[Scenario]:
    """Read once: parsing every scenario file costs seconds, and runs share a core."""
    return load_scenarios(SCENARIOS)


def run_okta(server: RunningServer, team: str, row: Bite) -> OktaRun:
    """What `scimcert run --idp okta-oin --tags <row.tags> --fail-on warn` decides, in-process."""
    scim_url, app_url = urls(server, team)
    tags = tuple(row.tags.split(","))
    settings = RunSettings(
        url=scim_url, idp="okta-oin", tags=tags, app_url=app_url, timeout=row.timeout, seed=7
    )
    state, events = RunState(settings), list[Event]()
    (profile,) = settings.profiles()
    chosen = [s for s in scenarios() if applies(s, profile, tags)]
    outcomes = [state.run_item(scenario, profile, events.append).outcome for scenario in chosen]
    tripped = {e.check for e in events if isinstance(e, CheckEvaluated) and not e.passed}
    return OktaRun(exit_code(outcomes, fail_on_warn=True), frozenset(tripped), events)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, OktaRun]]:
    db = tmp_path_factory.mktemp("okta-bite") / "scimcert.db"
    engine = open_engine(f"sqlite:///{db}")
    for team in OKTA_BITES:
        add_team(engine, team, TokenSource(scim=SCIM_TOKEN, app=APP_TOKEN), lambda _: None)
    engine.dispose()
    load_all()
    scenarios()
    server = start_server(db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCIM_TOKEN", SCIM_TOKEN)
        patch.setenv("SCIM_APP_TOKEN", APP_TOKEN)
        try:
            for fault in OKTA_BITES:
                switch_on(server, fault, [fault])
            with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
                # The import run (250 members) first: the others fit in its shadow.
                slowest_first = sorted(OKTA_BITES, key=lambda f: "import" not in OKTA_BITES[f].tags)
                futures = {
                    fault: pool.submit(run_okta, server, fault, OKTA_BITES[fault])
                    for fault in slowest_first
                }
                yield {fault: future.result() for fault, future in futures.items()}
        finally:
            server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(OKTA_BITES))
def test_the_fault_fails_the_okta_scenarios(runs: dict[str, OktaRun], fault: str) -> None:
    row, run = OKTA_BITES[fault], runs[fault]
    assert run.code == 1, run.output()
    missing = sorted(row.must - run.tripped)
    assert not missing, f"not tripped: {missing}\n{run.output()}"
    unexpected = run.tripped - row.must - row.may
    assert not unexpected, f"also tripped: {sorted(unexpected)}\n{run.output()}"


@pytest.mark.slow
def test_okta_retried_the_429s_before_giving_up(runs: dict[str, OktaRun]) -> None:
    """okta.md 4: Retry-After 1, then 2 s, and the 3 s budget of `--timeout 3` is spent."""
    run = runs["rate-limit-never-lifts"]
    exchanges: list[Any] = [e.exchange for e in run.events if isinstance(e, ExchangeRecorded)]
    posts = [x["response"] for x in exchanges if x["request"]["method"] == "POST"]
    assert [answer["status"] for answer in posts] == [429, 429, 429], run.output()
    assert all(answer["headers"]["retry-after"] == "1" for answer in posts)


def test_every_okta_fault_is_registered_with_at_most_two_extra_checks() -> None:
    """A row names what its fault must trip and at most two checks it may: a fault that breaks
    more proves nothing about any one check (test_coverage.py)."""
    assert set(OKTA_BITES) <= set(faults.FAULTS)
    for fault, row in OKTA_BITES.items():
        assert row.must and len(row.may) <= 2, fault
        assert not row.must & row.may, fault
