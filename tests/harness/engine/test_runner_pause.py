"""`do: pause` steps send nothing and wait only when the run replays Okta's pauses, or when the
step says `always: true` (a wait the scenario grades, such as a cursor's expiry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine.runner import ItemRun, RunContext
from harness.engine.target import Capabilities, Target
from harness.scenario.model import load_scenario
from harness.transport.auth import no_auth
from harness.transport.client import Transport
from mock_idp.profile import select_profiles
from verdict.outcomes import Outcome


def run_pauses(
    tmp_path: Path,
    *,
    pauses: bool,
    monkeypatch: pytest.MonkeyPatch,
    steps: str = "  - {do: pause, seconds: 5}\n  - {do: pause, seconds: 10}\n",
) -> list[float]:
    (tmp_path / "p.yaml").write_text(
        f"id: x/pauses\ntitle: Pauses\nsteps:\n{steps}", encoding="utf-8"
    )
    slept: list[float] = []
    monkeypatch.setattr("harness.engine.runner.time.sleep", slept.append)
    unreachable = Transport("http://127.0.0.1:9/scim/v2", no_auth())
    target = Target(scim=unreachable, app=None, capabilities=Capabilities(frozenset()))
    events: list[object] = []
    finished = ItemRun(
        load_scenario(tmp_path / "p.yaml"),
        select_profiles("rfc")[0],
        target,
        RunContext(run_id="pause01", seed=1, pauses=pauses),
        events.append,
    ).execute()
    assert finished.outcome is Outcome.PASS
    assert not any(type(event).__name__ == "ExchangeRecorded" for event in events)
    return slept


def test_pauses_are_dropped_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_pauses(tmp_path, pauses=False, monkeypatch=monkeypatch) == []


def test_okta_pauses_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_pauses(tmp_path, pauses=True, monkeypatch=monkeypatch) == [5.0, 10.0]


def test_a_pause_marked_always_waits_without_okta_pauses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = "  - {do: pause, seconds: 6, always: true}\n  - {do: pause, seconds: 10}\n"
    assert run_pauses(tmp_path, pauses=False, monkeypatch=monkeypatch, steps=steps) == [6.0]
