"""A run's invocation: every setting, as the `scimcert run` command line that repeats it exactly.

Recorded in `results.jsonl` (never a secret: tokens and client secrets only ever come from the
environment), with the baseline's rules and digests of the profiles and scenario files, so a
rerun can be told apart from a run of changed data. The same table turns the record back into
a command: the whole run, or one item of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.scenario.model import Scenario
from mock_idp.profile import Profile
from reports.rerun import command


@dataclass(frozen=True, slots=True)
class Option:
    dest: str  # the pytest option (`--scim-...`), as pytest stores it
    flag: str  # the `scimcert run` flag
    switch: bool = False  # a flag that takes no value


OPTIONS = (
    Option("scim_url", "--url"),
    Option("scim_idp", "--idp"),
    Option("scim_tags", "--tags"),
    Option("scim_scenario", "--scenario"),
    Option("scim_scenarios", "--scenarios"),
    Option("scim_app_url", "--app-url"),
    Option("scim_auth", "--auth"),
    Option("scim_token_url", "--token-url"),
    Option("scim_client_id", "--client-id"),
    Option("scim_timeout", "--timeout"),
    Option("scim_budget", "--budget"),
    Option("scim_insecure", "--insecure", switch=True),
    Option("scim_ca_bundle", "--ca-bundle"),
    Option("scim_fail_on", "--fail-on"),
    Option("scim_gate", "--gate"),
    Option("scim_baseline", "--baseline"),
    Option("scim_order", "--order"),
    Option("scim_okta_pauses", "--okta-pauses", switch=True),
)
# Taken from the run's settings (a generated seed or run id is only known there).
REPLAYED = ("--seed", "--run-id")


def _digest(data: object) -> str:
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def profile_digest(profile: Profile) -> str:
    return _digest([profile.headers, profile.verbs, profile.options])


def scenario_digest(scenario: Scenario) -> str:
    return hashlib.sha256(Path(scenario.source).read_bytes()).hexdigest()[:16]


def options_of(getoption: Any, seed: int, run_id: str) -> dict[str, Any]:
    """The flags of the run with the values it used; unset ones are left out."""
    found: dict[str, Any] = {}
    for option in OPTIONS:
        value = getoption(option.dest, None)
        if value in (None, "", False):
            continue
        found[option.flag] = True if option.switch else str(value)
    found["--seed"], found["--run-id"] = str(seed), run_id
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
