"""Large membership changes and declared bulk limits (docs/group-limits.md): each check fails on
the fault that breaks its rule and holds on the clean reference server.

As in `test_cursor_faults.py`: one reference server for the module, a team per fault. Each bulk
fault lets one declared limit pass and holds the other, so each bulk check is seen both to fail
and to hold there too; under the allowed variant `bulk-unsupported` (no /Bulk, as SCIM allows)
the bulk checks are SKIPped with the reason, never failed.
"""

from __future__ import annotations

import pytest

from reference_server import faults
from tests.support.fault_runs import (
    Bite,
    Run,
    assert_bites,
    assert_well_formed,
    bite,
    run_table,
)
from verdict.events import CheckEvaluated, ItemFinished
from verdict.outcomes import Outcome

LARGE = "core/large-group"
BULK = "core/bulk-limits"
# The RFC client sends each change in one request, Okta's OIN client in PATCHes of 256 members,
# AIW as one PUT of the whole group: the fault must show under each.
IDPS = "rfc,okta-oin,okta-aiw"
CLEAN = "group-limits-clean"
NO_BULK = "bulk-unsupported"

GROUP_LIMIT_BITES: dict[str, Bite] = {
    "truncate-members": bite(LARGE, {"group-membership-applied-whole"}, idp=IDPS),
    "bulk-max-operations-ignored": bite(BULK, {"bulk-max-operations-413"}),
    "bulk-max-payload-ignored": bite(BULK, {"bulk-max-payload-413"}),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    controls = {
        CLEAN: ((), bite(f"{LARGE},{BULK}", {"none"}, idp=IDPS)),
        NO_BULK: ([NO_BULK], bite(BULK, {"none"})),
    }
    return run_table(tmp_path_factory.mktemp("group-limits-bite"), GROUP_LIMIT_BITES, controls)


def outcomes(run: Run) -> dict[str, Outcome]:
    return {e.item: e.outcome for e in run.events if isinstance(e, ItemFinished)}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(GROUP_LIMIT_BITES))
def test_the_fault_fails_its_group_limits_check(runs: dict[str, Run], fault: str) -> None:
    assert_bites(GROUP_LIMIT_BITES[fault], runs[fault])


@pytest.mark.slow
def test_members_beyond_the_first_hundred_dropped_fail_under_every_profile(
    runs: dict[str, Run],
) -> None:
    assert runs["truncate-members"].failed == {
        f"{LARGE}[rfc]",
        f"{LARGE}[okta-oin]",
        f"{LARGE}[okta-aiw]",
    }


@pytest.mark.slow
def test_the_reference_server_keeps_every_member_and_holds_its_bulk_limits(
    runs: dict[str, Run],
) -> None:
    run = runs[CLEAN]
    assert (run.code, run.tripped) == (0, frozenset()), run.output
    assert outcomes(run) == {
        f"{LARGE}[rfc]": Outcome.PASS,
        f"{LARGE}[okta-oin]": Outcome.PASS,
        f"{LARGE}[okta-aiw]": Outcome.PASS,
        f"{BULK}[rfc]": Outcome.PASS,
    }


@pytest.mark.slow
def test_a_server_without_bulk_is_skipped_with_the_reason_not_failed(runs: dict[str, Run]) -> None:
    run = runs[NO_BULK]
    # Exit code 4: a run that verified nothing gives no verdict, and is no failure either.
    assert (run.code, run.tripped) == (4, frozenset()), run.output
    (skipped,) = [e for e in run.events if isinstance(e, ItemFinished)]
    assert skipped.outcome is Outcome.SKIP
    assert "does not declare bulk.supported = true" in skipped.reason


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "held"),
    [
        ("bulk-max-operations-ignored", "bulk-max-payload-413"),
        ("bulk-max-payload-ignored", "bulk-max-operations-413"),
    ],
)
def test_a_server_holding_its_other_bulk_limit_passes_that_check(
    runs: dict[str, Run], fault: str, held: str
) -> None:
    graded = [e for e in runs[fault].events if isinstance(e, CheckEvaluated) and e.check == held]
    assert graded and all(e.passed for e in graded)


def test_every_group_limits_fault_is_registered() -> None:
    assert_well_formed(GROUP_LIMIT_BITES, faults.FAULTS)
