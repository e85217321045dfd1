"""A bounded schemathesis run (its default checks) against a live reference server, driven by
docs/openapi.yaml. SCIM routes only: the app probe is the harness's own test API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.specs.openapi import checks

from tests.support.reference import SCIM_TOKEN

ROOT = Path(__file__).resolve().parents[2]
schema = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.yaml").include(tag="SCIM")


def _operations() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation the description leaves undefined
        found[result.ok().label] = result.ok()
    return found


# One test per operation, named by its label. Not `@schema.parametrize()`: its tests all share
# one node id under pytest 9.2, and xdist, which tells tests apart by id, ran one of the twenty.
OPERATIONS = _operations()


@pytest.fixture(scope="module")
def base_url(server: Any) -> str:
    return str(server.url).split("/t/")[0]


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_scim_api_conforms_to_its_description(label: str, base_url: str) -> None:
    @given(case=OPERATIONS[label].as_strategy())
    @settings(
        max_examples=2,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case: Any) -> None:
        # A free-form string (a filter, sortBy, a userName) that the server refuses with a SCIM
        # 400 is no fault: the description cannot spell out the filter grammar, so that check is
        # left out.
        case.call_and_validate(
            base_url=base_url,
            headers={"Authorization": f"Bearer {SCIM_TOKEN}"},
            excluded_checks=[checks.positive_data_acceptance],
        )

    conforms()
