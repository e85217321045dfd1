"""What a failed item says in pytest's output: the broken checks, with the scenario line."""

from __future__ import annotations

from collections.abc import Sequence

from verdict.events import CheckEvaluated, Event, ExchangeRecorded

from .scenario import Scenario


def _request_line(events: Sequence[Event], sequence: int) -> str:
    for event in events:
        if isinstance(event, ExchangeRecorded) and event.sequence == sequence:
            request = event.exchange["request"]
            response = event.exchange.get("response") or {}
            return f"{request['method']} {request['url']} -> {response.get('status', 'no answer')}"
    return ""


def describe_failure(scenario: Scenario, events: Sequence[Event], error: BaseException) -> str:
    lines = [f"{scenario.id} ({scenario.shown_source}): {error}"]
    for event in events:
        if not isinstance(event, CheckEvaluated) or event.passed or event.level == "MAY":
            continue
        shown = scenario.shown_source
        where = f"{shown}:{event.line}" if event.line else shown
        lines.append(f"  {event.level} {event.check} ({event.ref}) at {where}")
        request = _request_line(events, event.sequence)
        if request:
            lines.append(f"    {request}")
        lines.extend(f"    - {finding['message']}" for finding in event.findings)
    return "\n".join(lines)
