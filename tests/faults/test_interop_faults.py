"""Every check of the SCIM interoperability profile draft (-01) fails when the reference server
breaks its rule, and only a server that claims the profile is graded on them.

As in `test_cursor_faults.py`: one reference server for the module, here served with
`--interop-profile` (the claim and the strict rules on), one team per fault switched on through
the app probe, one in-process run per fault on the scenario its row names. Each run must end with
exit code 1 and the fault's checks failing, nothing outside `must | may`. Without a fault every
interop scenario passes; with the claim withdrawn they are SKIPped with the reason. A second
server, without `--interop-profile`, SKIPs the pack too, and its other scenarios still pass: its
default tolerance of what Okta and Entra send is untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
    run_row,
    run_table,
)
from verdict.outcomes import Outcome
from verdict.questions import INTEROP, Graded, answers, question_of

DISCOVERY = "interop/discovery"
EXTERNAL_ID = "interop/external-id-case"
STRICT = "interop/strict-writes"
UNIQUENESS = "interop/patch-uniqueness"
DELETED = "interop/deleted-resource"
FILTERS = "interop/filters"
SEMANTICS = "interop/patch-semantics"
PACK = ",".join((DISCOVERY, EXTERNAL_ID, STRICT, UNIQUENESS, DELETED, FILTERS, SEMANTICS))
CLEAN = "interop-clean"  # a team with no fault on
NOT_CLAIMED = "interop-profile-not-claimed"
# What the default server must still pass beside a skipped pack, though the profile refuses it:
# Okta OIN's path-less deactivation (its CRUD test) and the malformed schema URN of Entra's
# documented create.
DEFAULT_KEPT = "okta/crud-test,entra/create-tolerance"
DEFAULT_KEPT_IDPS = "okta-oin,entra"
NOT_CLAIMED_REASON = "does not claim the SCIM interoperability profile"

INTEROP_BITES: dict[str, Bite] = {
    "interop-claim-as-string": bite(DISCOVERY, {"interop-claim-boolean"}),
    "interop-resource-type-id-not-name": bite(DISCOVERY, {"interop-resource-type-id-is-name"}),
    "interop-schema-not-served": bite(DISCOVERY, {"interop-resource-type-schemas-served"}),
    "interop-json-media-type": bite(DISCOVERY, {"interop-scim-media-type"}),
    "interop-external-id-case-folded": bite(EXTERNAL_ID, {"interop-external-id-case-exact"}),
    "interop-unknown-attribute-ignored": bite(STRICT, {"interop-unknown-attribute-refused"}),
    "interop-pathless-patch-accepted": bite(STRICT, {"interop-patch-path-required"}),
    "interop-patch-conflict-400": bite(UNIQUENESS, {"interop-patch-uniqueness"}),
    # The user kept, its userName is still taken.
    "interop-delete-deactivates": bite(
        DELETED, {"interop-deleted-not-found"}, {"interop-identifiers-reusable"}
    ),
    "interop-unknown-filter-attribute-matches-nothing": bite(
        FILTERS, {"interop-filter-unknown-attribute"}
    ),
    "interop-filter-and-refused": bite(FILTERS, {"interop-filter-eq-and"}),
    "interop-page-capped-at-2": bite(FILTERS, {"interop-count-100"}),
    "interop-complex-replace-merges": bite(SEMANTICS, {"interop-patch-complex-replace"}),
    "interop-complex-add-replaces": bite(SEMANTICS, {"interop-patch-complex-add-merges"}),
    # Replaced, not appended to: the later replace of emails still leaves one entry.
    "interop-multi-add-replaces": bite(SEMANTICS, {"interop-patch-multi-add-appends"}),
    "interop-multi-replace-appends": bite(SEMANTICS, {"interop-patch-multi-replace"}),
    # A fault of Entra's table (Restore_User), the rule section 6.6 of the profile states.
    "recreate-after-delete-refused": bite(DELETED, {"interop-identifiers-reusable"}),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    controls = {
        CLEAN: ((), bite(PACK, {"none"})),
        NOT_CLAIMED: ([NOT_CLAIMED], bite(PACK, {"none"})),
    }
    folder = tmp_path_factory.mktemp("interop-bite")
    return run_table(folder, INTEROP_BITES, controls, "--interop-profile")


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(INTEROP_BITES))
def test_the_fault_fails_its_interop_check(runs: dict[str, Run], fault: str) -> None:
    assert_bites(INTEROP_BITES[fault], runs[fault])


@pytest.mark.slow
def test_the_interop_reference_server_passes_the_pack(runs: dict[str, Run]) -> None:
    assert_pack_passes(runs[CLEAN], PACK)


@pytest.mark.slow
def test_a_server_that_withdraws_the_claim_is_skipped_not_failed(runs: dict[str, Run]) -> None:
    run = runs[NOT_CLAIMED]
    # Exit code 4: a run that verified nothing gives no verdict, and is no failure either.
    assert (run.code, run.tripped) == (4, frozenset()), run.output
    for scenario, item in finished(run).items():
        assert item.outcome is Outcome.SKIP, (scenario, item.reason)
        assert NOT_CLAIMED_REASON in item.reason


@pytest.mark.slow
def test_the_default_server_skips_the_pack_and_keeps_its_tolerance(tmp_path: Path) -> None:
    """Without `--interop-profile` nothing is claimed: the pack SKIPs with the reason, and the
    scenarios that send what the profile would refuse pass as before."""
    with fault_server(tmp_path, {"plain": []}) as server:
        pack = run_row(server, "plain", bite(PACK, {"none"}))
        kept = run_row(server, "plain", bite(DEFAULT_KEPT, {"none"}, idp=DEFAULT_KEPT_IDPS))
    assert (pack.code, pack.tripped) == (4, frozenset()), pack.output
    assert {item.outcome for item in finished(pack).values()} == {Outcome.SKIP}
    assert all(NOT_CLAIMED_REASON in item.reason for item in finished(pack).values())
    assert (kept.code, kept.tripped, kept.failed) == (0, frozenset(), frozenset()), kept.output


def test_the_interop_checks_answer_their_own_question() -> None:
    """A broken check of the draft fails the interop question and leaves the RFC's alone."""
    ref = "draft-zollner-scim-interop-profile-01 6.5.1.1"
    assert question_of(ref) == INTEROP
    verdicts = answers([Graded("RFC 7644 3.5.2", "MUST", True), Graded(ref, "MUST", False)])
    assert verdicts == {"rfc": Outcome.PASS, INTEROP: Outcome.FAIL}


def test_every_interop_fault_is_registered_with_at_most_two_extra_checks() -> None:
    assert_well_formed(INTEROP_BITES, faults.FAULTS)
    assert NOT_CLAIMED in faults.FAULTS
