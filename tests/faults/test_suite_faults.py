"""Every mandatory vendor test of a suite fails when the reference server breaks what it tests.

One reference server for the module, one team per fault (as `test_okta_faults.py`). Each row
runs the suite's items in-process against its fault's team, judges them as `scimcert run
--suite` does (`harness.suites`), and must find the row's vendor test FAILED (WARNING for an
optional one) and the overall result not passing, with a reason naming the test (except a
Microsoft optional test's WARNING, which blocks nothing and is not named). The same
suites without a fault reach the vendor's overall result end to end in
`tests/suites/test_suite_runs.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from harness.engine.session import RunSettings
from harness.suites.loading import load_suite
from harness.suites.results import Judged, TestResult, judge
from harness.suites.rules import RULES, Overall
from reference_server import faults
from tests.support.fault_runs import Run, fault_server, run_all, run_items, scenarios
from verdict.events import to_record

ENTRA, OKTA = "entra-gallery", "okta-oin"
CLEAN = "no-suite-fault"
# An allowed variant: a server with no roles to discover; its Entitlements step has nothing to page.
WITHOUT_ENTITLEMENTS = "no-entitlement-resource-types"
ENTITLEMENTS = (
    "SCIM 2.0 Entitlements Test: Duplicate the request for multiple Entitlement Endpoints"
)


@dataclass(frozen=True)
class Breaks:
    """A fault and the vendor test (by its label: `part: name` where the suite has parts) that
    it must make fail."""

    suite: str
    test: str
    fault: str
    blocks: bool = True  # False: Microsoft's optional test, whose WARNING blocks nothing


# suite, vendor test -> the fault that breaks it. Mandatory tests no fault targets alone are
# listed in docs/coverage/entra-gallery.md and docs/coverage/okta-oin.md.
SUITE_BITES = [
    Breaks(ENTRA, "Create_User_Test", "eq-filter-finds-nothing"),
    Breaks(ENTRA, "Update_User_Test", "capitalised-ops-rejected"),
    Breaks(ENTRA, "Disable_User_Test", "string-booleans-rejected"),
    Breaks(ENTRA, "Delete_User_Test", "delete-refused", blocks=False),
    Breaks(ENTRA, "User_Update_Manager_Test", "manager-string-refused"),
    Breaks(ENTRA, "Restore_User_Test", "reactivation-ignored"),
    Breaks(ENTRA, "Create_Group_Test", "excluded-attributes-ignored-on-groups"),
    Breaks(ENTRA, "Update_Group_Test", "group-replace-ignored"),
    Breaks(ENTRA, "Delete_Group_Test", "delete-not-deleting", blocks=False),
    Breaks(ENTRA, "Group_Update_Add_Member_Test", "member-add-keeps-first"),
    Breaks(ENTRA, "Group_Update_Remove_Member_Test", "member-removal-value-list-ignored"),
    Breaks(ENTRA, "Schema_Discoverability_Test", "user-schema-unlisted"),
    Breaks(ENTRA, "SCIM_Null_Update_Test", "empty-replace-ignored"),
    Breaks(ENTRA, "SCIM_User_Create_Test", "pascal-case-names"),
    Breaks(ENTRA, "SCIM_Group_Create_Test", "pascal-case-names"),
    Breaks(ENTRA, "SCIM_User_Update_Test", "patch-only-active"),
    Breaks(ENTRA, "SCIM_Group_Update_Test", "group-replace-ignored"),
    Breaks(ENTRA, "Validate_Credentials_Test", "token-lifetime-out-of-range"),
    Breaks(ENTRA, "Validate_Credentials_Test", "issued-token-unknown"),
    Breaks(ENTRA, "SCIM_User_Pagination_Test", "paging-ignored"),
    Breaks(ENTRA, "SCIM_Group_Pagination_Test", "paging-ignored", blocks=False),
    Breaks(ENTRA, "SCIM_Update_Manager_Test", "manager-string-refused"),
    Breaks(ENTRA, "Restore_Group_Test", "delete-not-deleting", blocks=False),
    Breaks(OKTA, "SCIM 2.0 SPEC Test: Required Test: Test Users endpoint", "user-list-abbreviated"),
    Breaks(OKTA, "SCIM 2.0 SPEC Test: Required Test: Get Users/{{id}}", "read-omits-name"),
    Breaks(
        OKTA, "SCIM 2.0 SPEC Test: Required Test: Test invalid User by username", "filter-miss-404"
    ),
    Breaks(OKTA, "SCIM 2.0 SPEC Test: Required Test: Test invalid User by ID", "unknown-id-400"),
    Breaks(
        OKTA,
        "SCIM 2.0 SPEC Test: Required Test: Make sure random user doesn't exist",
        "filter-miss-404",
    ),
    Breaks(
        OKTA,
        "SCIM 2.0 SPEC Test: Required Test: Create Okta user with realistic values",
        "lowercase-user-name",
    ),
    Breaks(
        OKTA, "SCIM 2.0 SPEC Test: Required Test: Verify that user was created", "read-omits-name"
    ),
    Breaks(
        OKTA,
        "SCIM 2.0 SPEC Test: Required Test: Expect failure when recreating user with same values",
        "conflict-as-400",
    ),
    Breaks(
        OKTA,
        "SCIM 2.0 SPEC Test: Required Test: Username Case Sensitivity Check",
        "user-name-case-fallback-crashes",
    ),
    Breaks(OKTA, "SCIM 2.0 SPEC Test: Optional Test: Verify Groups endpoint", "slow-group-list"),
    Breaks(OKTA, "SCIM 2.0 SPEC Test: Required Test: Check status 401", "auth-not-enforced"),
    Breaks(OKTA, "SCIM 2.0 SPEC Test: Required Test: Check status 404", "unknown-id-400"),
    Breaks(OKTA, "SCIM 2.0 CRUD Test: Assign user to SCIM App", "user-create-answers-200"),
    Breaks(
        OKTA, "SCIM 2.0 CRUD Test: Verify if user is created in SCIM App", "user-list-abbreviated"
    ),
    Breaks(OKTA, "SCIM 2.0 CRUD Test: Update user firstname", "put-read-only-refused"),
    Breaks(
        OKTA, "SCIM 2.0 CRUD Test: Verify firstname update in SCIM App", "put-read-only-refused"
    ),
    Breaks(OKTA, "SCIM 2.0 CRUD Test: Deactivate user in Okta", "user-patch-answers-202"),
    Breaks(
        OKTA,
        "SCIM 2.0 CRUD Test: Verify if user is deactivated in SCIM App",
        "pathless-patch-ignored",
    ),
    Breaks(OKTA, "SCIM 2.0 CRUD Test: Reactivate user in okta", "user-patch-answers-202"),
    Breaks(
        OKTA,
        "SCIM 2.0 CRUD Test: Verify if user is reactivated in SCIM App",
        "reactivation-ignored",
    ),
    Breaks(
        OKTA,
        "SCIM 2.0 CRUD Test: Removes an assignment for a user in Okta",
        "user-patch-answers-202",
    ),
    Breaks(OKTA, ENTITLEMENTS, "entitlement-count-ignored"),
]


@cache
def suite_items(name: str) -> list[Any]:
    """What `scimcert run --suite NAME` runs: the suite's scenarios under its profiles."""
    suite = load_suite(name)
    settings = RunSettings(url="", profile_ids=suite.profiles, scenario_ids=suite.scenario_ids)
    return [(s, p) for p in settings.profiles() for s in scenarios() if settings.selects(s, p)]


