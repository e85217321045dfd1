"""Grading one exchange against a step's expectations: status, JSON, headers, schema, time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.registry import Check, Finding, registry
from harness.engine.undeclared import undeclared
from harness.scenario import comparators
from harness.scenario.model import DEFAULT_CHECK, Expectation
from harness.scenario.pointer import MISSING, resolve


@dataclass(frozen=True, slots=True)
class Graded:
    check: Check
    findings: list[Finding]


def _body(ctx: CheckContext) -> tuple[Any, Finding | None]:
    response = ctx.exchange.response
    if response is None:
        return MISSING, None
    try:
        return response.json(), None
    except ValueError:
        return MISSING, Finding("the body is not JSON", expected="JSON", actual=response.body[:200])


def status_words(statuses: tuple[int, ...]) -> int | str:
    """The expected status as a number, or "200 or 204" when several are allowed."""
    return statuses[0] if len(statuses) == 1 else " or ".join(str(code) for code in statuses)


def status_held(expectation: Expectation, ctx: CheckContext) -> bool:
    """False only when the expectation names a status and the answer had another one."""
    response = ctx.exchange.response
    return expectation.status is None or response is None or response.status in expectation.status


def _status(expectation: Expectation, ctx: CheckContext) -> list[Finding]:
    response = ctx.exchange.response
    if expectation.status is None or response is None or status_held(expectation, ctx):
        return []
    wanted = status_words(expectation.status)
    return [Finding(f"expected status {wanted}, got {response.status}", wanted, response.status)]


def _pointers(pairs: tuple[tuple[str, Any], ...], document: Any, label: str) -> list[Finding]:
    """Each (JSON pointer, comparator) pair graded against `document`."""
    findings = []
    for pointer, spec in pairs:
        actual = resolve(document, pointer)
        present = actual is not MISSING
        message = comparators.compare(spec, actual if present else None, present)
        if message is not None:
            shown = actual if present else "(missing)"
            where = f"{label}{pointer or '(body)'}"
            findings.append(Finding(f"{where}: {message}", comparators.describe(spec), shown))
    return findings


def _json(expectation: Expectation, ctx: CheckContext) -> list[Finding]:
    if not expectation.json:
        return []
    body, problem = _body(ctx)
    if problem is not None:
        return [problem]
    # An attribute the target's /Schemas leaves out may be dropped (harness/engine/undeclared.py).
    pairs = tuple(
        (pointer, spec)
        for pointer, spec in expectation.json
        if resolve(body, pointer) is not MISSING
        or not undeclared(pointer, ctx.target_schemas, body)
    )
    return _pointers(pairs, body, "")


def _idp(expectation: Expectation, facts: Any) -> list[Finding]:
    return _pointers(expectation.idp, facts, "IdP ")


def _headers(expectation: Expectation, ctx: CheckContext) -> list[Finding]:
    response = ctx.exchange.response
    findings = []
    for name, spec in expectation.headers:
        headers = response.headers if response is not None else {}
        value = headers.get(name.lower())
        message = comparators.compare(spec, value, value is not None)
        if message is not None:
            findings.append(Finding(f"header {name}: {message}", comparators.describe(spec), value))
    return findings


def _time(expectation: Expectation, ctx: CheckContext) -> list[Finding]:
    if expectation.max_ms is None or ctx.exchange.elapsed_ms <= expectation.max_ms:
        return []
    elapsed = round(ctx.exchange.elapsed_ms)
    return [Finding(f"answered in {elapsed} ms", f"<= {expectation.max_ms} ms", elapsed)]


def expectation_check(expectation: Expectation) -> Check:
    if expectation.check != DEFAULT_CHECK:
        return registry.get(expectation.check)
    return Check(DEFAULT_CHECK, expectation.level, expectation.ref or "", "Scenario expectation")


def body_checks(expectation: Expectation) -> list[str]:
    """The checks of `expectation` that read the answer's body (or headers), not its status.

    After a wrong status they are not graded: a 401 has no user to validate. The expectation's
    own check is among them only when it says nothing of the status.
    """
    own = [] if expectation.status is not None else [expectation_check(expectation).id]
    schema = ["schema-valid"] if expectation.schema is not None else []
    return [*own, *schema, *expectation.checks]


def grade(
    expectation: Expectation, ctx: CheckContext, facts: Any = None, *, body: bool = True
) -> list[Graded]:
    """The expectation's own check, then its schema and named checks, each graded apart.

    `facts` is what the mock IdP reports of its verbs (`Directory.facts`), for `expect.idp`.
    With `body` false (the step's status was wrong) only the status is graded: the checks
    `body_checks` names are left out, and the caller records them as not evaluated.
    """
    findings: list[Finding] = []
    if ctx.exchange.response is None and ctx.exchange.error is not None:
        findings.append(Finding(f"no response: {ctx.exchange.error.detail}", "a response", None))
    findings += _status(expectation, ctx)
    if not body:
        if expectation.status is None:
            return []
        return [Graded(expectation_check(expectation), findings)]
    findings += _json(expectation, ctx) + _headers(expectation, ctx)
    findings += _time(expectation, ctx) + _idp(expectation, facts or {})
    graded = [Graded(expectation_check(expectation), findings)]
    if expectation.schema is not None:
        schema_check = registry.get("schema-valid")
        graded.append(Graded(schema_check, schema_check.run(ctx)))
    for check_id in expectation.checks:
        named = registry.get(check_id)
        graded.append(Graded(named, named.run(ctx)))
    return graded
