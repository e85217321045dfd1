"""`idp diff` of the vendor-documented recordings against their profiles finds no undocumented
drift; a profile that drifts from the documentation is reported, and only an explanation with a
source hides a difference. The profiles really send their requests, to one reference server."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.capture.drift import compare
from harness.capture.drift_emission import emit
from harness.capture.drift_run import DiffResult, diff, profile_shapes
from harness.capture.recording import Recording, RecordingHeader, Take, read_recording
from harness.capture.shapes import Shape, shapes_of
from harness.transport.auth import bearer
from mock_idp.profile import Profile, all_profiles
from tests.support.reference import SCIM_TOKEN, RunningServer, start_server

pytestmark = pytest.mark.slow  # a reference server, and two more for the command's own runs
ROOT = Path(__file__).resolve().parents[3]
DOCUMENTED = ROOT / "mock_idp" / "documented"
# Each documented recording and the profiles of its family it describes (docs/idp-diff.md).
PAIRS = [
    ("okta-scim20.jsonl", "okta-oin"),
    ("okta-scim20.jsonl", "okta-aiw"),  # the page's PATCH examples are OIN's: AIW explains them
    ("entra-scim-tutorial.jsonl", "entra"),
    ("entra-known-issues-default.jsonl", "entra"),
    ("entra-known-issues-aadoptscim062020.jsonl", "entra-2020"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("drift") / "drift.db")
    yield running
    running.stop()


def _diff(server: RunningServer, recording: str, profile: Profile) -> DiffResult:
    path = DOCUMENTED / recording
    return diff(read_recording(path), path.name, profile, server.url, bearer(SCIM_TOKEN))


def _undocumented(result: DiffResult) -> set[tuple[str, str]]:
    return {(d.kind, d.feature) for d in result.drift.undocumented}


@pytest.fixture(scope="module")
def results(server: RunningServer) -> dict[tuple[str, str], DiffResult]:
    """Every documented pair, diffed once for the tests below."""
    return {(rec, pid): _diff(server, rec, all_profiles()[pid]) for rec, pid in PAIRS}


@pytest.mark.parametrize(("recording", "profile"), PAIRS)
def test_documented_examples_show_no_undocumented_drift(
    results: dict[tuple[str, str], DiffResult], recording: str, profile: str
) -> None:
    result = results[recording, profile]
    assert result.emission.failed == ()
    assert _undocumented(result) == set()
    assert len(result.drift.recording_kinds) >= 3


def test_every_documented_difference_explains_something(
    results: dict[tuple[str, str], DiffResult],
) -> None:
    """An explanation no documented recording needs any more is stale: remove it."""
    for profile in {pid for _, pid in PAIRS}:
        used = {
            (d.explanation.kind, d.explanation.feature)
            for (_, pid), result in results.items()
            if pid == profile
            for d in result.drift.explained
            if d.explanation is not None
        }
        declared = {(d.kind, d.feature) for d in all_profiles()[profile].documented_differences}
        assert declared <= used, profile


def test_every_shipped_recording_is_diffed() -> None:
    assert {name for name, _ in PAIRS} == {path.name for path in DOCUMENTED.glob("*.jsonl")}


def test_a_profile_writing_ops_in_another_case_is_reported(server: RunningServer) -> None:
    flagged = all_profiles()["entra-2020"]
    drifted = dataclasses.replace(flagged, options={**flagged.options, "ops": "capitalised"})
    found = _undocumented(_diff(server, "entra-known-issues-aadoptscim062020.jsonl", drifted))
    assert {("deactivate user", "op case"), ("patch user", "op case")} <= found


def test_a_profile_deactivating_with_a_path_is_reported(server: RunningServer) -> None:
    oin = all_profiles()["okta-oin"]
    # Both verbs that deactivate: a kind is compared with everything the profile sends for it.
    with_path = {verb: {**oin.verbs[verb], "path": "active"} for verb in ("deactivate", "unassign")}
    verbs = {**oin.verbs, **with_path}
    found = _undocumented(_diff(server, "okta-scim20.jsonl", dataclasses.replace(oin, verbs=verbs)))
    assert ("deactivate user", "path forms") in found
    assert ("deactivate user", "path-less value") in found


def test_a_profile_missing_a_documented_verb_is_reported(server: RunningServer) -> None:
    oin = all_profiles()["okta-oin"]
    verbs = {name: spec for name, spec in oin.verbs.items() if name != "get_group"}
    found = _undocumented(_diff(server, "okta-scim20.jsonl", dataclasses.replace(oin, verbs=verbs)))
    assert found == {("get group", "kind")}


def test_only_the_explanation_hides_a_difference(server: RunningServer) -> None:
    entra = all_profiles()["entra"]
    assert entra.documented_differences
    bare = dataclasses.replace(entra, documented_differences=())
    found = _undocumented(_diff(server, "entra-scim-tutorial.jsonl", bare))
    assert found == {("deactivate user", "value types"), ("read /Schemas", "kind")}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "harness.cli.main", "idp", "diff", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_command_exits_by_what_it_found(tmp_path: Path) -> None:
    """One fresh reference server per command: 0 in step, 1 drifted (the tutorial's capitalised
    ops against the flag's profile), 2 for a file that is no recording."""
    same = _cli(
        str(DOCUMENTED / "entra-known-issues-aadoptscim062020.jsonl"),
        "--idp",
        "entra-2020",
        "--json",
    )
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["undocumented"] == 0
    # A shipped documented recording is also found by its name alone.
    drifted = _cli("entra-scim-tutorial.jsonl", "--idp", "entra-2020")
    assert drifted.returncode == 1, drifted.stderr
    assert "DIFFERENT op case: the recording has capitalised; the profile sends lowercase" in (
        drifted.stdout
    )
    (tmp_path / "bad.jsonl").write_text("not json\n")
    assert _cli(str(tmp_path / "bad.jsonl"), "--idp", "entra").returncode == 2


def test_every_profile_can_be_diffed(server: RunningServer) -> None:
    """Each profile goes through the lifecycle without a verb it speaks failing to send, so no
    kind is missing from its side for want of an id."""
    for profile in all_profiles().values():
        emission = emit(profile, server.url, bearer(SCIM_TOKEN))
        kinds = {shape.kind for shape in profile_shapes(emission)}
        assert emission.failed == (), profile.id
        assert {"create user", "create group"} <= kinds, profile.id


def _captured(server: RunningServer, profile: str) -> Recording:
    """What a recording proxy would have kept of the profile's traffic: every header included."""
    emission = emit(all_profiles()[profile], server.url, bearer(SCIM_TOKEN))
    takes = tuple(Take(exchange=exchange, label=verb) for verb, exchange in emission.exchanges)
    return Recording(header=RecordingHeader(source="proxy", origin=server.url), takes=takes)


def test_a_capture_of_a_profile_matches_it_and_not_another(server: RunningServer) -> None:
    capture = _captured(server, "okta-oin")
    same = compare(shapes_of(capture), _captured_shapes(server, "okta-oin"))
    assert same.undocumented == ()
    other = compare(shapes_of(capture), _captured_shapes(server, "entra"))
    found = {(d.kind, d.feature) for d in other.undocumented}
    assert {("filter users", "query encoding"), ("deactivate user", "op case")} <= found
    # Headers are facts in a capture: Okta's charset on Content-Type shows.
    assert ("create user", "content type") in found
    assert any(d.feature == "user agent" and d.informational for d in other.differences)


def _captured_shapes(server: RunningServer, profile: str) -> list[Shape]:
    return profile_shapes(emit(all_profiles()[profile], server.url, bearer(SCIM_TOKEN)))
