"""What a failed item says in pytest's output: its step timeline, then the broken checks, each
with the scenario line and the request it judged."""

from __future__ import annotations

from collections.abc import Sequence

from reports.model import build
from reports.timeline import timeline_lines
from verdict.events import CheckEvaluated, Event, ExchangeRecorded, to_record


def _request_line(events: Sequence[Event], sequence: int) -> str:
    for event in events:
        if isinstance(event, ExchangeRecorded) and event.sequence == sequence:
            request = event.exchange["request"]
            response = event.exchange.get("response") or {}
            return f"{request['method']} {request['url']} -> {response.get('status', 'no answer')}"
    return ""


def describe_failure(scenario_id: str, source: str, events: Sequence[Event], error: str) -> str:
    """The failure of the item that ran scenario `scenario_id`, read from `source` (a path as
    the user sees it), whose run ended with `error`."""
    lines = [f"{scenario_id} ({source}): {error}"]
    items = build([to_record(event) for event in events]).items
    steps = timeline_lines(items[0]) if items else []
    if steps:
        lines += ["  steps:", *(f"    {line}" for line in steps)]
    for event in events:
        if not isinstance(event, CheckEvaluated) or event.passed or event.level == "MAY":
            continue
        where = f"{source}:{event.line}" if event.line else source
        lines.append(f"  {event.level} {event.check} ({event.ref}) at {where}")
        request = _request_line(events, event.sequence)
        if request:
            lines.append(f"    {request}")
        lines.extend(f"    - {finding['message']}" for finding in event.findings)
    return "\n".join(lines)
