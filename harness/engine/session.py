"""One run's settings and shared state in one process (the controller or an xdist worker)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from harness.checks.baseline import Baseline
from harness.engine.exclusive import ServerLock
from harness.engine.runner import ItemRun, RunContext
from harness.engine.target import IPSIE, Target, discover
from harness.engine.token_step import TokenClient, token_client
from harness.scenario.model import Scenario
from harness.transport.auth import Auth, auth_from_env
from harness.transport.breaker import Breaker
from harness.transport.client import Transport, TransportOptions
from harness.transport.redactor import Redactor
from mock_idp.profile import Profile, select_profiles
from verdict.events import Event, ItemFinished


def new_run_id() -> str:
    return secrets.token_hex(4)


def new_seed() -> int:
    return secrets.randbelow(2**31)


@dataclass
class RunSettings:
    url: str
    idp: str = "all"
    tags: tuple[str, ...] = ()
    app_url: str | None = None
    run_id: str = field(default_factory=new_run_id)
    seed: int = field(default_factory=new_seed)
    timeout: float = 30.0
    auth_mode: str = "bearer"
    insecure: bool = False
    ca_bundle: str | None = None
    report_dir: Path | None = None
    token_url: str | None = None
    client_id: str | None = None
    pauses: bool = False
    scenario_ids: tuple[str, ...] = ()  # `--scenario`: only these scenarios
    # `--suite`: its name, and its profile ids, exactly (a family name would bring its siblings).
    suite: str = ""
    profile_ids: tuple[str, ...] = ()

    def profiles(self) -> list[Profile]:
        if self.profile_ids:
            return [
                p for p in select_profiles(",".join(self.profile_ids)) if p.id in self.profile_ids
            ]
        return select_profiles(self.idp)

    def selects(self, scenario: Scenario, profile: Profile) -> bool:
        """Whether the run's profiles, tags and `--scenario` choice include this item."""
        if self.scenario_ids and scenario.id not in self.scenario_ids:
            return False
        return applies(scenario, profile, self.tags)

    def asked(self) -> frozenset[str]:
        """The opt-in profiles the run asks to grade: IPSIE's by its tag or one of its scenarios
        (docs/ipsie-profile.md)."""
        chosen = "ipsie" in self.tags or any(s.startswith("ipsie/") for s in self.scenario_ids)
        return frozenset({IPSIE}) if chosen else frozenset()

    def auth(self) -> Auth:
        options = {"token_url": self.token_url, "client_id": self.client_id}
        return auth_from_env(
            self.auth_mode, os.environ, **{key: value for key, value in options.items() if value}
        )

    def token_client(self) -> TokenClient | None:
        """The OAuth client the token-endpoint scenarios use (docs/oauth.md), when named."""
        return token_client(self.token_url, self.client_id, os.environ)

    def app_auth(self) -> Auth:
        return auth_from_env("bearer", os.environ, token_env="SCIM_APP_TOKEN")

    def transport_options(self) -> TransportOptions:
        """Options for one process's transports; they share a fresh breaker (`breaker.py`)."""
        return TransportOptions(
            timeout=self.timeout,
            ca_bundle=self.ca_bundle,
            insecure=self.insecure,
            breaker=Breaker(),
        )


def applies(scenario: Scenario, profile: Profile, tags: tuple[str, ...]) -> bool:
    """Whether a scenario runs under a profile and the selected tags."""
    if scenario.profiles != "all" and not {profile.id, profile.family} & set(scenario.profiles):
        return False
    return not tags or bool(set(tags) & set(scenario.tags))


@dataclass
class RunState:
    settings: RunSettings
    # Shared with the run's other xdist workers; None when this process runs every item.
    lock: ServerLock | None = None
    baseline: Baseline = field(default_factory=Baseline)
    _target: Target | None = None

    def target(self) -> Target:
        """Discovered once per process, on the first item, so listing sends nothing."""
        if self._target is None:
            options = self.settings.transport_options()
            redactor = Redactor()  # one for the run: the app token is a secret in SCIM answers
            scim = Transport(self.settings.url, self.settings.auth(), options, redactor)
            app = None
            if self.settings.app_url:
                app = Transport(self.settings.app_url, self.settings.app_auth(), options, redactor)
            token = self.settings.token_client()
            self._target = discover(scim, app, token, self.settings.asked())
        return self._target

    def run_item(
        self, scenario: Scenario, profile: Profile, emit: Callable[[Event], None]
    ) -> ItemFinished:
        context = RunContext(
            run_id=self.settings.run_id, seed=self.settings.seed, pauses=self.settings.pauses
        )
        with self.lock.hold(scenario.exclusive) if self.lock else nullcontext():
            return ItemRun(scenario, profile, self.target(), context, emit).execute()
