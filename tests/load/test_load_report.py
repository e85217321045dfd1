"""The load section of index.html: added to a run's page, replaced on the next load, escaped."""

from __future__ import annotations

from typing import Any

from reports.load import BEGIN, END, attach, section


def _load(load_id: str, outcome: str, target: str = "http://127.0.0.1/scim/v2") -> list[Any]:
    return [
        {
            "event": "LoadStarted",
            "load_id": load_id,
            "target": target,
            "profiles": ["entra"],
            "rate": 25,
            "duration_s": 5,
            "users": 13,
            "mix": "assign=1",
            "max_requests": 350,
            "seed": 1,
            "locust": "2.47.0",
            "not_sent": {"onelogin": ["group"]},
        },
        {
            "event": "LoadVerdict",
            "load_id": load_id,
            "check": "load-latency-p95",
            "outcome": outcome,
            "measured": "320 ms",
            "threshold": "<= 500 ms",
            "detail": "",
        },
        {
            "event": "LoadFinished",
            "load_id": load_id,
            "exit_code": 0,
            "seconds": 5.0,
            "stopped_by": "duration",
            "workers": 0,
            "statuses": {"201": 3},
            "total": {
                "name": "Aggregated",
                "requests": 3,
                "failures": 0,
                "rps": 0.6,
                "p50_ms": 1,
                "p95_ms": 2,
                "p99_ms": 3,
            },
            "rows": [
                {
                    "name": "entra assign POST /Users",
                    "requests": 3,
                    "failures": 0,
                    "rps": 0.6,
                    "p50_ms": 1,
                    "p95_ms": 2,
                    "p99_ms": 3,
                }
            ],
            "files": {"html": "load-a/locust.html"},
        },
    ]


def test_a_run_page_keeps_its_content_and_gains_the_section() -> None:
    page = "<html><body><h1>SCIM certification: PASS</h1></body></html>"
    out = attach(page, _load("a", "PASS"))
    assert out.startswith("<html><body><h1>SCIM certification: PASS</h1>")
    assert out.endswith("</body></html>")
    assert "Load a: PASS" in out and "load-latency-p95" in out
    assert "onelogin: group" in out and 'href="load-a/locust.html"' in out


def test_a_second_load_replaces_the_section_with_both_loads() -> None:
    first = attach("<html><body></body></html>", _load("a", "PASS"))
    second = attach(first, _load("a", "PASS") + _load("b", "FAIL"))
    assert second.count(BEGIN) == 1 and second.count(END) == 1
    assert "Load a: PASS" in second and "Load b: FAIL" in second


def test_without_a_page_the_section_is_a_page_of_its_own() -> None:
    out = attach(None, _load("a", "FAIL"))
    assert out.startswith("<!doctype html>") and "Load a: FAIL" in out


def test_what_the_target_said_is_escaped() -> None:
    html = section(_load("a", "PASS", target="http://x/<script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html
