"""An item's outcome from the checks it evaluated: the level of each broken check decides."""

from __future__ import annotations

from collections.abc import Iterable

from .events import CheckEvaluated
from .outcomes import LEVEL_EFFECT, Level, Outcome


def item_outcome(results: Iterable[CheckEvaluated]) -> tuple[Outcome, list[str], list[str]]:
    """FAIL if a MUST check broke, WARN if a SHOULD check broke; a broken MAY is only a note."""
    failed: list[str] = []
    warned: list[str] = []
    for result in results:
        effect = LEVEL_EFFECT[Level(result.level)]
        if result.passed or effect is Outcome.PASS:
            continue
        broken = failed if effect is Outcome.FAIL else warned
        if result.check not in broken:
            broken.append(result.check)
    if failed:
        return Outcome.FAIL, failed, warned
    return (Outcome.WARN if warned else Outcome.PASS), failed, warned
