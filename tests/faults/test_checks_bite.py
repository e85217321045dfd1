"""Every check can fail: each deliberate fault of the reference server trips the checks it must.

One reference server for the module, one team per fault with that fault switched on through the
app probe (`PUT /faults`), and one `scimcert run` per fault, as a child process, on the scenarios
its tags select. A fault must trip every check in its `must` set and nothing outside `must | may`;
the same scenarios without any fault must all pass. Runs go a few at a time, each on a scenario
directory holding only the files its tags select (parsing the whole pack is most of a run's time).
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

from harness.scenario import load_scenarios
from reference_server import faults
from reference_server.storage.engine import open_engine
from reference_server.teams import TokenSource, add_team

ROOT = Path(__file__).resolve().parents[2]
SCIMCERT = str(Path(sys.executable).with_name("scimcert"))
PARALLEL_RUNS = 3
CLEAN = "no-fault"


@dataclass(frozen=True)
class Bite:
    """A fault's run: the scenario tags it needs, the checks it must trip, and those it may."""

    tags: str
    must: frozenset[str]
    may: frozenset[str] = frozenset()
    timeout: float = 15.0


def bite(tags: str, must: Iterable[str], may: Iterable[str] = (), timeout: float = 15.0) -> Bite:
    return Bite(tags, frozenset(must), frozenset(may), timeout)


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
    "conflict-as-400": bite("core-user-uniqueness", {"username-unique"}),
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
}


@dataclass(frozen=True)
class Run:
    code: int
    tripped: frozenset[str]
    output: str


def team_of(fault: str) -> str:
    return fault


def urls(server: RunningServer, team: str) -> tuple[str, str]:
    return (
        server.url.replace("/t/acme/", f"/t/{team}/"),
        server.app_url.replace("/t/acme/", f"/t/{team}/"),
    )


def tripped_checks(report_dir: Path) -> frozenset[str]:
    """Checks that failed or warned: `CheckEvaluated` events with `passed: false`."""
    results = report_dir / "results.jsonl"
    if not results.exists():
        return frozenset()
    records = [json.loads(line) for line in results.read_text("utf-8").splitlines()]
    return frozenset(
        str(r["check"]) for r in records if r["event"] == "CheckEvaluated" and not r["passed"]
    )


@cache
def packaged_scenarios() -> tuple[tuple[frozenset[str], Path], ...]:
    """Each packaged scenario file with its tags."""
    return tuple((frozenset(s.tags), s.source) for s in load_scenarios(ROOT / "scenarios"))


def scenarios_tagged(tags: str, into: Path) -> Path:
    """A scenario directory with copies of the packaged files that carry one of the tags."""
    for file_tags, source in packaged_scenarios():
        if file_tags & set(tags.split(",")):
            copy = into / source.relative_to(ROOT / "scenarios")
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
    return into


def run_harness(server: RunningServer, team: str, tags: str, timeout: float, out: Path) -> Run:
    scim_url, app_url = urls(server, team)
    report_dir = out / team / "report"
    scenarios = scenarios_tagged(tags, out / team / "scenarios")
    env = {
        **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
        # Bytecode (and pytest's rewritten modules) cached outside the tree and shared by the
        # runs: compiling everything again costs each run more than its scenarios do.
        "PYTHONPYCACHEPREFIX": str(out / "pycache"),
        "SCIM_TOKEN": SCIM_TOKEN,
        "SCIM_APP_TOKEN": APP_TOKEN,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    command = [
        SCIMCERT, "run", "--url", scim_url, "--app-url", app_url, "--tags", tags,
        "--scenarios", str(scenarios), "--report-dir", str(report_dir),
        "--timeout", str(timeout), "--fail-on", "warn", "--idp", "rfc", "--seed", "7", "--json",
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    output = f"$ {' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return Run(done.returncode, tripped_checks(report_dir), output)


def switch_on(server: RunningServer, team: str, names: list[str]) -> None:
    _, app_url = urls(server, team)
    response = server.app().put(f"{app_url}/faults", json={"faults": names}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["faults"] == sorted(names)


def all_tags() -> str:
    return ",".join(sorted({tag for row in BITES.values() for tag in row.tags.split(",")}))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every fault's run (and the clean one), made once for the module, a few at a time."""
    out = tmp_path_factory.mktemp("bite")
    db = out / "scimcert.db"
    engine = open_engine(f"sqlite:///{db}")
    tokens = TokenSource(scim=SCIM_TOKEN, app=APP_TOKEN)
    for team in [CLEAN, *map(team_of, BITES)]:
        add_team(engine, team, tokens, lambda _: None)
    engine.dispose()
    packaged_scenarios()  # parsed once, before the runs share it
    server = start_server(db)
    try:
        for fault in BITES:
            switch_on(server, team_of(fault), [fault])
        jobs = {fault: (team_of(fault), row.tags, row.timeout) for fault, row in BITES.items()}
        jobs[CLEAN] = (CLEAN, all_tags(), 15.0)
        with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
            futures = {
                name: pool.submit(run_harness, server, team, tags, timeout, out)
                for name, (team, tags, timeout) in jobs.items()
            }
            yield {name: future.result() for name, future in futures.items()}
    finally:
        server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(BITES))
def test_the_fault_trips_its_checks(runs: dict[str, Run], fault: str) -> None:
    row, run = BITES[fault], runs[fault]
    assert run.code == 1, run.output
    assert row.must <= run.tripped, f"not tripped: {sorted(row.must - run.tripped)}\n{run.output}"
    unexpected = run.tripped - row.must - row.may
    assert not unexpected, f"also tripped: {sorted(unexpected)}\n{run.output}"


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
