"""Every check of the token endpoint fails when the reference server breaks what it checks.

As in `test_checks_bite.py`: one reference server for the module, one team per fault switched on
through the app probe (`PUT /faults`), one run per fault on the scenarios its row names, the
token endpoint named beside the bearer token (`fault_runs.run_items`). Each run must exit 1 with
the fault's checks failing and nothing outside `must | may`; the same scenarios on a team with
no fault pass. Microsoft's Validate_Credentials_Test runs under the Entra family, the RFC 6749
scenario under the RFC profile.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    run_all,
)
from tests.support.fault_runs import run_row as run_bite

GALLERY = "entra/gallery/validate-credentials"
RFC = "core/oauth-token"
CLEAN = "no-token-fault"

OAUTH_BITES: dict[str, Bite] = {
    # docs/idp/entra.md#oauth-client-credentials: 60 to 360 minutes.
    "token-lifetime-out-of-range": bite(GALLERY, {"entra-token-lifetime"}, idp="entra"),
    # The SCIM call with the issued token answers 2xx.
    "issued-token-unknown": bite(GALLERY, {"entra-token-accepted"}, idp="entra"),
    # RFC 6749 5.1: Cache-Control: no-store (and Pragma: no-cache).
    "token-answer-cacheable": bite(RFC, {"oauth-token-no-store"}),
    # RFC 6749 5.1: token_type is REQUIRED.
    "token-type-missing": bite(RFC, {"oauth-token-issued"}),
    # RFC 6749 5.2: a wrong secret is invalid_client, 401 with a challenge after Basic.
    "wrong-client-secret-accepted": bite(RFC, {"oauth-invalid-client"}),
}


def test_the_table_names_registered_faults() -> None:
    assert_well_formed(OAUTH_BITES, faults.FAULTS)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    teams = {f: [f] for f in OAUTH_BITES} | {CLEAN: []}
    with fault_server(tmp_path_factory.mktemp("oauth-bite"), teams) as server:
        jobs = {f: partial(run_bite, server, f, OAUTH_BITES[f]) for f in OAUTH_BITES}
        for scenario, idp in ((GALLERY, "entra"), (RFC, "rfc")):
            jobs[f"{CLEAN}:{scenario}"] = partial(
                run_bite, server, CLEAN, bite(scenario, {"none"}, idp=idp)
            )
        yield run_all(jobs)


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(OAUTH_BITES))
def test_the_fault_fails_the_token_scenarios(runs: dict[str, Run], fault: str) -> None:
    assert_bites(OAUTH_BITES[fault], runs[fault])


@pytest.mark.slow
@pytest.mark.parametrize("scenario", [GALLERY, RFC])
def test_the_token_scenarios_pass_without_a_fault(runs: dict[str, Run], scenario: str) -> None:
    run = runs[f"{CLEAN}:{scenario}"]
    assert run.code == 0 and not run.tripped and not run.failed, run.output
