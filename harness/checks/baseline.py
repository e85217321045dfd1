"""Expected failures: check x scenario x profile triples that do not fail the gate.

A baseline file is YAML (or JSON): a list of `{check, scenario, profile}` where `*` matches any
value. An item is expected to fail only if every MUST check it broke is listed for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

from verdict.events import ItemFinished
from verdict.outcomes import Outcome

FIELDS = ("check", "scenario", "profile")


class BaselineError(Exception):
    pass


@dataclass(frozen=True)
class Baseline:
    rules: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError) as error:
            raise BaselineError(f"baseline {path}: {error}") from error
        if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
            raise BaselineError(f"baseline {path}: expected a list of {{check, scenario, profile}}")
        rules = []
        for number, entry in enumerate(data, start=1):
            missing = [name for name in FIELDS if not isinstance(entry.get(name), str)]
            if missing:
                raise BaselineError(f"baseline {path}: entry {number} lacks {', '.join(missing)}")
            rules.append((entry["check"], entry["scenario"], entry["profile"]))
        return cls(tuple(rules))

    def _listed(self, check: str, scenario: str, profile: str) -> bool:
        return any(
            fnmatchcase(check, c) and fnmatchcase(scenario, s) and fnmatchcase(profile, p)
            for c, s, p in self.rules
        )

    def expects(self, item: ItemFinished) -> bool:
        if item.outcome is not Outcome.FAIL or not item.failed_checks:
            return False
        return all(self._listed(check, item.scenario, item.profile) for check in item.failed_checks)

    def entries(self) -> list[dict[str, str]]:
        return [dict(zip(FIELDS, rule, strict=True)) for rule in self.rules]
