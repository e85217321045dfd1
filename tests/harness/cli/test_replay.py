"""`scimcert replay` refuses a bad recording in one line (exit 2) and never runs one with nothing
to replay (exit 4, no verdict). Replays that run: tests/harness/capture/test_replay_round_trip.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.capture.recording import FINISHED, STARTED
from harness.cli.main import main
from verdict.events import FORMAT_VERSION

UNUSED_URL = "http://127.0.0.1:9/scim/v2"  # nothing is sent to it


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


def _line(record: Mapping[str, object]) -> str:
    return json.dumps({"v": FORMAT_VERSION, **record}) + "\n"


def _replay(recording: Path, report: Path, capsys: pytest.CaptureFixture[str]) -> Done:
    """In-process: neither case gets as far as the run."""
    argv = ["replay", str(recording), "--url", UNUSED_URL, "--report-dir", str(report), "--json"]
    code = main(argv)
    out, err = capsys.readouterr()
    return Done(code, out, err)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("", "empty; a recording starts with a RecordingStarted line"),
        ('{"event": "ItemStarted", "v": 1}\n', "starts with 'ItemStarted'"),
        ("not json\n", "1: not a JSON line"),
    ],
)
def test_a_bad_recording_is_one_line_and_exit_2(
    tmp_path: Path, content: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    recording = tmp_path / "bad.jsonl"
    recording.write_text(content, encoding="utf-8")
    done = _replay(recording, tmp_path / "report", capsys)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and error in done.stderr
    assert done.stderr.startswith(f"scimcert replay: {recording}")
    assert not (tmp_path / "report").exists()


def test_a_recording_with_nothing_to_replay_is_not_run_and_has_no_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    opened = {"event": STARTED, "source": "proxy", "origin": "http://10.0.0.9"}
    empty.write_text(_line(opened) + _line({"event": FINISHED, "exchanges": 0}), "utf-8")
    done = _replay(empty, tmp_path / "report", capsys)
    assert done.returncode == 4
    assert "nothing to replay in" in done.stderr and "it holds no exchange" in done.stderr
    summary = json.loads(done.stdout.splitlines()[-1])
    assert (summary["exit_code"], summary["verdict"], summary["replay"]["replayed"]) == (
        4,
        "SKIP",
        0,
    )
    assert not (tmp_path / "report").exists()
