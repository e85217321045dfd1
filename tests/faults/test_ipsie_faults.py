"""Every check of the OpenID IPSIE AL1 SCIM profile fails when the reference server breaks its
rule, and the pack is graded only when the run asks for it (docs/ipsie-profile.md).

As in `test_interop_faults.py`: one reference server for the module (the default server: the
profile asks nothing of it that contradicts what it does), one team per fault switched on through
the app probe, one in-process run per fault on the scenario its row names (a run that names
`ipsie/...` scenarios asks for the profile). Each run must end with exit code 1 and the fault's
checks failing, nothing outside `must | may`. Without a fault every IPSIE scenario passes; a run
that does not ask for the profile SKIPs the pack with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine.session import RunSettings
from harness.engine.target import IPSIE, NOT_ASKED_IPSIE
from reference_server import faults
from tests.support.fault_runs import (
    Bite,
    Run,
    assert_bites,
    assert_pack_passes,
    assert_well_formed,
    bite,
    fault_server,
    finished,
    run_items,
    run_table,
    scenarios,
)
from verdict.outcomes import Outcome
from verdict.questions import IPSIE as IPSIE_QUESTION
from verdict.questions import IPSIE_DRAFT_URL, Graded, answers, question_of

DISCOVERY = "ipsie/discovery"
FILTERS = "ipsie/user-filters"
LIFECYCLE = "ipsie/user-lifecycle"
ACCESS = "ipsie/deactivation-access"
GROUPS = "ipsie/groups"
PAGING = "ipsie/group-paging"
TOKEN = "ipsie/token-scope"
JWT = "ipsie/jwt-client-auth"
PACK = ",".join((DISCOVERY, FILTERS, LIFECYCLE, ACCESS, GROUPS, PAGING, TOKEN, JWT))
CLEAN = "ipsie-clean"  # a team with no fault on

IPSIE_BITES: dict[str, Bite] = {
    # Faults of other tables that break a rule the profile tightens.
    "users-resource-type-unlisted": bite(DISCOVERY, {"ipsie-resource-types-user-group"}),
    "service-provider-config-without-patch": bite(DISCOVERY, {"ipsie-config-patch-filter"}),
    # `eq` is in all three filters; the profile's two others fail with it.
    "eq-filter-finds-nothing": bite(
        FILTERS,
        {"ipsie-user-filter-username"},
        {"ipsie-user-filter-external-id", "ipsie-user-filter-email"},
    ),
    "ipsie-external-id-filter-refused": bite(FILTERS, {"ipsie-user-filter-external-id"}),
    "ipsie-email-value-filter-refused": bite(FILTERS, {"ipsie-user-filter-email"}),
    "patch-only-active": bite(LIFECYCLE, {"ipsie-user-patch"}),
    # Reactivation answered 200 and not done: inactive over SCIM, and still no sign-in.
    "reactivation-ignored": bite(f"{LIFECYCLE},{ACCESS}", {"ipsie-reactivation"}),
    "recreate-after-delete-refused": bite(LIFECYCLE, {"ipsie-recreate-after-delete"}),
    "deactivation-ignored": bite(ACCESS, {"ipsie-deactivation-revokes-access"}),
    "group-adds-ignored": bite(
        GROUPS, {"ipsie-group-members-add"}, {"ipsie-group-member-remove-one"}
    ),
    "excluded-attributes-ignored-on-groups": bite(GROUPS, {"ipsie-group-get-without-members"}),
    # Removals ignored: the later removal of all members still leaves one.
    "group-removes-ignored": bite(
        GROUPS, {"ipsie-group-member-remove-one"}, {"ipsie-group-members-remove-all"}
    ),
    "ipsie-remove-all-members-ignored": bite(GROUPS, {"ipsie-group-members-remove-all"}),
    "paging-ignored": bite(PAGING, {"ipsie-groups-paginated"}),
    "token-scope-without-scim": bite(TOKEN, {"ipsie-token-scope-scim"}),
    # JWT client authentication (RFC 7523): one rule of its section 3 skipped, or none taken.
    "jwt-signature-unchecked": bite(JWT, {"ipsie-jwt-forged-refused"}),
    "jwt-expiry-unchecked": bite(JWT, {"ipsie-jwt-expired-refused"}),
    "jwt-audience-unchecked": bite(JWT, {"ipsie-jwt-audience-refused"}),
    "jwt-client-auth-unsupported": bite(JWT, {"ipsie-jwt-client-auth"}),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    controls = {CLEAN: ((), bite(PACK, {"none"}))}
    return run_table(tmp_path_factory.mktemp("ipsie-bite"), IPSIE_BITES, controls)


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(IPSIE_BITES))
def test_the_fault_fails_its_ipsie_check(runs: dict[str, Run], fault: str) -> None:
    assert_bites(IPSIE_BITES[fault], runs[fault])


@pytest.mark.slow
def test_the_reference_server_passes_the_pack(runs: dict[str, Run]) -> None:
    assert_pack_passes(runs[CLEAN], PACK)


@pytest.mark.slow
def test_a_run_that_does_not_ask_skips_the_pack(tmp_path: Path) -> None:
    """A run that names neither the tag `ipsie` nor an `ipsie/...` scenario (a run of every
    scenario) SKIPs the pack's scenario with the reason, never fails it."""
    chosen = [
        (scenario, profile)
        for profile in RunSettings(url="", idp="rfc").profiles()
        for scenario in scenarios()
        if scenario.id == DISCOVERY
    ]
    with fault_server(tmp_path, {"plain": []}) as server:
        run = run_items(server, "plain", chosen, 15.0, scenario_ids=())
    assert (run.code, run.tripped) == (4, frozenset()), run.output
    assert [item.outcome for item in finished(run).values()] == [Outcome.SKIP]
    assert NOT_ASKED_IPSIE in finished(run)[DISCOVERY].reason


@pytest.mark.parametrize(
    ("tags", "scenario_ids", "asked"),
    [
        (("ipsie",), (), True),
        (("discovery", "ipsie"), (), True),
        ((), ("ipsie/groups",), True),
        (("discovery",), (), False),
        ((), ("core/discovery",), False),
        ((), (), False),
    ],
)
def test_the_profile_is_asked_for_by_its_tag_or_its_scenarios(
    tags: tuple[str, ...], scenario_ids: tuple[str, ...], asked: bool
) -> None:
    settings = RunSettings(url="", tags=tags, scenario_ids=scenario_ids)
    assert (IPSIE in settings.asked()) is asked


def test_the_ipsie_checks_answer_their_own_question() -> None:
    """A broken check of the profile fails the IPSIE question and leaves the RFC's alone."""
    ref = f"{IPSIE_DRAFT_URL}#section-3.2.2.3; RFC 7644 3.5.2.3"
    assert question_of(ref) == IPSIE_QUESTION
    verdicts = answers([Graded("RFC 7644 3.5.2", "MUST", True), Graded(ref, "MUST", False)])
    assert verdicts == {"rfc": Outcome.PASS, IPSIE_QUESTION: Outcome.FAIL}


def test_every_ipsie_fault_is_registered_with_at_most_two_extra_checks() -> None:
    assert_well_formed(IPSIE_BITES, faults.FAULTS)
