"""Every check can fail: each deliberate fault of the reference server trips the checks it must.

One reference server for the module, one team per fault with that fault switched on through the
app probe (`PUT /faults`), and one run per fault on the scenarios its row names, under its IdP
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
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from reference_server import faults
from tests.support.fault_runs import (
    ROOT,
    Bite,
    Run,
    assert_bites,
    assert_well_formed,
    bite,
    every_item,
    fault_server,
    run_all,
    run_items,
    run_row,
    scenarios,
    urls,
)
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer

SCIMCERT = str(Path(sys.executable).with_name("scimcert"))
CLEAN = "no-fault"
# The fault whose run also goes through `scimcert run` in a child process (team `cli-<fault>`).
CLI_FAULT = "unknown-id-400"

# Fault -> the run that proves it, on the scenarios it names (`--scenario` ids): a scenario added
# later never joins in.
BITES: dict[str, Bite] = {
    # Always-on checks.
    "slow-service-provider-config": bite(
        "core/discovery",
        {"transport-complete"},
        {"discovery-service-provider-config", "schema-valid"},
        timeout=1.0,
    ),
    "server-error-on-read": bite("core/errors", {"no-server-error"}, {"unknown-id-404"}),
    "text-plain-media-type": bite("core/errors", {"json-media-type"}),
    "text-errors": bite(
        "core/errors",
        {"json-media-type", "error-body-is-scim"},
        {"schema-valid", "error-has-detail"},
    ),
    "error-status-number": bite("core/errors", {"error-body-is-scim"}, {"schema-valid"}),
    "no-schemas": bite("core/user-put", {"schemas-present"}, {"schema-valid"}),
    # Code checks.
    "emails-not-a-list": bite("core/user-lifecycle", {"schema-valid"}, {"user-readable"}),
    "pascal-case-names": bite("checks/user-representation", {"canonical-attribute-names"}),
    "items-per-page-wrong": bite("core/user-filter", {"list-response-consistent"}),
    "password-echoed": bite("checks/user-representation", {"password-never-returned"}),
    "no-location-header": bite("core/user-lifecycle", {"location-matches-meta"}),  # fails (MUST)
    # Only warns: RFC 7644 3.14 makes meta.version a SHOULD (these runs use --fail-on warn).
    "etag-mismatch": bite("core/user-lifecycle", {"etag-matches-version"}),
    # `detail` is OPTIONAL (RFC 7644 3.12): a MAY note, which never fails the run.
    "errors-without-detail": bite("core/errors", {"error-has-detail"}, code=0),
    # Expectations of the scenarios (catalogue.yaml).
    "service-provider-config-without-patch": bite(
        "core/discovery", {"discovery-service-provider-config"}, {"schema-valid"}
    ),
    "user-schema-unlisted": bite("core/discovery", {"discovery-schemas"}),
    "users-resource-type-unlisted": bite("core/discovery", {"discovery-resource-types"}),
    "create-omits-active": bite("core/user-lifecycle", {"user-created"}),
    "read-omits-name": bite("core/user-lifecycle", {"user-readable"}),
    "lowercase-user-name": bite("core/user-lifecycle", {"username-case-preserved"}),
    # Entra wants unique group displayNames (docs/idp/entra.md#groups): its validator's scenario.
    "conflict-as-400": bite(
        "core/user-uniqueness,entra/validator/groups-create",
        {"username-unique", "group-displayname-unique"},
        idp="rfc,entra-validator",
    ),
    "eq-filter-finds-nothing": bite(
        "core/user-filter", {"filter-eq-match"}, {"filter-case-insensitive"}
    ),
    "case-sensitive-filter": bite("core/user-filter", {"filter-case-insensitive"}),
    "filter-miss-404": bite(
        "core/user-filter", {"filter-no-match-empty"}, {"schema-valid", "list-response-consistent"}
    ),
    # scimType is OPTIONAL where no section names one (RFC 7644 3.12): a MAY note.
    "filter-error-wrong-scim-type": bite("core/user-filter", {"error-scim-type"}, code=0),
    "invalid-filter-matches-nothing": bite(
        "core/user-filter", {"filter-invalid-400"}, {"error-scim-type"}
    ),
    "paging-ignored": bite("core/user-paging", {"paging-window"}, {"list-response-consistent"}),
    "unknown-id-400": bite("core/errors", {"unknown-id-404"}),
    "auth-not-enforced": bite("core/errors", {"auth-required"}, {"error-has-detail"}),
    "put-merges": bite("core/user-put", {"put-replaces"}),
    "put-without-active-deactivates": bite("core/user-put", {"put-keeps-active"}),
    "patch-only-active": bite("core/user-lifecycle", {"patch-applies"}),
    "deactivation-deletes": bite("checks/deactivated-user", {"deactivation-keeps-user"}),
    "delete-not-deleting": bite(
        "core/user-lifecycle,core/groups", {"user-deleted", "group-deleted"}, {"error-has-detail"}
    ),
    "delete-refused": bite("core/user-put", {"leaked-resource"}),
    "provisioned-as-admin": bite("lifecycle/reactivate-resets-role", {"member-role-default"}),
    "deactivation-ignored": bite(
        "lifecycle/reactivate-resets-role", {"deactivation-removes-from-team"}
    ),
    "role-kept-on-reactivation": bite(
        "lifecycle/reactivate-resets-role", {"reactivation-resets-role"}, {"roles-match-app"}
    ),
    "access-lost-on-reactivation": bite(
        "lifecycle/reactivate-resets-role", {"reactivation-restores-access"}
    ),
    "roles-omitted": bite("lifecycle/reactivate-resets-role", {"roles-match-app"}),
    "group-create-drops-members": bite("core/groups", {"group-created"}, {"group-members-added"}),
    "group-adds-ignored": bite("core/groups", {"group-members-added"}, {"group-members-removed"}),
    "group-removes-ignored": bite("core/groups", {"group-members-removed"}),
    "reactivation-ignored": bite("core/user-lifecycle", {"reactivation-same-user"}),
    "group-filter-ignored": bite(
        "entra/validator/groups-filter", {"group-filter"}, idp="entra-validator"
    ),
    # Robustness probes (scenarios/robustness, docs/robustness.md, by category).
    "auth-challenge-missing": bite("robustness/auth", {"robustness-auth-refused"}),
    # RFC 7644 3.8 lets a server take other media types: refusing them is a MAY note.
    "content-type-ignored": bite("robustness/media-types", {"robustness-media-type"}, code=0),
    "json-constants-accepted": bite("robustness/malformed-json", {"robustness-malformed-json"}),
    "json-depth-unlimited": bite("robustness/malformed-json", {"robustness-json-depth"}),
    "long-integer-server-error": bite(
        "robustness/malformed-json", {"robustness-json-numbers", "no-server-error"}
    ),
    "schemas-not-required": bite("robustness/schemas-and-values", {"robustness-schemas-required"}),
    "attribute-names-case-sensitive": bite(
        "robustness/schemas-and-values", {"robustness-attribute-names-case"}
    ),
    "user-name-coerced-to-string": bite(
        "robustness/schemas-and-values", {"robustness-invalid-value"}
    ),
    "control-characters-stripped": bite(
        "robustness/schemas-and-values", {"robustness-control-characters"}
    ),
    # The page's own checks (schema, list counts) then judge the error body too. The refusal
    # itself only warns (robustness-page-clamped is a SHOULD, docs/robustness.md).
    "large-count-refused": bite(
        "robustness/paging-and-size",
        {"robustness-page-clamped"},
        {"schema-valid", "list-response-consistent"},
    ),
    "start-index-below-one-refused": bite(
        "robustness/paging-and-size", {"robustness-paging-clamped"}
    ),
    "non-integer-paging-ignored": bite("robustness/paging-and-size", {"robustness-paging-invalid"}),
    "known-attribute-bad-filter-matches-nothing": bite(
        "robustness/filters", {"robustness-filter-invalid"}
    ),
    "like-wildcards-unescaped": bite("robustness/filters", {"robustness-filter-literal"}),
    "filter-depth-unlimited": bite("robustness/filters", {"robustness-filter-depth"}),
    "unknown-patch-ops-ignored": bite("robustness/patch", {"robustness-patch-invalid"}),
    "patch-read-only-skipped": bite("robustness/patch", {"robustness-patch-readonly"}),
    "patch-partially-applied": bite("robustness/patch", {"robustness-patch-atomic"}),
    "create-echoes-request": bite("robustness/read-only", {"robustness-read-only-ignored"}),
    "conflict-without-scim-type": bite(
        "robustness/uniqueness", {"robustness-uniqueness"}, {"robustness-unicode-uniqueness"}
    ),
    # Fails: RFC 7644 7.8 makes the preparation before a uniqueness test a MUST.
    "ascii-only-case-folding": bite("robustness/uniqueness", {"robustness-unicode-uniqueness"}),
    "malformed-id-400": bite("robustness/ids-and-methods", {"robustness-unknown-id"}),
    "second-delete-succeeds": bite("robustness/ids-and-methods", {"robustness-delete-twice"}),
    "unsupported-method-404": bite("robustness/ids-and-methods", {"robustness-method-not-allowed"}),
    "if-match-ignored": bite("robustness/etag", {"robustness-etag-stale"}),
}


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


def scenarios_named(scenario_ids: str, into: Path) -> Path:
    """A scenario directory with copies of the packaged files of these scenarios."""
    for scenario in scenarios():
        if scenario.id in scenario_ids.split(","):
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
        SCIMCERT,
        "run",
        "--url",
        scim_url,
        "--app-url",
        app_url,
        "--scenario",
        row.scenario_ids,
        "--scenarios",
        str(scenarios_named(row.scenario_ids, out / team / "scenarios")),
        "--report-dir",
        str(report_dir),
        "--timeout",
        str(row.timeout),
        "--fail-on",
        "warn",
        "--idp",
        row.idp,
        "--seed",
        "7",
        "--json",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    output = f"$ {' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return Run(done.returncode, tripped_checks(report_dir), output=output)


# --- the runs, made once for the module -----------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every fault's run, the clean one and the CLI one, a few at a time."""
    out = tmp_path_factory.mktemp("bite")
    cli_team = f"cli-{CLI_FAULT}"
    teams = {CLEAN: [], cli_team: [CLI_FAULT], **{fault: [fault] for fault in BITES}}
    with fault_server(out, teams) as server:
        # The slowest first: the clean run (every row's items) and the CLI child process.
        yield run_all(
            {
                CLEAN: partial(run_items, server, CLEAN, every_item(BITES.values()), 15.0),
                cli_team: partial(run_harness, server, cli_team, BITES[CLI_FAULT], out),
                **{fault: partial(run_row, server, fault, row) for fault, row in BITES.items()},
            }
        )


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


def test_every_row_is_a_registered_fault_with_at_most_two_extra_checks() -> None:
    assert_well_formed(BITES, faults.FAULTS)
