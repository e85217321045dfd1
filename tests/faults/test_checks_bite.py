"""Every check can fail: each deliberate fault of the reference server trips the checks it must.

One reference server for the module, one team per fault with that fault switched on through the
app probe (`PUT /faults`), and one run per fault on the scenarios its tags select, under its IdP
profile (`rfc` unless the row says otherwise). A fault must make the run exit 1, trip every check
in its `must` set and nothing outside `must | may`; the same scenarios without any fault must all
pass. The runs go through the runner in-process (`RunState.run_item`, the code `scimcert run`
drives for each item, and `verdict.exit_code`), a few at a time: a `scimcert run` child process
costs about ten seconds of start-up. One fault still goes through the real CLI, a child process,
to keep its exit code path proven.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from conftest import APP_TOKEN, SCIM_TOKEN, RunningServer, start_server

from harness.checks import load_all
from harness.events import CheckEvaluated, Event
from harness.scenario import Scenario, load_scenarios
from harness.session import RunSettings, RunState, applies
from harness.verdict import exit_code
from mock_idp.profile import Profile, select_profiles
from reference_server import faults
from reference_server.storage.engine import open_engine
from reference_server.teams import TokenSource, add_team

ROOT = Path(__file__).resolve().parents[2]
SCIMCERT = str(Path(sys.executable).with_name("scimcert"))
PARALLEL_RUNS = 4
CLEAN = "no-fault"
# The fault whose run also goes through `scimcert run` in a child process (team `cli-<fault>`).
CLI_FAULT = "errors-without-detail"


@dataclass(frozen=True)
class Bite:
    """A fault's run: the scenario tags it needs, the checks it must trip, and those it may."""

    tags: str
    must: frozenset[str]
    may: frozenset[str] = frozenset()
    timeout: float = 15.0
    idp: str = "rfc"  # the profiles the scenarios run under (`--idp`)


def bite(
    tags: str,
    must: Iterable[str],
    may: Iterable[str] = (),
    timeout: float = 15.0,
    idp: str = "rfc",
) -> Bite:
    return Bite(tags, frozenset(must), frozenset(may), timeout, idp)


