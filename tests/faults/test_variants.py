"""No check fails a server for what its text allows: under each allowed variant, the checks hold.

An allowed variant (`allowed=True` in the fault registry, `reference_server/faults/variants.py`)
is what a server may rightly do where the reference server does another thing: clear or default
what a PUT omits, leave the paging fields out of a complete list, answer 501, spell a resource
type's endpoint "Users", leave out an OPTIONAL scimType... One reference server for the module,
one team per variant switched on through the app probe (`PUT /faults`), one run per variant on the
scenarios its row names: the run must exit 0 under `--fail-on warn`, every check the row names
must have been graded and held, and nothing may trip but the MAY notes the row lists. The faults
that break the same rules for real stay in the other tables (`put-merges`, `items-per-page-wrong`,
`users-resource-type-unlisted`, `server-error-on-read`, `conflict-without-scim-type`...).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

import pytest

from harness.checks import load_all
from harness.checks.registry import Level, registry
from reference_server import faults
from reference_server.faults.registry import variants
from tests.support.fault_runs import Run, fault_server, items, run_all, run_items
from verdict.events import CheckEvaluated


@dataclass(frozen=True)
class Variant:
    scenario_ids: str  # comma-separated, as `--scenario` takes them
    holds: frozenset[str]  # checks that must be graded and hold
    notes: frozenset[str] = frozenset()  # MAY checks that may note the difference
    idp: str = "rfc"
    # Checks whose own business the difference is, and which rightly fail on it: the run exits 1
    # on them, and on nothing else.
    breaks: frozenset[str] = frozenset()


def variant(
    scenario_ids: str,
    holds: Iterable[str],
    notes: Iterable[str] = (),
    idp: str = "rfc",
    breaks: Iterable[str] = (),
) -> Variant:
    return Variant(scenario_ids, frozenset(holds), frozenset(notes), idp, frozenset(breaks))


SCIM_TYPE_SCENARIOS = ",".join(
    [
        "robustness/malformed-json",
        "robustness/schemas-and-values",
        "robustness/patch",
        "robustness/filters",
        "robustness/paging-and-size",
        "robustness/uniqueness",
        "core/user-filter",
        "core/user-uniqueness",
    ]
)

DISCOVERY = "core/discovery,okta/entitlements-test"
RFC_AND_OKTA = "rfc,okta-oin"

VARIANTS: dict[str, Variant] = {
    # RFC 7644 3.5.1: omitted readWrite attributes may be cleared or defaulted.
    "put-defaults-omitted": variant("core/user-put", {"put-replaces", "put-keeps-active"}),
    # RFC 7644 3.4.2: itemsPerPage and startIndex are required of partial results only.
    "complete-lists-without-paging": variant(
        "core/user-filter,core/user-paging,core/discovery,robustness/paging-and-size",
        {
            "list-response-consistent",
            "filter-no-match-empty",
            "filter-eq-match",
            "paging-window",
            "robustness-page-clamped",
            "robustness-paging-clamped",
        },
    ),
    # RFC 7643 6: the endpoint is relative to the base URL; its example writes "Users".
    # The same endpoints are the ones Okta's Entitlements test pages (`/Roles` here).
    "resource-type-endpoint-without-slash": variant(
        DISCOVERY, {"discovery-resource-types", "okta-entitlements-endpoint"}, idp=RFC_AND_OKTA
    ),
    "resource-type-endpoint-absolute": variant(
        DISCOVERY, {"discovery-resource-types", "okta-entitlements-endpoint"}, idp=RFC_AND_OKTA
    ),
    # RFC 7644 4: a server with no roles to discover lists User and Group only; Okta's
    # Entitlements test is then skipped (tests/faults/test_suite_faults.py), never failed.
    "no-entitlement-resource-types": variant(
        DISCOVERY, {"discovery-resource-types"}, idp=RFC_AND_OKTA
    ),
    # RFC 7644 3.12: 501 is "operation not supported", not a server fault.
    "unsupported-operation-501": variant(
        "robustness/ids-and-methods", {"no-server-error", "robustness-method-not-allowed"}
    ),
    # RFC 7644 3.12: scimType is OPTIONAL except where a section names one.
    "errors-without-scim-type": variant(
        SCIM_TYPE_SCENARIOS,
        {
            "robustness-malformed-json",
            "robustness-patch-invalid",
            "robustness-patch-readonly",
            "robustness-invalid-value",
            "robustness-schemas-required",
            "robustness-filter-invalid",
            "robustness-uniqueness",
            "filter-invalid-400",
            "username-unique",
            "error-scim-type",  # a missing scimType is no wrong one
        },
    ),
    # RFC 7644 3.12 lets a server refuse a filter on an unknown attribute; matching nobody is
    # as right (found by `make crosscheck` on SCIMMY).
    "unknown-filter-attribute-matches-nothing": variant(
        "robustness/filters", {"robustness-filter-invalid"}
    ),
    # RFC 7644 3.5.2.3: a replace whose value filter matches nothing is 400 noTarget; Entra
    # sends a new value as an Add, which the server creates.
    "value-path-replace-no-target": variant(
        "entra/attribute-update", {"entra-attribute-update"}, idp="entra"
    ),
    # RFC 7644 3.7: bulk is optional; the bulk limits are graded only where it is declared
    # (the SKIP itself: tests/faults/test_group_limits_faults.py).
    "bulk-unsupported": variant(
        "core/large-group,core/bulk-limits", {"group-membership-applied-whole"}
    ),
    # A finding blames what it names: a server keeping no `title` fails OneLogin's template and
    # update (both map title), not the retry after a 429 nor the suspension beside them.
    "title-not-stored": variant(
        "okta/rate-limit,onelogin/enterprise-template,onelogin/update-put",
        {"okta-rate-limit-recovers", "onelogin-suspend"},
        idp="okta-oin,onelogin",
        breaks={"onelogin-put-update", "onelogin-template-accepted"},
    ),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    with fault_server(tmp_path_factory.mktemp("variants"), {v: [v] for v in VARIANTS}) as server:
        yield run_all(
            {
                name: partial(run_items, server, name, items(row.scenario_ids, row.idp), 15.0)
                for name, row in VARIANTS.items()
            }
        )


def held(run: Run) -> set[str]:
    graded = [e for e in run.events if isinstance(e, CheckEvaluated)]
    return {e.check for e in graded} - {e.check for e in graded if not e.passed}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_checks_hold_under_the_variant(runs: dict[str, Run], name: str) -> None:
    row, run = VARIANTS[name], runs[name]
    assert run.code == (1 if row.breaks else 0), run.output
    assert row.holds <= held(run), f"not graded or failed: {sorted(row.holds - held(run))}"
    assert row.breaks <= run.tripped <= row.notes | row.breaks, run.output


def test_every_allowed_variant_has_a_row_and_every_row_is_one() -> None:
    assert set(VARIANTS) == set(variants())
    assert all(faults.FAULTS[name].allowed for name in VARIANTS)


def test_notes_are_may_checks_that_never_fail_a_run() -> None:
    load_all()
    for row in VARIANTS.values():
        assert all(registry.get(check).level is Level.MAY for check in row.notes), row
