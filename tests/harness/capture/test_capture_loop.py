"""Issue 19's loop, end to end: every IdP profile's run recorded through `scimcert record`, then
`scimcert replay`ed against a fresh reference server with no difference, and against a server
with a deliberate fault, where the fault shows as a failure.

The recorded run sends only SCIM (no app probe: its calls leave the SCIM base, so a replay could
not make them and the state it compares would drift).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.capture.recording import read_recording
from mock_idp.profile import all_profiles
from tests.support.recorder import start_recorder
from tests.support.reference import SCIM_TOKEN, RunningServer, run_argv
from tests.support.replaying import replay

# Users deactivated, reactivated and replaced, and groups with members, under every profile: ids
# travel into paths and member values.
SCENARIOS = "checks/deactivated-user,core/user-put,core/groups,onelogin/groups"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def recording(
    servers: Callable[..., RunningServer], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """`scimcert run --idp all` through the recording proxy, in front of a fresh server."""
    server, folder = servers(), tmp_path_factory.mktemp("recorded")
    out = folder / "recording.jsonl"
    recorder = start_recorder(server.url.removesuffix("/scim/v2"), out)
    try:
        argv = run_argv(server, folder / "report", "--idp", "all", "--scenario", SCENARIOS)
        argv[argv.index("--url") + 1] = recorder.url + "/scim/v2"
        at = argv.index("--app-url")
        del argv[at : at + 2]
        env = {**os.environ, "SCIM_TOKEN": SCIM_TOKEN}
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    finally:
        code, printed = recorder.stop(signal.SIGTERM)
    assert code == 0, printed
    return out


def test_every_profiles_recorded_run_replays_on_a_fresh_server_with_no_difference(
    recording: Path, servers: Callable[..., RunningServer], tmp_path: Path
) -> None:
    recorded = read_recording(recording)
    agents = {take.exchange.request.headers.get("user-agent") for take in recorded.takes}
    assert {profile.headers["User-Agent"] for profile in all_profiles().values()} <= agents
    replayed = replay(recording, servers(), tmp_path / "replay")
    assert replayed.code == 0, replayed.output[-3000:]
    summary = replayed.summary["replay"]
    assert summary["exchanges"] == len(recorded.takes) > 100
    assert summary["replayed"] == summary["exchanges"], summary["not_replayable"]
    assert replayed.summary["verdict"] == "PASS"


def test_the_same_recording_shows_a_fault_as_a_failure(
    recording: Path, servers: Callable[..., RunningServer], tmp_path: Path
) -> None:
    replayed = replay(recording, servers("--fault", "group-adds-ignored"), tmp_path / "replay")
    assert replayed.code == 1, replayed.output[-3000:]
    assert replayed.summary["verdict"] == "FAIL"
    failed = {
        r["check"] for r in replayed.records if r["event"] == "CheckEvaluated" and not r["passed"]
    }
    assert "replay-body-matches" in failed
