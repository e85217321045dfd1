"""Hand-made recordings for the replay's unit tests, and a grader that judges one derived step
the way the engine does (interpolated expectations, `grade`)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.capture.recording import Recording, RecordingHeader, Take
from harness.capture.replay import Derived, derive, write_scenario
from harness.checks import load_all
from harness.checks.context import CheckContext
from harness.engine.expectations import grade, status_held
from harness.scenario.interpolate import interpolate
from harness.scenario.model import Scenario, Step, load_scenario
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse

BASE = "http://10.0.0.9:8443/t/acme/scim/v2"
SCIM = {"content-type": "application/scim+json"}


def take(
    method: str,
    path: str,
    status: int,
    answer: Any = None,
    *,
    sent: Any = None,
    headers: dict[str, str] | None = None,
    answer_headers: dict[str, str] | None = None,
    auth: bool = True,
    url: str | None = None,
) -> Take:
    """One recorded exchange under BASE (or at `url`); bodies given as JSON values or text."""
    request_headers = {"Accept": "application/scim+json", **(headers or {})}
    if auth:
        request_headers["Authorization"] = "[REDACTED]"
    return Take(
        exchange=Exchange(
            request=RecordedRequest(
                method=method,
                url=url or f"{BASE}{path}",
                headers=request_headers,
                body=_text(sent),
            ),
            response=RecordedResponse(
                status=status,
                headers={**SCIM, **(answer_headers or {})} if answer is not None else {},
                body=_text(answer) or "",
                truncated=False,
            ),
            elapsed_ms=1.0,
            error=None,
        ),
        label=f"{method} {path}",
    )


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def recording(*takes: Take, complete: bool = True) -> Recording:
    header = RecordingHeader(source="proxy", origin=BASE)
    return Recording(header=header, takes=takes, complete=complete)


def scenario(derived: Derived, folder: Path) -> Scenario:
    """The derived scenario as the run loads it: the loader's three passes hold it too."""
    return load_scenario(write_scenario(derived, folder))


def derived_steps(tmp_path: Path, *takes: Take) -> tuple[Derived, tuple[Step, ...]]:
    found = derive(recording(*takes), "capture.jsonl")
    return found, scenario(found, tmp_path).steps


def judged(
    step: Step, status: int, answer: Any, variables: dict[str, Any] | None = None, **headers: str
) -> dict[str, list[str]]:
    """Each check of the step's expectations -> its findings' messages, against this answer."""
    load_all()
    response = RecordedResponse(
        status=status,
        headers={**SCIM, **{k.lower().replace("_", "-"): v for k, v in headers.items()}},
        body=_text(answer) or "",
        truncated=False,
    )
    request = RecordedRequest(method="GET", url=BASE, headers={}, body=None)
    exchange = Exchange(request=request, response=response, elapsed_ms=1.0, error=None)
    expectations = []
    for expectation in step.expects:
        pairs = [interpolate(list(pair), variables or {}) for pair in expectation.json]
        heads = [interpolate(list(pair), variables or {}) for pair in expectation.headers]
        json_, headers_ = tuple(tuple(p) for p in pairs), tuple(tuple(h) for h in heads)
        expectations.append(replace(expectation, json=json_, headers=headers_))
    contexts = [CheckContext(exchange=exchange, schema=e.schema) for e in expectations]
    # As the runner: after a wrong status, a block without its own status is not graded.
    wrong = any(not status_held(e, c) for e, c in zip(expectations, contexts, strict=True))
    found: dict[str, list[str]] = {}
    for expectation, context in zip(expectations, contexts, strict=True):
        body = status_held(expectation, context) if expectation.status else not wrong
        for result in grade(expectation, context, body=body):
            found.setdefault(result.check.id, []).extend(f.message for f in result.findings)
    return found
