"""Each of Microsoft's gallery tests, as scimcert replays it, fails on a server that breaks it.

As in `test_entra_onelogin_faults.py`: one reference server for the module, one team per fault
switched on through the app probe, one run per fault on the `entra/gallery/*` scenarios its row
names, under the three Entra profiles. Each run must exit 1 with the fault's checks failing,
nothing outside `must | may`, and exactly the expected items failing. The same scenarios without a
fault all pass. The tests' requests and criteria: docs/idp/entra.md#gallery-validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import pytest

from reference_server import faults
from tests.support.fault_runs import (
    Bite,
    Run,
    assert_bites,
    assert_well_formed,
    bite,
    fault_server,
    items,
    run_all,
    run_items,
    run_row,
)

PROFILES = "entra"  # the family: entra, entra-2020 and entra-validator
CLEAN = "no-gallery-fault"


@dataclass(frozen=True)
class Gate:
    """A fault's run, and the items (scenario[profile]) that must be the ones failing."""

    bite: Bite
    failing: frozenset[str]


def gallery(tests: str) -> str:
    """`user-create,group-create` -> `entra/gallery/user-create,entra/gallery/group-create`."""
    return ",".join(f"entra/gallery/{test}" for test in tests.split(","))


def every_profile(tests: str) -> frozenset[str]:
    """Each scenario under each Entra profile: the direct tests send the same requests in all."""
    profiles = ("entra", "entra-2020", "entra-validator")
    return frozenset(f"{s}[{p}]" for s in gallery(tests).split(",") for p in profiles)


def gate(tests: str, must: set[str], may: set[str] | None = None) -> Gate:
    return Gate(bite(gallery(tests), must, may or (), idp=PROFILES), every_profile(tests))


GATES: dict[str, Gate] = {
    # SCIM_User_Create_Test, SCIM_Group_Create_Test: the name must come back as sent, and under its
    # name.
    "pascal-case-names": gate(
        "user-create,group-create", {"entra-gallery-create"}, {"canonical-attribute-names"}
    ),
    # Schema_Discoverability_Test: every mapped attribute is found in /Schemas.
    "user-schema-unlisted": gate("schema-discoverability", {"entra-gallery-schemas"}),
    # SCIM_User_Update_Test: each replaced attribute is read back.
    "patch-only-active": gate("user-update", {"entra-gallery-update"}),
    # SCIM_Group_Update_Test: displayName and externalId replaced on a group.
    "group-replace-ignored": gate("group-update", {"entra-gallery-update"}),
    # SCIM_Null_Update_Test: "" and null clear the attribute.
    "empty-replace-ignored": gate("null-update", {"entra-gallery-null-update"}),
    # SCIM_User_Pagination_Test and SCIM_Group_Pagination_Test: pages of 5 from startIndex 1.
    "paging-ignored": gate(
        "user-pagination,group-pagination", {"entra-gallery-paging", "entra-gallery-group-paging"}
    ),
    # SCIM_Update_Manager_Test: the manager's id arrives as a plain string.
    "manager-string-refused": gate("update-manager", {"entra-manager-reference"}),
    # Restore_User_Test (UnassignReassign): the re-assigned user is enabled again.
    "reactivation-ignored": gate("restore-user", {"entra-soft-delete"}),
    # Restore_Group_Test: the group is gone after the unassignment, then created anew.
    "delete-not-deleting": gate("restore-group", {"group-deleted", "group-created"}),
}


def all_scenarios() -> str:
    return ",".join(sorted({s for row in GATES.values() for s in row.bite.scenario_ids.split(",")}))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    teams = {CLEAN: [], **{fault: [fault] for fault in GATES}}
    with fault_server(tmp_path_factory.mktemp("gallery-bite"), teams) as server:
        clean = partial(run_items, server, CLEAN, items(all_scenarios(), PROFILES), 15.0)
        gates = {name: partial(run_row, server, name, row.bite) for name, row in GATES.items()}
        yield run_all({CLEAN: clean, **gates})


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(GATES))
def test_the_fault_fails_the_gallery_test_it_breaks(runs: dict[str, Run], fault: str) -> None:
    row, run = GATES[fault], runs[fault]
    assert_bites(row.bite, run)
    assert run.failed == row.failing, run.output


@pytest.mark.slow
def test_without_a_fault_the_gallery_scenarios_pass(runs: dict[str, Run]) -> None:
    run = runs[CLEAN]
    assert run.code == 0, run.output
    assert run.tripped == frozenset() and run.failed == frozenset(), run.output


def test_every_gate_is_a_registered_fault_with_at_most_two_extra_checks() -> None:
    assert_well_formed({name: row.bite for name, row in GATES.items()}, faults.FAULTS)
