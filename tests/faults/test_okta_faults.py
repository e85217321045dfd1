"""Every Okta behaviour has a scenario that fails when the reference server breaks it.

As in `test_checks_bite.py`: one reference server for the module, one team per fault switched on
through the app probe (`PUT /faults`), one run per fault on the scenarios its row names, under
`okta-oin` (or `okta-aiw`, the PUT dialect). Each run must end with exit code 1 and the fault's
checks failing, and nothing outside `must | may`. The runs go in-process (`fault_runs.py`),
several at a time. The same scenarios without a fault pass through the real CLI in
`tests/mock_idp/test_okta_e2e.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import pytest

from reference_server import faults
from tests.support.fault_runs import (
    Bite,
    Run,
    assert_bites,
    assert_well_formed,
    bite,
    fault_server,
    run_all,
    run_row,
)
from verdict.events import ExchangeRecorded

OKTA = "okta-oin"
IMPORT = "okta/import"  # 201 members over three pages: the slowest run


def oin(ids: str, must: Iterable[str], may: Iterable[str] = (), timeout: float = 15.0) -> Bite:
    return bite(ids, must, may, timeout, idp=OKTA)


OKTA_BITES: dict[str, Bite] = {
    # The product lifecycle.
    "deactivation-ignored": oin("lifecycle/member-lifecycle", {"deactivation-removes-from-team"}),
    "role-kept-on-reactivation": oin("lifecycle/member-lifecycle", {"reactivation-resets-role"}),
    "access-lost-on-reactivation": oin(
        "lifecycle/member-lifecycle", {"reactivation-restores-access", "memberships-kept"}
    ),
    # Okta's deactivation (a path-less PATCH) that deletes. Not on the CRUD test: there the user,
    # gone for good, also fails reactivation and unassignment, too many checks to say which.
    "deactivation-deletes": oin("checks/deactivated-user", {"deactivation-keeps-user"}),
    # Okta's CRUD test (okta.md 6).
    "pathless-patch-ignored": oin(
        "okta/crud-test,okta/group-push,okta/group-push-link",
        {"deactivation-keeps-user", "okta-crud-unassign", "okta-group-rename"},
    ),
    "put-read-only-refused": oin("okta/crud-test", {"okta-put-roundtrip", "okta-crud-update"}),
    "user-patch-answers-202": oin(
        "okta/crud-test", {"okta-deactivate-accepted", "okta-reactivate-accepted"}
    ),
    # Okta's SPEC test (okta.md 5), case by case; list entries are read by the CRUD test too.
    "user-list-abbreviated": oin(
        "okta/spec-test,okta/crud-test", {"okta-spec-users-endpoint", "okta-crud-find-user"}
    ),
    "read-omits-name": oin("okta/spec-test", {"okta-spec-get-user", "okta-spec-verify-user"}),
    "filter-miss-404": oin(
        "okta/spec-test", {"okta-spec-invalid-username", "okta-spec-random-user-absent"}
    ),
    "unknown-id-400": oin("okta/spec-test", {"okta-spec-invalid-id", "okta-spec-status-404"}),
    "lowercase-user-name": oin(
        "okta/spec-test", {"okta-spec-create-user", "okta-spec-verify-user"}
    ),
    "conflict-as-400": oin("okta/spec-test", {"okta-spec-duplicate-409"}),
    # A 500 on the upper-cased lookup also fails the port's case check and the 5xx check.
    "user-name-case-fallback-crashes": oin(
        "okta/spec-test",
        {"okta-spec-username-case"},
        {"filter-case-insensitive", "no-server-error"},
    ),
    "group-list-needs-paging": oin("okta/spec-test", {"okta-spec-groups-endpoint"}),
    "slow-group-list": oin("okta/spec-test", {"okta-spec-response-time"}),
    # Okta's Entitlements test (okta.md, entitlements test): each endpoint paged with count=1.
    "entitlement-count-ignored": oin("okta/entitlements-test", {"okta-entitlements-endpoint"}),
    # Assignment: Okta's externalId on create and on a link (okta.md 2.3).
    "external-id-dropped": oin(
        "okta/assign,okta/assign-links-existing",
        {"okta-create-accepted", "okta-existing-user-linked"},
    ),
    # Import, the SPEC test, assignment, Group Push, rate limiting.
    "paging-ignored": oin(
        "okta/group-push-link,okta/import", {"okta-import-complete"}, {"list-response-consistent"}
    ),
    "total-results-is-page-size": oin(
        "okta/group-push-link,okta/import", {"okta-import-pages", "okta-import-complete"}
    ),
    "user-name-filter-case-sensitive": oin("okta/spec-test", {"filter-case-insensitive"}),
    "auth-not-enforced": oin("okta/spec-test", {"okta-spec-status-401"}),
    "password-echoed": oin(
        "okta/assign,okta/assign-links-existing", {"password-never-returned"}, {"schema-valid"}
    ),
    "group-adds-ignored": oin(
        "okta/group-push,okta/group-push-link",
        {"group-members-added"},
        {"group-members-removed", "okta-group-push-now"},
    ),
    # Group Push links by `displayName eq` (okta.md 2.8): finding nothing, Okta POSTs the group
    # again, the server refuses the name (409), and the relink's members are never pushed.
    # Group import lists /Groups without a filter (okta.md 2.2).
    "eq-filter-finds-nothing": oin(
        "okta/group-push,okta/group-push-link", {"okta-group-lookup", "okta-group-push-now"}
    ),
    "group-list-empty-without-filter": oin(
        "okta/group-push,okta/group-push-link", {"okta-import-groups"}
    ),
    # App Integration Wizard apps (okta.md 2, 8 item 9): PUT for activation and Group Push.
    "put-ignores-active": bite(
        "okta/crud-test", {"deactivation-keeps-user", "okta-crud-unassign"}, idp="okta-aiw"
    ),
    "group-put-ignored": bite(
        "okta/group-push,okta/group-push-link",
        {"group-members-added", "okta-group-rename"},
        {"group-members-removed", "okta-group-push-now"},
        idp="okta-aiw",
    ),
    # Filtering declared off and ignored: the RFC profile skips its filter scenarios, Okta does
    # not (okta.md 2.3, 5) and finds "nobody" among everyone.
    "filter-undeclared-and-ignored": oin("checks/idp-user-filter", {"idp-user-filter"}),
    "rate-limit-never-lifts": oin("okta/rate-limit", {"okta-rate-limit-recovers"}, timeout=3.0),
    # Okta waits the run's --timeout (its 5 minutes, capped) once, then the retry goes through.
    "rate-limit-without-retry-after": oin(
        "okta/rate-limit", {"okta-retry-after-seconds"}, timeout=2.0
    ),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    with fault_server(tmp_path_factory.mktemp("okta-bite"), {f: [f] for f in OKTA_BITES}) as server:
        # The import run (201 members) first: the others fit in its shadow.
        slowest_first = sorted(
            OKTA_BITES, key=lambda f: IMPORT not in OKTA_BITES[f].scenario_ids.split(",")
        )
        yield run_all({f: partial(run_row, server, f, OKTA_BITES[f]) for f in slowest_first})


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(OKTA_BITES))
def test_the_fault_fails_the_okta_scenarios(runs: dict[str, Run], fault: str) -> None:
    assert_bites(OKTA_BITES[fault], runs[fault])


@pytest.mark.slow
def test_okta_retried_the_429s_before_giving_up(runs: dict[str, Run]) -> None:
    """okta.md 4: Retry-After 1, then 2 s, and the 3 s budget of `--timeout 3` is spent."""
    run = runs["rate-limit-never-lifts"]
    exchanges: list[Any] = [e.exchange for e in run.events if isinstance(e, ExchangeRecorded)]
    posts = [x["response"] for x in exchanges if x["request"]["method"] == "POST"]
    assert [answer["status"] for answer in posts] == [429, 429, 429], run.output
    assert all(answer["headers"]["retry-after"] == "1" for answer in posts)


def test_every_okta_fault_is_registered_with_at_most_two_extra_checks() -> None:
    assert_well_formed(OKTA_BITES, faults.FAULTS)
