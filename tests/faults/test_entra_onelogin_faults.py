"""Every Entra, OneLogin and Ping quirk has a scenario that fails when the server mishandles it.

As in `test_checks_bite.py`: one reference server for the module, one team per fault switched on
through the app probe (`PUT /faults`), one run per fault on the scenarios its row names, under
the profiles that send the quirk. Each run must exit 1 with the fault's checks failing, nothing
outside `must | may`, and exactly the expected items (the dialect that sends the quirk) failing:
the other dialects, run beside it, pass. The same scenarios without a fault all pass. Runs go
in-process (`fault_runs.py`), a few at a time.
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

PROFILES = "entra,onelogin,ping"  # the entra family is entra, entra-2020 and entra-validator
CLEAN = "no-dialect-fault"


@dataclass(frozen=True)
class Quirk:
    """A fault's run, and the items (scenario[profile]) that must be the ones failing."""

    bite: Bite
    failing: frozenset[str]


def quirk(ids: str, must: set[str], failing: set[str], may: set[str] | None = None) -> Quirk:
    return Quirk(bite(ids, must, may or (), idp=PROFILES), frozenset(failing))


def entra_items(scenario: str) -> set[str]:
    """`entra/<scenario>` under each Entra profile: the family runs every Entra scenario."""
    return entra_items_of(f"entra/{scenario}")


def entra_items_of(scenario_id: str) -> set[str]:
    return {f"{scenario_id}[{p}]" for p in ("entra", "entra-2020", "entra-validator")}


