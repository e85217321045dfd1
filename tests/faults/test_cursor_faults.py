"""Every RFC 9865 cursor check fails when the reference server breaks its rule, and only a server
that advertises cursors is graded on them.

As in `test_okta_faults.py`: one reference server for the module (its cursors living 2 seconds,
so that `core/cursor-expiry` runs), one team per fault switched on through the app probe, one
in-process run per fault on the scenarios its row names. Each run must end with exit code 1
(`--fail-on warn`: the error codes of RFC 9865 2.1 are a SHOULD) and the fault's checks failing,
nothing outside `must | may`. Without a fault both scenarios pass; with the advertisement gone
both are SKIPped with the reason, not failed.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from reference_server import faults
from tests.support.fault_runs import (
    Bite,
    Run,
    assert_bites,
    assert_well_formed,
    bite,
    finished,
    run_table,
)
from verdict.outcomes import Outcome

PAGING = "core/cursor-paging"
EXPIRY = "core/cursor-expiry"
BOTH = f"{PAGING},{EXPIRY}"
CLEAN = "cursor-clean"  # a team with no fault on
NOT_ADVERTISED = "cursor-not-advertised"


def paging(must: Iterable[str], may: Iterable[str] = ()) -> Bite:
    return bite(PAGING, must, may)


CURSOR_BITES: dict[str, Bite] = {
    # No nextCursor on page 1: the pages after it are blocked; the never-issued cursor, dropped
    # too, gets a 200.
    "cursor-ignored": paging({"cursor-first-page"}, {"cursor-invalid"}),
    "cursor-never-ends": paging({"cursor-round-trip"}),
    # Two resources for count=1: page 1's own expectation fails with it, and page 2 ends early.
    "cursor-page-overfilled": paging(
        {"cursor-page-size"}, {"cursor-first-page", "cursor-round-trip"}
    ),
    "cursor-max-page-size-unheld": paging({"cursor-page-size"}),
    "cursor-count-zero-ignored": paging({"cursor-count-zero"}),
    "cursor-previous-on-first-page": paging({"cursor-no-previous-first-page"}),
    "cursor-reserved-characters": paging({"cursor-unreserved"}),
    "cursor-garbage-accepted": paging({"cursor-invalid"}),
    "cursor-expiry-as-invalid": bite(EXPIRY, {"cursor-expired"}),
    # The harness's ServiceProviderConfig schema holds the pagination block to RFC 9865 4.
    "pagination-malformed": bite("core/discovery", {"schema-valid"}),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    controls = {
        CLEAN: ((), bite(BOTH, {"none"})),
        NOT_ADVERTISED: ([NOT_ADVERTISED], bite(BOTH, {"none"})),
    }
    folder = tmp_path_factory.mktemp("cursor-bite")
    return run_table(folder, CURSOR_BITES, controls, "--cursor-timeout", "2")


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(CURSOR_BITES))
def test_the_fault_fails_its_cursor_check(runs: dict[str, Run], fault: str) -> None:
    assert_bites(CURSOR_BITES[fault], runs[fault])


@pytest.mark.slow
def test_the_reference_server_passes_both_cursor_scenarios(runs: dict[str, Run]) -> None:
    run = runs[CLEAN]
    assert (run.code, run.tripped, run.failed) == (0, frozenset(), frozenset()), run.output
    assert {s: e.outcome for s, e in finished(run).items()} == {
        PAGING: Outcome.PASS,
        EXPIRY: Outcome.PASS,
    }


@pytest.mark.slow
def test_a_server_that_does_not_advertise_cursors_is_skipped_not_failed(
    runs: dict[str, Run],
) -> None:
    run = runs[NOT_ADVERTISED]
    # Exit code 4: a run that verified nothing gives no verdict, and is no failure either.
    assert (run.code, run.tripped) == (4, frozenset()), run.output
    for scenario, item in finished(run).items():
        assert item.outcome is Outcome.SKIP, (scenario, item.reason)
        assert "does not advertise RFC 9865 cursor pagination" in item.reason


def test_every_cursor_fault_is_registered_with_at_most_two_extra_checks() -> None:
    assert_well_formed(CURSOR_BITES, faults.FAULTS)
    assert NOT_ADVERTISED in faults.FAULTS
