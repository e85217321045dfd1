"""How `scimcert idp diff` shows a drift: for people, grouped by kind with both requests; for
machines, one JSON document (docs/idp-diff.md describes both)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from harness.capture.drift import WHOLE_KIND, Difference, Drift
from harness.capture.shapes import Shape

BODY_LIMIT = 400  # characters of a request body shown beside a difference


@dataclass(frozen=True, slots=True)
class Subject:
    """What was compared: the recording and the profile, for the report's first lines."""

    recording: str
    source: str
    origin: str
    profile: str
    title: str


def _body(shape: Shape) -> str | None:
    body = shape.request.body
    if body is None:
        return None
    try:
        text = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))
    except (ValueError, RecursionError):  # a hostile depth is no JSON to read
        text = " ".join(body.split())
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + "…"


def _example(side: str, shape: Shape | None) -> Iterator[str]:
    if shape is None:
        yield f"    {side}: never sends this kind"
        return
    label = f"  ({shape.label})" if shape.label else ""
    yield f"    {side}: {shape.example()}{label}"
    body = _body(shape)
    if body is not None:
        yield f"      {body}"


def _status(difference: Difference) -> str:
    if difference.explanation is not None:
        return "EXPLAINED"
    return "info" if difference.informational else "DIFFERENT"


def _describe(difference: Difference) -> str:
    if difference.feature == WHOLE_KIND:
        return "the profile never sends this kind"
    recorded = ", ".join(difference.recorded)
    sent = ", ".join(difference.sent) or "(nothing)"
    if difference.extra:
        return f"{difference.feature}: the profile also sends {sent} (the recording: {recorded})"
    return f"{difference.feature}: the recording has {recorded}; the profile sends {sent}"


def _difference(difference: Difference) -> Iterator[str]:
    yield f"  {_status(difference)} {_describe(difference)}"
    if difference.informational:
        return  # one line is enough for what never counts; --json has the examples
    yield from _example("recording", difference.recording_example)
    if difference.feature != WHOLE_KIND:
        yield from _example("profile  ", difference.profile_example)
    if difference.explanation is not None:
        yield f"    why: {difference.explanation.why}"
        yield f"    ref: {difference.explanation.ref}"


def _summary(found: list[Difference]) -> str:
    undocumented = sum(1 for d in found if d.undocumented)
    explained = sum(1 for d in found if d.explanation is not None)
    parts = [f"{undocumented} difference(s)"] if undocumented else []
    parts += [f"{explained} explained"] if explained else []
    return ", ".join(parts) or "same shapes"


def render(subject: Subject, drift: Drift) -> str:
    lines = [
        f"# {subject.recording} ({subject.source}: {subject.origin})",
        f"# against {subject.profile} ({subject.title})",
    ]
    grouped: dict[str, list[Difference]] = {}
    for difference in drift.differences:
        grouped.setdefault(difference.kind, []).append(difference)
    for kind in drift.recording_kinds:
        found = grouped.get(kind, [])
        lines.append(f"\n{kind}: {_summary(found)}")
        for difference in found:
            lines += _difference(difference)
    if drift.profile_only_kinds:
        lines.append("\nKinds only the profile sends (not in the recording; not a difference):")
        lines += [f"  {shape.kind}: {shape.example()}" for shape in drift.profile_only_kinds]
    lines.append(
        f"\n{len(drift.undocumented)} undocumented difference(s), {len(drift.explained)} explained "
        f"by the profile, over {len(drift.recording_kinds)} kind(s) of request."
    )
    return "\n".join(lines)


def _shape_json(shape: Shape | None) -> dict[str, Any] | None:
    if shape is None:
        return None
    request = shape.request
    return {
        "label": shape.label,
        "method": request.method,
        "url": request.url,
        "body": request.body,
    }


def to_json(subject: Subject, drift: Drift) -> dict[str, Any]:
    return {
        "recording": subject.recording,
        "source": subject.source,
        "origin": subject.origin,
        "profile": subject.profile,
        "undocumented": len(drift.undocumented),
        "explained": len(drift.explained),
        "kinds": list(drift.recording_kinds),
        "profile_only_kinds": [shape.kind for shape in drift.profile_only_kinds],
        "differences": [
            {
                "kind": d.kind,
                "feature": d.feature,
                "status": _status(d).lower(),
                "recorded": list(d.recorded),
                "sent": list(d.sent),
                "recording_example": _shape_json(d.recording_example),
                "profile_example": _shape_json(d.profile_example),
                "why": d.explanation.why if d.explanation else None,
                "ref": d.explanation.ref if d.explanation else None,
            }
            for d in drift.differences
        ],
    }