# Fault -> the run that proves it. Runs select scenarios by a tag naming the scenario itself
# (`core-errors` is core/errors.yaml), so a scenario added later under a broad tag never joins in.
BITES: dict[str, Bite] = {
    # Always-on checks.
    "slow-service-provider-config": bite(
        "core-discovery",
        {"transport-complete"},
        {"discovery-service-provider-config", "schema-valid"},
        timeout=1.0,
    ),
    "server-error-on-read": bite("core-errors", {"no-server-error"}, {"unknown-id-404"}),
    "text-plain-media-type": bite("core-errors", {"json-media-type"}),
    "text-errors": bite(
        "core-errors",
        {"json-media-type", "error-body-is-scim"},
        {"schema-valid", "error-has-detail"},
    ),
    "error-status-number": bite("core-errors", {"error-body-is-scim"}, {"schema-valid"}),
    "no-schemas": bite("core-user-put", {"schemas-present"}, {"schema-valid"}),
    # Code checks.
    "emails-not-a-list": bite("core-user-lifecycle", {"schema-valid"}, {"user-readable"}),
    "pascal-case-names": bite("checks-user-representation", {"canonical-attribute-names"}),
    "items-per-page-wrong": bite("core-user-filter", {"list-response-consistent"}),
    "password-echoed": bite("checks-user-representation", {"password-never-returned"}),
    "no-location-header": bite("core-user-lifecycle", {"location-matches-meta"}),
    "etag-mismatch": bite("core-user-lifecycle", {"etag-matches-version"}),
    "errors-without-detail": bite("core-errors", {"error-has-detail"}),
    # Expectations of the scenarios (catalogue.yaml).
    "service-provider-config-without-patch": bite(
        "core-discovery", {"discovery-service-provider-config"}, {"schema-valid"}
    ),
    "user-schema-unlisted": bite("core-discovery", {"discovery-schemas"}),
    "users-resource-type-unlisted": bite("core-discovery", {"discovery-resource-types"}),
    "create-omits-active": bite("core-user-lifecycle", {"user-created"}),
    "read-omits-name": bite("core-user-lifecycle", {"user-readable"}),
    "lowercase-user-name": bite("core-user-lifecycle", {"username-case-preserved"}),
    # Entra wants unique group displayNames (entra_onelogin.md 1.5): its validator's scenario.
    "conflict-as-400": bite(
        "core-user-uniqueness,entra-validator-groups-create",
        {"username-unique", "group-displayname-unique"},
        idp="rfc,entra-validator",
    ),
    "eq-filter-finds-nothing": bite(
        "core-user-filter", {"filter-eq-match"}, {"filter-case-insensitive"}
    ),
    "case-sensitive-filter": bite("core-user-filter", {"filter-case-insensitive"}),
    "filter-miss-404": bite(
        "core-user-filter", {"filter-no-match-empty"}, {"schema-valid", "list-response-consistent"}
    ),
    "filter-error-wrong-scim-type": bite("core-user-filter", {"filter-invalid-400"}),
    "paging-ignored": bite("core-user-paging", {"paging-window"}, {"list-response-consistent"}),
    "unknown-id-400": bite("core-errors", {"unknown-id-404"}),
    "auth-not-enforced": bite("core-errors", {"auth-required"}, {"error-has-detail"}),
    "put-merges": bite("core-user-put", {"put-replaces"}),
    "put-without-active-deactivates": bite("core-user-put", {"put-keeps-active"}),
    "patch-only-active": bite("core-user-lifecycle", {"patch-applies"}),
    "deactivation-deletes": bite("checks-deactivated-user", {"deactivation-keeps-user"}),
    "delete-not-deleting": bite(
        "core-user-lifecycle,core-groups", {"user-deleted", "group-deleted"}, {"error-has-detail"}
    ),
    "delete-refused": bite("core-user-put", {"leaked-resource"}),
    "provisioned-as-admin": bite("lifecycle-reactivate-resets-role", {"member-role-default"}),
    "deactivation-ignored": bite(
        "lifecycle-reactivate-resets-role", {"deactivation-removes-from-team"}
    ),
    "role-kept-on-reactivation": bite(
        "lifecycle-reactivate-resets-role", {"reactivation-resets-role"}, {"roles-match-app"}
    ),
    "access-lost-on-reactivation": bite(
        "lifecycle-reactivate-resets-role", {"reactivation-restores-access"}
    ),
    "roles-omitted": bite("lifecycle-reactivate-resets-role", {"roles-match-app"}),
    "group-create-drops-members": bite("core-groups", {"group-created"}, {"group-members-added"}),
    "group-adds-ignored": bite("core-groups", {"group-members-added"}, {"group-members-removed"}),
    "group-removes-ignored": bite("core-groups", {"group-members-removed"}),
    "reactivation-ignored": bite("core-user-lifecycle", {"reactivation-same-user"}),
    "group-filter-ignored": bite(
        "entra-validator-groups-filter", {"group-filter"}, idp="entra-validator"
    ),
    # Robustness probes (scenarios/robustness, ../shared/robustness.md 4, by category).
    "auth-challenge-missing": bite("robustness-auth", {"robustness-auth-refused"}),
    "content-type-ignored": bite("robustness-media-types", {"robustness-media-type"}),
    "json-constants-accepted": bite("robustness-malformed-json", {"robustness-malformed-json"}),
    "json-depth-unlimited": bite("robustness-malformed-json", {"robustness-json-depth"}),
    "long-integer-server-error": bite(
        "robustness-malformed-json", {"robustness-json-numbers", "no-server-error"}
    ),
    "schemas-not-required": bite("robustness-schemas-and-values", {"robustness-schemas-required"}),
    "attribute-names-case-sensitive": bite(
        "robustness-schemas-and-values", {"robustness-attribute-names-case"}
    ),
    "user-name-coerced-to-string": bite(
        "robustness-schemas-and-values", {"robustness-invalid-value"}
    ),
    "control-characters-stripped": bite(
        "robustness-schemas-and-values", {"robustness-control-characters"}
    ),
    # The page's own checks (schema, list counts) then judge the error body too.
    "large-count-refused": bite(
        "robustness-paging-and-size",
        {"robustness-page-clamped"},
        {"schema-valid", "list-response-consistent"},
    ),
    "start-index-below-one-refused": bite(
        "robustness-paging-and-size", {"robustness-paging-clamped"}
    ),
    "non-integer-paging-ignored": bite("robustness-paging-and-size", {"robustness-paging-invalid"}),
    "unknown-filter-attribute-matches-nothing": bite(
        "robustness-filters", {"robustness-filter-invalid"}
    ),
    "like-wildcards-unescaped": bite("robustness-filters", {"robustness-filter-literal"}),
    "filter-depth-unlimited": bite("robustness-filters", {"robustness-filter-depth"}),
    "unknown-patch-ops-ignored": bite("robustness-patch", {"robustness-patch-invalid"}),
    "patch-read-only-skipped": bite("robustness-patch", {"robustness-patch-readonly"}),
    "patch-partially-applied": bite("robustness-patch", {"robustness-patch-atomic"}),
    "create-echoes-request": bite("robustness-read-only", {"robustness-read-only-ignored"}),
    "conflict-without-scim-type": bite(
        "robustness-uniqueness", {"robustness-uniqueness"}, {"robustness-unicode-uniqueness"}
    ),
    "ascii-only-case-folding": bite("robustness-uniqueness", {"robustness-unicode-uniqueness"}),
    "malformed-id-400": bite("robustness-ids-and-methods", {"robustness-unknown-id"}),
    "second-delete-succeeds": bite("robustness-ids-and-methods", {"robustness-delete-twice"}),
    "unsupported-method-404": bite("robustness-ids-and-methods", {"robustness-method-not-allowed"}),
    "if-match-ignored": bite("robustness-etag", {"robustness-etag-stale"}),
}


