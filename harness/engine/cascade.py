"""Cascades stop: what an item's failed steps leave the steps after them.

A step that failed (a wrong status, a refused setup, an answer without the value it saves)
leaves later steps short: of a saved value (`${uid}`), of an id the IdP never learned, or of a
change it never made. Running them anyway only repeats the first failure many times over, so
they are blocked ("blocked by step N") and graded neither way. Some failures leave nothing
later that can be judged (refused credentials, a refused setup, a blocked write): the item
halts, every later step blocked by the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.scenario.model import Step
from harness.scenario.step_deps import is_read, needed_names

_QUOTED = re.compile(r"'([^']+)'")


class StepBlockedError(Exception):
    """The step cannot run because of step `culprit` (0-based); `reason` says what it lacks."""

    def __init__(self, culprit: int, reason: str) -> None:
        super().__init__(reason)
        self.culprit = culprit
        self.reason = reason


@dataclass
class Cascade:
    steps: tuple[Step, ...]
    failed: dict[int, str] = field(default_factory=dict)  # step -> why it failed
    owed: dict[str, int] = field(default_factory=dict)  # saved name -> the step that owes it
    halted: tuple[int, str] | None = None  # (culprit, why) once nothing later can be judged

    def fail(self, step: int, why: str) -> None:
        """Step `step` failed; the first reason given is the one kept."""
        self.failed.setdefault(step, why)

    def halt(self, culprit: int, why: str) -> None:
        if self.halted is None:
            self.halted = (culprit, why)

    def owe(self, name: str, step: int) -> None:
        self.owed[name] = step

    def check(self, step: Step) -> None:
        """Raise `StepBlockedError` if `step` reads a value a failed step did not save, or the
        item halted before it."""
        missing = [name for name in needed_names(step) if name in self.owed]
        if missing:
            culprit = self.owed[missing[0]]
            names = ", ".join(f"${{{name}}}" for name in missing)
            raise StepBlockedError(culprit, self.needs(culprit, names))
        if self.halted is not None:
            raise StepBlockedError(*self.halted)

    def needs(self, culprit: int, what: str) -> str:
        why = self.failed.get(culprit, "it failed")
        line = self.steps[culprit].line
        return f"needs {what}, which step {culprit + 1} (line {line}) did not provide: {why}"

    def blocked(self, step: Step, culprit: int) -> None:
        """`step` did not run: what it saves is owed too, and a skipped write leaves the target
        short of a change later reads would judge, so every step after it is blocked."""
        for name in step.save:
            self.owe(name, culprit)
        if not is_read(step):
            why = f"follows step {step.index + 1}, a change that was blocked: what it would "
            self.halt(culprit, why + "have changed cannot be judged")

    def missing_id(self, error: KeyError) -> StepBlockedError | None:
        """An id the IdP never learned, after a step failed, is that step's doing (a user
        never created, a catalogue without the group a rule names). The failed step naming
        the same alias is blamed, else the latest; None when no step failed."""
        if not self.failed:
            return None
        text = str(error.args[0]) if error.args else ""
        quoted = _QUOTED.search(text)
        alias = quoted.group(1) if quoted else text
        naming = [i for i in self.failed if alias in str(self.steps[i].args)]
        culprit = max(naming or self.failed)
        return StepBlockedError(culprit, self.needs(culprit, f"the id of {alias!r}"))
