"""A setup step the target refused: the target's failure, graded by the check it concerns.

Setup prepares what a scenario then judges (a user to filter for, a group to patch). When a
reachable server refuses it, the server broke that operation: the failure is charged to the
check that grades the operation (POST /Users: `user-created`), with the server's own `detail`,
never an ERROR, which is kept for a harness that broke or a target it could not reach.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from harness.checks.registry import Check, Finding, Level, registry
from harness.engine.expectations import expectation_check
from harness.scenario.model import DEFAULT_CHECK, Scenario, Step
from harness.transport.exchange import Exchange

# (method, collection) -> the check that grades that operation
CONCERNS = {
    ("POST", "users"): "user-created",
    ("GET", "users"): "user-readable",
    ("PUT", "users"): "put-replaces",
    ("PATCH", "users"): "patch-applies",
    ("DELETE", "users"): "user-deleted",
    ("POST", "groups"): "group-created",
    ("PATCH", "groups"): "group-members-added",
    ("DELETE", "groups"): "group-deleted",
}
EXPECTED = "a 2xx status"
DETAIL_LIMIT = 300


def _collection(url: str) -> str:
    segments = [part.lower() for part in urlsplit(url).path.split("/")]
    return next((part for part in reversed(segments) if part in ("users", "groups")), "")


def _detail(exchange: Exchange) -> str:
    """The SCIM Error's `detail` (RFC 7644 3.12), when the answer has one."""
    response = exchange.response
    try:
        body = response.json() if response is not None else None
    except ValueError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail)[:DETAIL_LIMIT] if detail else ""


def refusal(step: Step, judged: Exchange) -> Finding | None:
    """The finding of a refused setup step (no answer, or a 4xx/5xx); None if it succeeded."""
    response = judged.response
    if response is not None and response.status < 400:
        return None
    request = judged.request
    where = f"setup step {step.index + 1} (line {step.line}): {request.method} "
    where += urlsplit(request.url).path
    if response is None:
        detail = judged.error.detail if judged.error is not None else "no answer"
        return Finding(f"{where} got no answer: {detail}", EXPECTED, None)
    detail = _detail(judged)
    said = f": {detail}" if detail else ""
    return Finding(f"{where} answered {response.status}{said}", EXPECTED, response.status)


def setup_check(step: Step, judged: Exchange, scenario: Scenario) -> Check:
    """The check the refused operation concerns; else the first one the scenario then grades."""
    concerned = CONCERNS.get((judged.request.method.upper(), _collection(judged.request.url)))
    if concerned is not None:
        return registry.get(concerned)
    later = [e for s in scenario.steps[step.index + 1 :] for e in s.expects]
    named = [e for e in later if e.check != DEFAULT_CHECK]
    if named or later:
        return expectation_check((named or later)[0])
    return Check(DEFAULT_CHECK, Level.MUST, "", "Scenario expectation")
