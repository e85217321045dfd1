"""Checks: named rules with a level, a reference and the sentence they enforce, that yield findings.

A check that yields nothing held. Its `quote` is the normative sentence of its first reference
(`references.py`), and its level follows that sentence's keyword (`docs/checks.md`). Every check
has a stable kebab-case id, so reports, baselines and the fault catalogue can name it; a renamed
check keeps its old id as an alias.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from registry import Registry as Named
from verdict.outcomes import Level as Level  # re-exported: checks declare their level by it

if TYPE_CHECKING:
    from .context import CheckContext


@dataclass(frozen=True, slots=True)
class Finding:
    """One way a check did not hold, with what was expected and what came back."""

    message: str
    expected: Any = None
    actual: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "expected": self.expected, "actual": self.actual}


CheckFunction = Callable[["CheckContext"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    level: Level
    ref: str
    title: str
    function: CheckFunction | None = None
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    always_on: bool = False
    quote: str = ""

    def run(self, context: CheckContext) -> list[Finding]:
        return list(self.function(context)) if self.function is not None else []


@dataclass
class Registry:
    """The checks by id; a check's former ids (`aliases`) still find it, and are taken too."""

    checks: Named[Check] = field(default_factory=lambda: Named("check"))
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, check: Check) -> Check:
        if check.id in self.aliases:
            raise ValueError(f"check {check.id!r} is registered twice")
        self.checks.add(check.id, check)
        self.aliases.update(dict.fromkeys(check.aliases, check.id))
        return check

    def get(self, check_id: str) -> Check:
        return self.checks.get(self.aliases.get(check_id, check_id))

    def __contains__(self, check_id: object) -> bool:
        return check_id in self.checks or check_id in self.aliases

    def __iter__(self) -> Iterator[Check]:
        return iter(sorted(self.checks.values(), key=lambda check: check.id))

    def always_on(self) -> list[Check]:
        return [check for check in self if check.always_on]


registry = Registry()


def check(
    id: str,
    level: Level,
    ref: str,
    title: str,
    *,
    tags: tuple[str, ...] = (),
    quote: str,
    aliases: tuple[str, ...] = (),
    always_on: bool = False,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a code check; its docstring says what it verifies and why."""

    def register(function: CheckFunction) -> CheckFunction:
        registry.add(Check(id, level, ref, title, function, tags, aliases, always_on, quote))
        return function

    return register


def declare(
    id: str, level: Level, ref: str, title: str, *, quote: str, tags: tuple[str, ...] = ()
) -> Check:
    """Register a check that scenario expectations are graded as (no code of its own)."""
    return registry.add(Check(id, level, ref, title, None, tags, quote=quote))