@dataclass(frozen=True)
class Run:
    code: int
    tripped: frozenset[str]
    output: str


def urls(server: RunningServer, team: str) -> tuple[str, str]:
    return (
        server.url.replace("/t/acme/", f"/t/{team}/"),
        server.app_url.replace("/t/acme/", f"/t/{team}/"),
    )


def switch_on(server: RunningServer, team: str, names: list[str]) -> None:
    _, app_url = urls(server, team)
    response = server.app().put(f"{app_url}/faults", json={"faults": names}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["faults"] == sorted(names)


# --- in-process runs ------------------------------------------------------------------------------


@cache
def scenarios() -> tuple[Scenario, ...]:
    """The packaged scenarios, parsed once: parsing them all costs seconds."""
    return tuple(load_scenarios(ROOT / "scenarios"))


Item = tuple[Scenario, Profile]


def items(row: Bite) -> list[Item]:
    """What `scimcert run --idp <row.idp> --tags <row.tags>` runs: each scenario x profile."""
    tags = tuple(row.tags.split(","))
    return [
        (scenario, profile)
        for profile in select_profiles(row.idp)
        for scenario in scenarios()
        if applies(scenario, profile, tags)
    ]


def every_item(rows: Iterable[Bite]) -> list[Item]:
    """The items of all the rows, each once."""
    chosen = {(s.id, p.id): (s, p) for row in rows for s, p in items(row)}
    return list(chosen.values())


def findings(events: list[Event]) -> str:
    """The failed checks' findings, to read when a test fails."""
    return "\n".join(
        f"{e.item} {e.check}: {[f.get('message') for f in e.findings]}"
        for e in events
        if isinstance(e, CheckEvaluated) and not e.passed
    )


def run_items(server: RunningServer, team: str, chosen: list[Item], timeout: float) -> Run:
    """The items run in-process against the team, judged as `--fail-on warn` judges them."""
    scim_url, app_url = urls(server, team)
    state = RunState(RunSettings(url=scim_url, app_url=app_url, timeout=timeout, seed=7))
    events: list[Event] = []
    outcomes = [
        state.run_item(scenario, profile, events.append).outcome for scenario, profile in chosen
    ]
    tripped = {e.check for e in events if isinstance(e, CheckEvaluated) and not e.passed}
    return Run(exit_code(outcomes, fail_on_warn=True), frozenset(tripped), findings(events))


# --- the CLI, in a child process ------------------------------------------------------------------


def tripped_checks(report_dir: Path) -> frozenset[str]:
    """Checks that failed or warned: `CheckEvaluated` events with `passed: false`."""
    results = report_dir / "results.jsonl"
    if not results.exists():
        return frozenset()
    records = [json.loads(line) for line in results.read_text("utf-8").splitlines()]
    return frozenset(
        str(r["check"]) for r in records if r["event"] == "CheckEvaluated" and not r["passed"]
    )


def scenarios_tagged(tags: str, into: Path) -> Path:
    """A scenario directory with copies of the packaged files that carry one of the tags."""
    for scenario in scenarios():
        if set(scenario.tags) & set(tags.split(",")):
            copy = into / scenario.source.relative_to(ROOT / "scenarios")
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(scenario.source, copy)
    return into


def run_harness(server: RunningServer, team: str, row: Bite, out: Path) -> Run:
    """`scimcert run` as CI runs it; a scenario directory of its own, as parsing all costs."""
    scim_url, app_url = urls(server, team)
    report_dir = out / team / "report"
    env = {
        **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPYCACHEPREFIX": str(out / "pycache"),
        "SCIM_TOKEN": SCIM_TOKEN,
        "SCIM_APP_TOKEN": APP_TOKEN,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    command = [
        SCIMCERT, "run", "--url", scim_url, "--app-url", app_url, "--tags", row.tags,
        "--scenarios", str(scenarios_tagged(row.tags, out / team / "scenarios")),
        "--report-dir", str(report_dir), "--timeout", str(row.timeout), "--fail-on", "warn",
        "--idp", row.idp, "--seed", "7", "--json",
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    output = f"$ {' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return Run(done.returncode, tripped_checks(report_dir), output)


# --- the runs, made once for the module -----------------------------------------------------------


def add_teams(db: Path, teams: list[str]) -> None:
    engine = open_engine(f"sqlite:///{db}")
    for team in teams:
        add_team(engine, team, TokenSource(scim=SCIM_TOKEN, app=APP_TOKEN), lambda _: None)
    engine.dispose()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every fault's run, the clean one and the CLI one, a few at a time."""
    out = tmp_path_factory.mktemp("bite")
    cli_team = f"cli-{CLI_FAULT}"
    add_teams(out / "scimcert.db", [CLEAN, cli_team, *BITES])
    load_all()
    scenarios()
    server = start_server(out / "scimcert.db")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCIM_TOKEN", SCIM_TOKEN)
        patch.setenv("SCIM_APP_TOKEN", APP_TOKEN)
        try:
            for fault in BITES:
                switch_on(server, fault, [fault])
            switch_on(server, cli_team, [CLI_FAULT])
            with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
                # The slowest first: the clean run (every row's items) and the CLI child process.
                futures = {
                    CLEAN: pool.submit(run_items, server, CLEAN, every_item(BITES.values()), 15.0),
                    cli_team: pool.submit(run_harness, server, cli_team, BITES[CLI_FAULT], out),
                    **{
                        fault: pool.submit(run_items, server, fault, items(row), row.timeout)
                        for fault, row in BITES.items()
                    },
                }
                yield {name: future.result() for name, future in futures.items()}
        finally:
            server.stop()


def assert_bites(row: Bite, run: Run) -> None:
    assert run.code == 1, run.output
    assert row.must <= run.tripped, f"not tripped: {sorted(row.must - run.tripped)}\n{run.output}"
    unexpected = run.tripped - row.must - row.may
    assert not unexpected, f"also tripped: {sorted(unexpected)}\n{run.output}"


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(BITES))
def test_the_fault_trips_its_checks(runs: dict[str, Run], fault: str) -> None:
    assert_bites(BITES[fault], runs[fault])


@pytest.mark.slow
def test_the_cli_exits_1_on_a_fault(runs: dict[str, Run]) -> None:
    assert_bites(BITES[CLI_FAULT], runs[f"cli-{CLI_FAULT}"])


@pytest.mark.slow
def test_without_a_fault_the_same_scenarios_pass(runs: dict[str, Run]) -> None:
    run = runs[CLEAN]
    assert run.code == 0, run.output
    assert run.tripped == frozenset(), run.output


# --- the table itself ----------------------------------------------------------------------------


def test_every_row_is_a_registered_fault_with_at_most_two_extra_checks() -> None:
    # Faults for IdP dialects and load have their tables beside this one (test_okta_faults.py).
    assert set(BITES) <= set(faults.FAULTS)
    for fault, row in BITES.items():
        assert row.must and len(row.may) <= 2 and not row.must & row.may, fault
