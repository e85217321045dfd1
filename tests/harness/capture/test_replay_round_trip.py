"""The round trip: a run recorded against one fresh reference server replays against another with
no difference, and against a server with a deliberate fault shows the fault as a failure of the
exchange it changed (issue 19)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.capture.recording import Recording, RecordingHeader, read_recording, write_recording
from tests.support.fault_runs import Bite, bite
from tests.support.reference import RunningServer
from tests.support.replaying import replay, scimcert

# Group membership (ids travel into member values and PATCH filters), a user updated,
# deactivated, reactivated and deleted, and requests without or with wrong credentials.
RECORDED = "core/groups,core/user-lifecycle,core/errors"
# Okta sends a password on create, which the recording redacts: the replay sends its own.
PROFILES = "rfc,okta-oin"
TIMEOUT = 120


# Fault -> the scenarios whose recording shows it and the replay checks it must trip: the
# coverage of the replay checks (tests/faults/test_coverage.py), each shown failing here.
REPLAY_BITES: dict[str, Bite] = {
    # PATCH adding members answers 200 and adds no one: the answer's members differ.
    "group-adds-ignored": bite(RECORDED, must=["replay-body-matches"]),
    # DELETE answers 204 and removes nothing: the GET after it is 200, not the recorded 404.
    "delete-not-deleting": bite(RECORDED, must=["replay-status-matches"]),
}
# Where each fault first shows: (method, path segment) of the recorded exchange that fails.
FIRST_FAILURE = {"group-adds-ignored": ("PATCH", "/Groups/"), "delete-not-deleting": ("GET", "/")}


@pytest.fixture(scope="module")
def recorded(
    servers: Callable[..., RunningServer], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A run of the scenarios against a fresh server; its results.jsonl is the recording."""
    server, report = servers(), tmp_path_factory.mktemp("recorded")
    argv = ["run", "--url", server.url, "--idp", PROFILES, "--scenario", RECORDED]
    done = scimcert(*argv, "--report-dir", str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    return report / "results.jsonl"


def _failed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["event"] == "CheckEvaluated" and not r["passed"]]


def test_a_recorded_run_replays_against_a_fresh_server_with_no_difference(
    recorded: Path, servers: Callable[..., RunningServer], tmp_path: Path
) -> None:
    recording = read_recording(recorded)
    replayed = replay(recorded, servers(), tmp_path / "replay")
    assert replayed.code == 0, replayed.output
    exchanges = len(recording.takes)
    assert exchanges > 20
    bodies = [take.exchange.request.body or "" for take in recording.takes]
    assert any('"password": "[REDACTED]"' in body for body in bodies)  # replayed all the same
    assert replayed.summary["replay"] == {
        "recording": str(recorded),
        "exchanges": exchanges,
        "replayed": exchanges,
        "not_replayable": [],
        "cut_short": False,
    }
    assert (replayed.summary["verdict"], replayed.summary["status"]) == ("PASS", "PARTIAL")
    assert _failed(replayed.records) == []
    graded = [r for r in replayed.records if r["event"] == "CheckEvaluated"]
    assert sum(r["check"] == "replay-status-matches" for r in graded) == exchanges
    assert sum(r["check"] == "replay-body-matches" for r in graded) > exchanges // 2
    # Every id the fresh server assigned travelled: no request named a recorded id.
    recorded_ids = _assigned_ids(recording)
    sent = [r["exchange"]["request"] for r in replayed.records if r["event"] == "ExchangeRecorded"]
    assert len(recorded_ids) >= 3
    named = [r["url"] for r in sent if _names(r["url"] + (r["body"] or ""), recorded_ids)]
    assert named == []
    title = next(r["title"] for r in replayed.records if r["event"] == "ItemStarted")
    assert (
        title
        == f"Replay of results.jsonl: {exchanges} exchanges, {exchanges} replayed, 0 not replayable"
    )
    assert f"scimcert replay: a replay of {recorded}: {exchanges} exchanges" in replayed.output


@pytest.mark.parametrize("fault", sorted(REPLAY_BITES))
def test_a_fault_shows_as_a_failure_of_the_exchange_it_changed(
    fault: str, recorded: Path, servers: Callable[..., RunningServer], tmp_path: Path
) -> None:
    row = REPLAY_BITES[fault]
    replayed = replay(recorded, servers("--fault", fault), tmp_path / "replay")
    assert replayed.code == 1, replayed.output
    assert replayed.summary["verdict"] == "FAIL"
    failed = _failed(replayed.records)
    assert row.must <= {r["check"] for r in failed} <= row.must | row.may
    # The first failing step is the recorded exchange the fault changes, and the console names it.
    first = failed[0]["step"]
    exchange = read_recording(recorded).takes[first].exchange
    method, segment = FIRST_FAILURE[fault]
    assert exchange.request.method == method and segment in exchange.request.url
    assert f"step {first + 1}" in replayed.output and "FAIL  replay/results[rfc]" in replayed.output


def _assigned_ids(recording: Recording) -> set[str]:
    found = set()
    for take in recording.takes:
        response = take.exchange.response
        if response is not None and response.status == 201:
            found.add(str(response.json()["id"]))
    return found


def _names(text: str, ids: set[str]) -> bool:
    return any(one in text for one in ids)


def test_a_recording_cut_short_is_replayed_and_says_so(
    recorded: Path, servers: Callable[..., RunningServer], tmp_path: Path
) -> None:
    """The requests that change nothing (core/errors), in a recorder's file whose closing line
    was lost (the recorder was killed)."""
    takes = tuple(t for t in read_recording(recorded).takes if t.label == "core/errors[rfc]")
    cut = tmp_path / "cut.jsonl"
    header = RecordingHeader(source="proxy", origin="http://127.0.0.1:9", idp="okta")
    write_recording(cut, Recording(header=header, takes=takes))
    lines = cut.read_text("utf-8").splitlines(keepends=True)
    assert json.loads(lines[-1])["event"] == "RecordingFinished"
    cut.write_text("".join(lines[:-1]), "utf-8")
    # The folder holds an earlier replay: its reports and scenario are moved away together.
    (tmp_path / "replay" / "replay-of-old").mkdir(parents=True)
    (tmp_path / "replay" / "replay-of-old" / "old.yaml").write_text("id: x\n", "utf-8")
    (tmp_path / "replay" / "results.jsonl").write_text('{"run_id": "r0"}\n', "utf-8")
    replayed = replay(cut, servers(), tmp_path / "replay")
    assert replayed.code == 0, replayed.output
    assert (tmp_path / "replay.r0" / "replay-of-old" / "old.yaml").is_file()
    assert sorted(p.name for p in (tmp_path / "replay").glob("replay-of-*")) == ["replay-of-cut"]
    said = f"scimcert replay: a replay of {cut}: 3 exchanges, 3 replayed, 0 not replayable; "
    said += "the recording was cut short (no closing line): what followed is missing"
    assert replayed.output.splitlines()[0] == said
    assert replayed.summary["replay"]["cut_short"] is True
    assert (replayed.summary["verdict"], replayed.summary["status"]) == ("PASS", "PARTIAL")
    title = next(r["title"] for r in replayed.records if r["event"] == "ItemStarted")
    assert title == "Replay of cut.jsonl: 3 exchanges, 3 replayed, 0 not replayable, cut short"
    # Without and with a wrong credential, as recorded.
    sent = [r["exchange"]["request"] for r in replayed.records if r["event"] == "ExchangeRecorded"]
    assert ["Authorization" in request["headers"] for request in sent] == [True, False, True]