QUIRKS: dict[str, Quirk] = {
    # entra_onelogin.md 1.4 step 4: only the default job capitalises its ops.
    "capitalised-ops-rejected": quirk(
        "entra/attribute-update", {"entra-attribute-update"}, {"entra/attribute-update[entra]"}
    ),
    # 1.4 step 6: only the default job disables with "False".
    "string-booleans-rejected": quirk(
        "entra/soft-delete", {"entra-soft-delete"}, {"entra/soft-delete[entra]"}
    ),
    # 1.5: only the default job removes by a value list; the flag, the validator and OneLogin
    # (4.3 step 5, the RFC's form assumed) remove by filter, and pass beside it.
    "member-removal-value-list-ignored": quirk(
        "entra/groups,onelogin/groups", {"entra-members-removed"}, {"entra/groups[entra]"}
    ),
    # 1.6: only the flag collapses attributes into dotted and URN keys.
    "dotted-keys-ignored": quirk(
        "entra/attribute-update", {"entra-attribute-update"}, {"entra/attribute-update[entra-2020]"}
    ),
    # 4.3 steps 3-4: OneLogin updates and suspends by PUT.
    "put-server-error": quirk(
        "onelogin/enterprise-template,onelogin/update-put",
        {"onelogin-put-update", "no-server-error"},
        {"onelogin/update-put[onelogin]", "onelogin/enterprise-template[onelogin]"},
        {"onelogin-suspend", "put-keeps-active"},
    ),
    # 1.1, 1.4 step 7: every Entra profile re-creates a hard-deleted userName.
    "recreate-after-delete-refused": quirk(
        "entra/hard-delete-recreate",
        {"entra-recreate-after-delete"},
        entra_items("hard-delete-recreate"),
    ),
    # 1.3: Test Connection wants 200 and an empty list; OneLogin (4.3 step 1) takes a 404 too.
    "filter-miss-404": quirk(
        "entra/test-connection,onelogin/test-connection",
        {"entra-test-connection"},
        entra_items("test-connection"),
        {"schema-valid", "list-response-consistent"},
    ),
    # 4.3 step 1: a 500 fails OneLogin's connection test (and Entra's, with more checks).
    "filter-miss-server-error": quirk(
        "onelogin/test-connection",
        {"onelogin-test-connection", "no-server-error"},
        {"onelogin/test-connection[onelogin]"},
    ),
    # 1.1, 1.4 step 1: the next cycle's userName (or externalId) query must find the user.
    "eq-filter-finds-nothing": quirk(
        "entra/match-and-create",
        {"entra-match-existing"},
        entra_items("match-and-create"),
        {"schema-valid"},
    ),
    # 1.4 step 2: Entra creates users with the enterprise extension.
    "enterprise-extension-ignored-on-create": quirk(
        "entra/match-and-create", {"entra-create-enterprise"}, entra_items("match-and-create")
    ),
    # 1.4 step 2 (Example 2's nulls) and 4.2 (OneLogin's `"id": null`).
    "null-values-refused": quirk(
        "entra/create-tolerance,onelogin/enterprise-template",
        {"entra-create-tolerates-nulls", "onelogin-template-accepted"},
        entra_items("create-tolerance") | {"onelogin/enterprise-template[onelogin]"},
    ),
    # 1.4 step 5: the service sends the manager as a string; the validator as {value} (3.1).
    "manager-string-refused": quirk(
        "entra/manager",
        {"entra-manager-reference"},
        {"entra/manager[entra]", "entra/manager[entra-2020]"},
    ),
    # 3.1 test 11: only the validator removes the manager with `remove`; the others replace "".
    "extension-attribute-remove-ignored": quirk(
        "entra/manager", {"entra-manager-removed"}, {"entra/manager[entra-validator]"}
    ),
    # 1.4 step 8: every Entra profile PATCHes roles.
    "roles-patch-refused": quirk("entra/roles", {"entra-roles-ignored"}, entra_items("roles")),
    # 1.5: Entra reads groups with excludedAttributes=members.
    "excluded-attributes-ignored-on-groups": quirk(
        "entra/groups", {"entra-excluded-members"}, entra_items("groups")
    ),
    # 1.3, 1.7: Entra pages /Users with startIndex and count, whatever filter support says.
    "paging-ignored": quirk(
        "checks/idp-user-filter", {"idp-user-paging"}, entra_items_of("checks/idp-user-filter")
    ),
    # 1.5: several members in one PATCH.
    "member-add-keeps-first": quirk(
        "entra/groups", {"entra-group-batch-add"}, entra_items("groups")
    ),
    # 4.4: "Refresh" lists /Groups without a filter; the rules' PATCH then lacks the group's id,
    # which fails the item (the catalogue's fault), not an error of the harness.
    "unfiltered-group-list-empty": quirk(
        "onelogin/groups", {"onelogin-group-catalogue"}, {"onelogin/groups[onelogin]"}
    ),
    # 4.1, 4.3 step 4: Suspend is a PUT with active false.
    "put-ignores-active": quirk(
        "onelogin/deprovision,onelogin/enterprise-template",
        {"onelogin-suspend", "onelogin-deprovision"},
        {"onelogin/deprovision[onelogin]", "onelogin/enterprise-template[onelogin]"},
    ),
    # 4.3 step 3: updates are PUTs of the whole template.
    "put-drops-name": quirk(
        "onelogin/update-put", {"onelogin-put-update"}, {"onelogin/update-put[onelogin]"}
    ),
    # 5 (Ping): the admin's filter expression `username Eq "%s"`.
    "case-sensitive-filter": quirk(
        "ping/remove-user", {"ping-filter-expression"}, {"ping/remove-user[ping]"}
    ),
}


def all_scenarios() -> str:
    return ",".join(
        sorted({s for row in QUIRKS.values() for s in row.bite.scenario_ids.split(",")})
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    teams = {CLEAN: [], **{fault: [fault] for fault in QUIRKS}}
    with fault_server(tmp_path_factory.mktemp("dialect-bite"), teams) as server:
        # The clean run, every scenario, is the longest: it goes first, not last.
        clean = partial(run_items, server, CLEAN, items(all_scenarios(), PROFILES), 15.0)
        quirks = {name: partial(run_row, server, name, row.bite) for name, row in QUIRKS.items()}
        yield run_all({CLEAN: clean, **quirks})


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(QUIRKS))
def test_the_fault_fails_the_dialect_that_sends_the_quirk(runs: dict[str, Run], fault: str) -> None:
    row, run = QUIRKS[fault], runs[fault]
    assert_bites(row.bite, run)
    assert run.failed == row.failing, run.output


@pytest.mark.slow
def test_without_a_fault_the_dialect_scenarios_pass(runs: dict[str, Run]) -> None:
    run = runs[CLEAN]
    assert run.code == 0, run.output
    assert run.tripped == frozenset() and run.failed == frozenset(), run.output


def test_every_quirk_is_a_registered_fault_with_at_most_two_extra_checks() -> None:
    assert_well_formed({name: row.bite for name, row in QUIRKS.items()}, faults.FAULTS)
