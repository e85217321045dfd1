"""The derived files: a load appended to the folder is part of the rebuilt summary."""

from __future__ import annotations

from reports.build import summary_page
from reports.load import attach
from tests.support.sample_records import check, one_item

LOAD = [
    {
        "event": "LoadStarted",
        "v": 1,
        "load_id": "a",
        "target": "http://127.0.0.1/scim/v2",
        "profiles": ["rfc"],
        "rate": 5,
        "duration_s": 1,
        "users": 1,
        "mix": "assign=1",
        "max_requests": 5,
        "seed": 1,
        "locust": "2",
        "not_sent": {},
    },
    {
        "event": "LoadVerdict",
        "v": 1,
        "load_id": "a",
        "check": "load-latency-p95",
        "outcome": "PASS",
        "measured": "3 ms",
        "threshold": "<= 500 ms",
        "detail": "",
    },
    {
        "event": "LoadFinished",
        "v": 1,
        "load_id": "a",
        "exit_code": 0,
        "seconds": 1.0,
        "stopped_by": "duration",
        "workers": 0,
        "statuses": {"201": 1},
        "total": {
            "name": "Aggregated",
            "requests": 1,
            "failures": 0,
            "rps": 1,
            "p50_ms": 1,
            "p95_ms": 2,
            "p99_ms": 3,
        },
        "rows": [],
        "files": {"html": "load-a/locust.html"},
    },
]


def test_a_rebuilt_page_equals_the_run_page_with_the_load_spliced_in() -> None:
    """`scimcert load` splices its section into the run's page; a rebuild must agree."""
    run = one_item("PASS", [check("s/one[rfc]", "user-created", passed=True)])
    spliced = attach(summary_page(run, "now"), LOAD)
    assert summary_page([*run, *LOAD], "now") == spliced
    assert "Load a: PASS" in spliced


def test_a_folder_that_only_held_a_load_gets_the_load_page() -> None:
    assert summary_page(LOAD, "now") == attach(None, LOAD)
