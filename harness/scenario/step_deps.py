"""What a step needs from earlier steps (`${name}` it reads), and how a timeline names it."""

from __future__ import annotations

from typing import Any

from harness.scenario.interpolate import root, variables_in
from harness.scenario.model import Step

SUBJECTS = ("user", "group", "member", "document", "space")


def _written(step: Step) -> list[Any]:
    """Everything in the step that `${...}` may appear in: its request and its expectations."""
    parts: list[Any] = [dict(step.args)]
    request = step.request
    if request is not None:
        parts += [request.path, dict(request.params), dict(request.headers), request.body]
        parts.append(request.raw)
    for expectation in step.expects:
        parts += [expectation.json, expectation.headers, expectation.idp]
    return parts


def needed_names(step: Step) -> list[str]:
    """The variables (top-level names) the step reads, in a stable order."""
    return sorted({root(name) for part in _written(step) for name in variables_in(part)})


READ_METHODS = frozenset({"GET", "HEAD"})


def is_read(step: Step) -> bool:
    """A step that changes nothing: skipping it leaves later steps as they would have been."""
    if step.request is not None:
        return step.request.method in READ_METHODS
    return str(step.verb).startswith("get_") or step.verb == "pause"


def action(step: Step) -> str:
    """`assign alice`, `GET /Users/${uid}`, `pause 5 s`: the step as the scenario writes it."""
    if step.request is not None:
        return f"{step.request.method} {step.request.path}"
    verb = str(step.verb)
    if verb == "pause":
        return f"pause {step.args.get('seconds', '?')} s"
    subjects = [str(step.args[key]) for key in SUBJECTS if key in step.args]
    return " ".join([verb, *subjects])
