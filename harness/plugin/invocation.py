"""A run's invocation: every setting, as the `scimcert run` command line that repeats it exactly.

Recorded in `results.jsonl` (never a secret: tokens and client secrets only ever come from the
environment), with the baseline's rules and digests of the profiles and scenario files, so a
rerun can be told apart from a run of changed data. The options recorded are those
`harness/plugin/options.py` marks so; `reports/rerun.py` turns them back into a command.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from harness.scenario.model import Scenario
from mock_idp.profile import Profile
from reports.rerun import command

from . import options

# Taken from the run's settings: a generated seed or run id is only known there.
REPLAYED = ("seed", "run_id")


def _digest(data: object) -> str:
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def profile_digest(profile: Profile) -> str:
    return _digest([profile.headers, profile.verbs, profile.options])


def scenario_digest(scenario: Scenario) -> str:
    return hashlib.sha256(Path(scenario.source).read_bytes()).hexdigest()[:16]


def options_of(getoption: Any, seed: int, run_id: str) -> dict[str, Any]:
    """The flags of the run with the values it used (`RUN_OPTIONS`' recorded ones, in its
    order); unset ones are left out."""
    replayed = dict(zip(REPLAYED, (str(seed), run_id), strict=True))
    found: dict[str, Any] = {}
    for option in options.RUN_OPTIONS:
        if not option.recorded:
            continue
        value = replayed[option.name] if option.name in replayed else getoption(option.dest, None)
        if value in (None, "", False):
            continue
        found[option.flag] = True if option.switch else str(value)
    return found


def record(
    options: Mapping[str, Any],
    *,
    workers: int,
    baseline: list[dict[str, str]],
    profiles: Iterable[Profile],
    scenarios: Iterable[Scenario],
) -> dict[str, Any]:
    chosen = list(profiles)
    return {
        "options": dict(options),
        "workers": workers,
        "baseline": baseline,
        "profiles": {profile.id: profile_digest(profile) for profile in chosen},
        # For the report's legend: what each profile id stands for, and its IdP family.
        "profile_titles": {profile.id: profile.title for profile in chosen},
        "profile_families": {profile.id: profile.family for profile in chosen},
        "scenarios": {scenario.id: scenario_digest(scenario) for scenario in scenarios},
        "command": command(options, workers=workers),
    }
