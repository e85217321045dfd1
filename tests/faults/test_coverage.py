"""No check is vacuous: every registered check is tripped by some fault that breaks little else.

The fault tables (`BITES` for the RFC profile, `OKTA_BITES` for Okta, `QUIRKS` for Entra ID,
OneLogin and Ping, `GATES` for Microsoft's gallery validation, `CURSOR_BITES` for RFC 9865
cursors, `INTEROP_BITES` for the SCIM interoperability profile draft, `IPSIE_BITES` for the
OpenID IPSIE AL1 SCIM profile, `GROUP_LIMIT_BITES` for large groups and declared bulk limits)
each say which checks a fault must trip and which others it may. A check counts as covered when
it is in the `must` set
of a row that names at most three checks in all: a fault that breaks everything at once proves
nothing about any one check.
"""

from __future__ import annotations

from harness.checks import load_all
from harness.checks.registry import registry
from reference_server import faults
from tests.faults.test_checks_bite import BITES
from tests.faults.test_cursor_faults import CURSOR_BITES
from tests.faults.test_entra_gallery_faults import GATES
from tests.faults.test_entra_onelogin_faults import QUIRKS
from tests.faults.test_group_limits_faults import GROUP_LIMIT_BITES
from tests.faults.test_interop_faults import INTEROP_BITES
from tests.faults.test_ipsie_faults import IPSIE_BITES
from tests.faults.test_oauth_faults import OAUTH_BITES
from tests.faults.test_okta_faults import OKTA_BITES
from tests.harness.capture.test_replay_round_trip import REPLAY_BITES
from tests.support.fault_runs import Bite

MOST_CHECKS_PER_FAULT = 3

# Expectation checks that no fault trips yet: the gap, kept visible. A new check lands here (or
# gets a fault) or the test below fails.
NOT_YET_COVERED: frozenset[str] = frozenset()


def rows() -> list[tuple[str, Bite]]:
    """Every (fault, run) of the fault tables."""
    return [
        *BITES.items(),
        *OKTA_BITES.items(),
        *CURSOR_BITES.items(),
        *INTEROP_BITES.items(),
        *IPSIE_BITES.items(),
        *OAUTH_BITES.items(),  # the token endpoint's
        *REPLAY_BITES.items(),  # a recording replayed against the fault
        *GROUP_LIMIT_BITES.items(),  # large groups and declared bulk limits
        *((name, row.bite) for name, row in QUIRKS.items()),
        *((name, row.bite) for name, row in GATES.items()),
    ]


def covered() -> set[str]:
    return {
        check
        for _, row in rows()
        if len(row.must | row.may) <= MOST_CHECKS_PER_FAULT
        for check in row.must
    }


def test_every_row_is_a_registered_fault_naming_registered_checks() -> None:
    load_all()
    known = {check.id for check in registry}
    for fault, row in rows():
        assert fault in faults.FAULTS, fault
        assert row.must and not row.must & row.may, fault
        assert row.must | row.may <= known, (fault, sorted(row.must | row.may - known))
    assert known >= NOT_YET_COVERED


def test_every_always_on_and_code_check_is_tripped_by_a_narrow_fault() -> None:
    load_all()
    with_code = {check.id for check in registry if check.always_on or check.function is not None}
    assert sorted(with_code - covered()) == []


def test_not_yet_covered_is_exactly_the_expectation_checks_no_narrow_fault_trips() -> None:
    load_all()
    expectations = {check.id for check in registry if check.function is None}
    assert sorted(expectations - covered()) == sorted(NOT_YET_COVERED)