def judged(name: str, run: Run) -> tuple[dict[str, Judged], Overall]:
    suite = load_suite(name)
    planned = [f"{s.id}[{p.id}]" for s, p in suite_items(name)]
    tests = judge(suite, [to_record(event) for event in run.events], planned)
    by_label: dict[str, Judged] = {}
    for one in tests:  # a repeated step name (Okta's CRUD test) is judged by its first run
        by_label.setdefault(one.test.label, one)
    return by_label, RULES[suite.rule](tests)


def _team(fault: str) -> str:
    return fault.replace("-", "")[:24] + "t"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], Run]]:
    wanted = {(row.suite, row.fault) for row in SUITE_BITES}
    wanted |= {(ENTRA, CLEAN), (OKTA, CLEAN), (OKTA, WITHOUT_ENTITLEMENTS)}
    teams = {_team(fault): [] if fault == CLEAN else [fault] for _, fault in wanted}
    with fault_server(tmp_path_factory.mktemp("suite-faults"), teams) as server:
        jobs = {
            f"{name} {fault}": (
                lambda name=name, fault=fault: run_items(
                    server, _team(fault), suite_items(name), 15.0
                )
            )
            for name, fault in sorted(wanted)
        }
        done = run_all(jobs)
        yield {(name, fault): done[f"{name} {fault}"] for name, fault in wanted}


def test_the_table_names_registered_faults_and_every_mandatory_test() -> None:
    assert {row.fault for row in SUITE_BITES} <= set(faults.FAULTS)
    for name in (ENTRA, OKTA):
        labels = {test.label for test in load_suite(name).tests}
        rows = {row.test for row in SUITE_BITES if row.suite == name}
        assert rows <= labels, rows - labels


def test_without_a_fault_each_suite_passes(runs: dict[tuple[str, str], Run]) -> None:
    for name in (ENTRA, OKTA):
        tests, overall = judged(name, runs[(name, CLEAN)])
        assert overall.passed, (overall, runs[(name, CLEAN)].output)
        assert {t.result for t in tests.values()} == {TestResult.PASSED, TestResult.SKIPPED}
    okta, _ = judged(OKTA, runs[(OKTA, CLEAN)])
    assert okta[ENTITLEMENTS].result is TestResult.PASSED, okta[ENTITLEMENTS]


def test_a_server_listing_no_entitlement_type_skips_the_entitlements_step_with_why(
    runs: dict[tuple[str, str], Run],
) -> None:
    tests, overall = judged(OKTA, runs[(OKTA, WITHOUT_ENTITLEMENTS)])
    step = tests[ENTITLEMENTS]
    assert step.result is TestResult.SKIPPED, step
    assert "lists no resource type beyond User and Group" in step.detail, step
    assert overall.passed, overall


@pytest.mark.parametrize("row", SUITE_BITES, ids=lambda row: f"{row.suite}:{row.test}:{row.fault}")
def test_the_fault_fails_the_vendor_test_and_the_suite(
    row: Breaks, runs: dict[tuple[str, str], Run]
) -> None:
    tests, overall = judged(row.suite, runs[(row.suite, row.fault)])
    test = tests[row.test]
    expected = TestResult.WARNING if test.test.optional else TestResult.FAILED
    assert test.result is expected, (test, runs[(row.suite, row.fault)].output)
    named = any(test.test.name.strip() in reason for reason in overall.reasons)
    assert named is row.blocks, overall
    assert overall.passed is False or not row.blocks
