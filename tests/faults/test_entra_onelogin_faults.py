"""Every Entra, OneLogin and Ping quirk has a scenario that fails when the server mishandles it.

As in `test_checks_bite.py`: one reference server for the module, one team per fault switched on
through the app probe (`PUT /faults`), one run per fault on the scenarios its tags select, under
the profiles that send the quirk. Each run must exit 1 with the fault's checks failing, nothing
outside `must | may`, and exactly the expected items (the dialect that sends the quirk) failing:
the other dialects, run beside it, pass. The same scenarios without a fault all pass. Runs go
in-process through `RunState.run_item`, as `test_okta_faults.py` does, a few at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from conftest import APP_TOKEN, SCIM_TOKEN, RunningServer, start_server
from test_checks_bite import Bite, bite, switch_on, urls

from harness.checks import load_all
from harness.events import CheckEvaluated, Event, Outcome
from harness.scenario import Scenario, load_scenarios
from harness.session import RunSettings, RunState, applies
from harness.verdict import exit_code
from reference_server import faults
from reference_server.storage.engine import open_engine
from reference_server.teams import TokenSource, add_team

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PROFILES = "entra,onelogin,ping"  # the entra family is entra, entra-2020 and entra-validator
PARALLEL_RUNS = 4
CLEAN = "no-dialect-fault"


@dataclass(frozen=True)
class Quirk:
    """A fault's run, and the items (scenario[profile]) that must be the ones failing."""

    bite: Bite
    failing: frozenset[str]


def quirk(tags: str, must: set[str], failing: set[str], may: set[str] | None = None) -> Quirk:
    return Quirk(bite(tags, must, may or ()), frozenset(failing))


def entra_items(scenario: str) -> set[str]:
    """`entra/<scenario>` under each Entra profile: the family runs every Entra scenario."""
    return {f"entra/{scenario}[{p}]" for p in ("entra", "entra-2020", "entra-validator")}


QUIRKS: dict[str, Quirk] = {
    # entra_onelogin.md 1.4 step 4: only the default job capitalises its ops.
    "capitalised-ops-rejected": quirk(
        "entra-patch", {"entra-attribute-update"}, {"entra/attribute-update[entra]"}
    ),
    # 1.4 step 6: only the default job disables with "False".
    "string-booleans-rejected": quirk(
        "entra-active", {"entra-soft-delete"}, {"entra/soft-delete[entra]"}
    ),
    # 1.5: the default job removes by a value list, and so does OneLogin (4.3 step 5); the flag
    # and the validator remove by filter.
    "member-removal-value-list-ignored": quirk(
        "entra-groups,onelogin-groups",
        {"entra-members-removed", "group-members-removed"},
        {"entra/groups[entra]", "onelogin/groups[onelogin]"},
    ),
    # 1.6: only the flag collapses attributes into dotted and URN keys.
    "dotted-keys-ignored": quirk(
        "entra-patch", {"entra-attribute-update"}, {"entra/attribute-update[entra-2020]"}
    ),
    # 4.3 steps 3-4: OneLogin updates and suspends by PUT.
    "put-server-error": quirk(
        "onelogin-put",
        {"onelogin-put-update", "no-server-error"},
        {"onelogin/update-put[onelogin]", "onelogin/enterprise-template[onelogin]"},
        {"onelogin-suspend", "put-keeps-active"},
    ),
    # 1.1, 1.4 step 7: every Entra profile re-creates a hard-deleted userName.
    "recreate-after-delete-refused": quirk(
        "entra-recreate",
        {"entra-recreate-after-delete"},
        entra_items("hard-delete-recreate"),
    ),
    # 1.3: Test Connection wants 200 and an empty list; OneLogin (4.3 step 1) takes a 404 too.
    "filter-miss-404": quirk(
        "entra-test-connection,onelogin-test-connection",
        {"entra-test-connection"},
        entra_items("test-connection"),
        {"schema-valid", "list-response-consistent"},
    ),
    # 4.3 step 1: a 500 fails OneLogin's connection test (and Entra's, with more checks).
    "filter-miss-server-error": quirk(
        "onelogin-test-connection",
        {"onelogin-test-connection", "no-server-error"},
        {"onelogin/test-connection[onelogin]"},
    ),
    # 1.1, 1.4 step 1: the next cycle's userName (or externalId) query must find the user.
    "eq-filter-finds-nothing": quirk(
        "entra-match-and-create",
        {"entra-match-existing"},
        entra_items("match-and-create"),
        {"schema-valid"},
    ),
    # 1.4 step 2: Entra creates users with the enterprise extension.
    "enterprise-extension-ignored-on-create": quirk(
        "entra-match-and-create", {"entra-create-enterprise"}, entra_items("match-and-create")
    ),
    # 1.4 step 2 (Example 2's nulls) and 4.2 (OneLogin's `"id": null`).
    "null-values-refused": quirk(
        "entra-create-tolerance,onelogin-enterprise-template",
        {"entra-create-tolerates-nulls", "onelogin-template-accepted"},
        entra_items("create-tolerance") | {"onelogin/enterprise-template[onelogin]"},
    ),
    # 1.4 step 5: the service sends the manager as a string; the validator as {value} (3.1).
    "manager-string-refused": quirk(
        "entra-manager",
        {"entra-manager-reference"},
        {"entra/manager[entra]", "entra/manager[entra-2020]"},
    ),
    # 3.1 test 11: only the validator removes the manager with `remove`; the others replace "".
    "extension-attribute-remove-ignored": quirk(
        "entra-manager", {"entra-manager-removed"}, {"entra/manager[entra-validator]"}
    ),
    # 1.4 step 8: every Entra profile PATCHes roles.
    "roles-patch-refused": quirk("entra-roles", {"entra-roles-ignored"}, entra_items("roles")),
    # 1.5: Entra reads groups with excludedAttributes=members.
    "excluded-attributes-ignored-on-groups": quirk(
        "entra-groups", {"entra-excluded-members"}, entra_items("groups")
    ),
    # 1.5: several members in one PATCH.
    "member-add-keeps-first": quirk(
        "entra-groups", {"entra-group-batch-add"}, entra_items("groups")
    ),
    # 4.4: "Refresh" lists /Groups without a filter; the rules' PATCH then lacks the group's id,
    # which fails the item (the catalogue's fault), not an error of the harness.
    "unfiltered-group-list-empty": quirk(
        "onelogin-groups", {"onelogin-group-catalogue"}, {"onelogin/groups[onelogin]"}
    ),
    # 4.1, 4.3 step 4: Suspend is a PUT with active false.
    "put-ignores-active": quirk(
        "onelogin-deprovision,onelogin-enterprise-template",
        {"onelogin-suspend", "onelogin-deprovision"},
        {"onelogin/deprovision[onelogin]", "onelogin/enterprise-template[onelogin]"},
    ),
    # 4.3 step 3: updates are PUTs of the whole template.
    "put-drops-name": quirk(
        "onelogin-update-put", {"onelogin-put-update"}, {"onelogin/update-put[onelogin]"}
    ),
    # 5 (Ping): the admin's filter expression `username Eq "%s"`.
    "case-sensitive-filter": quirk(
        "ping-remove-user", {"ping-filter-expression"}, {"ping/remove-user[ping]"}
    ),
}


