"""Recordings round-trip through their file, read a run's results.jsonl, and refuse bad lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from harness.capture.recording import (
    Recording,
    RecordingError,
    RecordingHeader,
    Take,
    read_recording,
    write_recording,
)
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from reports.validate import schema


def _exchange(status: int = 201) -> Exchange:
    return Exchange(
        request=RecordedRequest(
            method="POST",
            url="http://127.0.0.1:9/scim/v2/Users",
            headers={"Content-Type": "application/scim+json"},
            body='{"userName": "ann"}',
        ),
        response=RecordedResponse(
            status=status,
            headers={"content-type": "application/scim+json"},
            body='{"id": "1"}',
            truncated=False,
        ),
        elapsed_ms=1.5,
        error=None,
    )


def test_a_written_recording_reads_back_whole(tmp_path: Path) -> None:
    header = RecordingHeader(
        source="proxy",
        origin="http://127.0.0.1:9",
        idp="okta",
        scrubbed={"email": 2},
        notes=("a note",),
    )
    recording = Recording(header=header, takes=(Take(exchange=_exchange(), label="create"),))
    write_recording(tmp_path / "r.jsonl", recording)
    assert read_recording(tmp_path / "r.jsonl") == recording


def test_a_recording_cut_short_still_reads_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    header = RecordingHeader(source="proxy", origin="x")
    write_recording(path, Recording(header=header, takes=(Take(exchange=_exchange()),)))
    # The proxy was killed before its last line.
    path.write_text("".join(path.read_text("utf-8").splitlines(keepends=True)[:-1]), "utf-8")
    read = read_recording(tmp_path / "r.jsonl")
    assert not read.complete
    assert len(read.exchanges) == 1
    assert any("cut short" in note for note in read.header.notes)


def test_a_runs_results_file_reads_as_a_recording(tmp_path: Path) -> None:
    lines = [
        {"event": "RunStarted", "v": 1, "target": "http://127.0.0.1:9/scim/v2"},
        {
            "event": "ExchangeRecorded",
            "v": 1,
            "item": "core/x[rfc]",
            "step": 0,
            "sequence": 1,
            "exchange": _exchange().to_dict(),
            "curl": "",
            "setup": False,
        },
    ]
    path = tmp_path / "results.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    read = read_recording(path)
    assert read.header.source == "run"
    assert read.takes[0].label == "core/x[rfc]"
    assert read.exchanges[0] == _exchange()
    assert not read.complete


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("not json\n", ":1: not a JSON line"),
        ("[" * 100_000 + "]" * 100_000 + "\n", ":1: JSON nested too deeply"),
        ('{"event": "RecordingStarted", "v": 7}\n', "format version 7"),
        ('{"event": "ItemStarted", "v": 1}\n', "starts with 'ItemStarted'"),
        (
            '{"event": "RecordingStarted", "v": 1, "source": "fax", "origin": ""}\n',
            "unknown recording source",
        ),
        (
            '{"event": "RecordingStarted", "v": 1, "source": "har", "origin": ""}\n'
            '{"event": "ExchangeRecorded", "v": 1,'
            ' "exchange": {"request": {}, "response": null}}\n',
            ":2: not an exchange (missing 'method')",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RecordingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_recording(path)


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="no such file"):
        read_recording(tmp_path / "absent.jsonl")


def test_every_line_of_a_recording_is_a_results_format_record(tmp_path: Path) -> None:
    header = RecordingHeader(source="har", origin="session.har", scrubbed={"name": 1})
    write_recording(
        tmp_path / "r.jsonl", Recording(header=header, takes=(Take(exchange=_exchange()),))
    )
    validator = Draft202012Validator(schema())
    lines = (tmp_path / "r.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["event"] for line in lines] == [
        "RecordingStarted",
        "ExchangeRecorded",
        "RecordingFinished",
    ]
    for line in lines:
        assert list(validator.iter_errors(json.loads(line))) == []
