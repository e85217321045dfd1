"""Small hand-made runs for the reporters' unit tests: records as `results.jsonl` holds them."""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]


def run_started(profiles: tuple[str, ...] = ("rfc",)) -> Record:
    return {
        "event": "RunStarted",
        "v": 1,
        "run_id": "r1",
        "seed": 7,
        "target": "http://127.0.0.1:9/scim/v2",
        "profiles": list(profiles),
        "scenarios": [],
        "versions": {"python": "3.11", "scimcert": "0.1.0"},
        "insecure": False,
        "started_at": "2026-01-01T00:00:00+00:00",
    }


def item_started(item: str, scenario: str, profile: str) -> Record:
    return {
        "event": "ItemStarted",
        "v": 1,
        "item": item,
        "scenario": scenario,
        "profile": profile,
        "title": f"Title of {scenario}",
        "source": f"/s/{scenario}.yaml",
        "tags": [],
    }


def exchange(item: str, sequence: int, body: str = "{}", status: int = 200) -> Record:
    return {
        "event": "ExchangeRecorded",
        "v": 1,
        "item": item,
        "step": 0,
        "sequence": sequence,
        "exchange": {
            "request": {
                "method": "GET",
                "url": "http://127.0.0.1:9/scim/v2/Users",
                "headers": {"Authorization": "[REDACTED]"},
                "body": None,
            },
            "response": {
                "status": status,
                "headers": {"content-type": "application/scim+json"},
                "body": body,
                "truncated": False,
            },
            "elapsed_ms": 1.0,
            "error": None,
        },
        "curl": "curl -sS -i -g -X GET http://127.0.0.1:9/scim/v2/Users "
        '-H "Authorization: Bearer $SCIM_TOKEN"',
        "setup": False,
    }


def check(
    item: str, check_id: str, level: str = "MUST", passed: bool = False, sequence: int = 1
) -> Record:
    findings = [] if passed else [{"message": "it broke", "expected": 201, "actual": 200}]
    return {
        "event": "CheckEvaluated",
        "v": 1,
        "item": item,
        "step": 0,
        "sequence": sequence,
        "check": check_id,
        "level": level,
        "ref": "RFC 7644 3.3",
        "title": f"{check_id} holds",
        "passed": passed,
        "findings": findings,
        "line": 4,
    }


def item_finished(
    item: str, scenario: str, profile: str, outcome: str, reason: str = "", **lists: list[str]
) -> Record:
    return {
        "event": "ItemFinished",
        "v": 1,
        "item": item,
        "scenario": scenario,
        "profile": profile,
        "outcome": outcome,
        "reason": reason,
        "duration_ms": 12.5,
        "failed_checks": lists.get("failed", []),
        "warned_checks": lists.get("warned", []),
        "not_verified": [],
    }


def run_finished(exit_code: int = 1) -> Record:
    return {
        "event": "RunFinished",
        "v": 1,
        "counts": {},
        "exit_code": exit_code,
        "finished_at": "2026-01-01T00:00:01+00:00",
    }


def one_item(
    outcome: str, checks: list[Record], reason: str = "", body: str = "{}"
) -> list[Record]:
    """A run of one item, `s/one[rfc]`, that ended with `outcome`."""
    name = "s/one[rfc]"
    failed = [c["check"] for c in checks if not c["passed"] and c["level"] == "MUST"]
    warned = [c["check"] for c in checks if not c["passed"] and c["level"] == "SHOULD"]
    return [
        run_started(),
        item_started(name, "s/one", "rfc"),
        exchange(name, 1, body),
        *checks,
        item_finished(name, "s/one", "rfc", outcome, reason, failed=failed, warned=warned),
        run_finished(),
    ]