@dataclass(frozen=True)
class QuirkRun:
    code: int
    tripped: frozenset[str]
    failed: frozenset[str]
    events: list[Event]

    def output(self) -> str:
        return "\n".join(
            f"{e.item} {e.check}: {[f['message'] for f in e.findings]}"
            for e in self.events
            if isinstance(e, CheckEvaluated) and not e.passed
        )


@cache
def scenarios() -> list[Scenario]:
    return load_scenarios(SCENARIOS)


def run_dialects(server: RunningServer, team: str, tags: str) -> QuirkRun:
    """What `scimcert run --idp entra,onelogin,ping --tags <tags> --fail-on warn` decides."""
    scim_url, app_url = urls(server, team)
    chosen_tags = tuple(tags.split(","))
    settings = RunSettings(
        url=scim_url, idp=PROFILES, tags=chosen_tags, app_url=app_url, timeout=15.0, seed=7
    )
    state, events = RunState(settings), list[Event]()
    items = [
        (scenario, profile)
        for scenario in scenarios()
        for profile in settings.profiles()
        if applies(scenario, profile, chosen_tags)
    ]
    finished = [state.run_item(s, p, events.append) for s, p in items]
    tripped = {e.check for e in events if isinstance(e, CheckEvaluated) and not e.passed}
    failed = {f.item for f in finished if f.outcome is not Outcome.PASS}
    code = exit_code([f.outcome for f in finished], fail_on_warn=True)
    return QuirkRun(code, frozenset(tripped), frozenset(failed), events)


def all_tags() -> str:
    return ",".join(sorted({t for row in QUIRKS.values() for t in row.bite.tags.split(",")}))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, QuirkRun]]:
    db = tmp_path_factory.mktemp("dialect-bite") / "scimcert.db"
    engine = open_engine(f"sqlite:///{db}")
    for team in [CLEAN, *QUIRKS]:
        add_team(engine, team, TokenSource(scim=SCIM_TOKEN, app=APP_TOKEN), lambda _: None)
    engine.dispose()
    load_all()
    scenarios()
    server = start_server(db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCIM_TOKEN", SCIM_TOKEN)
        patch.setenv("SCIM_APP_TOKEN", APP_TOKEN)
        try:
            for fault in QUIRKS:
                switch_on(server, fault, [fault])
            # The clean run, every scenario, is the longest: it goes first, not last.
            jobs = {CLEAN: all_tags()} | {name: row.bite.tags for name, row in QUIRKS.items()}
            with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
                futures = {
                    name: pool.submit(run_dialects, server, name, tags)
                    for name, tags in jobs.items()
                }
                yield {name: future.result() for name, future in futures.items()}
        finally:
            server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(QUIRKS))
def test_the_fault_fails_the_dialect_that_sends_the_quirk(
    runs: dict[str, QuirkRun], fault: str
) -> None:
    row, run = QUIRKS[fault], runs[fault]
    assert run.code == 1, run.output()
    missing = sorted(row.bite.must - run.tripped)
    assert not missing, f"not tripped: {missing}\n{run.output()}"
    unexpected = run.tripped - row.bite.must - row.bite.may
    assert not unexpected, f"also tripped: {sorted(unexpected)}\n{run.output()}"
    assert run.failed == row.failing, run.output()


@pytest.mark.slow
def test_without_a_fault_the_dialect_scenarios_pass(runs: dict[str, QuirkRun]) -> None:
    run = runs[CLEAN]
    assert run.code == 0, run.output()
    assert run.tripped == frozenset() and run.failed == frozenset(), run.output()


def test_every_quirk_is_a_registered_fault_with_at_most_two_extra_checks() -> None:
    assert set(QUIRKS) <= set(faults.FAULTS)
    for fault, row in QUIRKS.items():
        assert row.bite.must and len(row.bite.may) <= 2, fault
        assert not row.bite.must & row.bite.may, fault
