"""The vendor-documented examples ship as recordings that read, carry their sources, and stay in
step with their transcriptions (tools/documented/*.yaml)."""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import pytest

from harness.capture.recording import read_recording

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))
documented = importlib.import_module("documented_examples")
SHIPPED = sorted((ROOT / "mock_idp" / "documented").glob("*.jsonl"))


def test_every_transcription_has_its_recording_in_step() -> None:
    assert len(SHIPPED) == len(list(documented.SOURCES.glob("*.yaml"))) >= 4
    assert documented.stale() == []


def test_a_recording_edited_by_hand_is_out_of_step(tmp_path: Path) -> None:
    for path in SHIPPED:
        shutil.copy(path, tmp_path / path.name)
    edited = tmp_path / "okta-scim20.jsonl"
    edited.write_text(edited.read_text("utf-8").replace("Client 1.0.0", "Client 9.9.9", 1), "utf-8")
    assert documented.stale(target=tmp_path) == ["okta-scim20.jsonl"]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_each_recording_reads_and_names_its_public_source(path: Path) -> None:
    recording = read_recording(path)
    assert recording.complete
    assert recording.header.source == "vendor-documentation"
    assert recording.header.origin.startswith(("https://developer.okta.com/", "https://learn."))
    assert recording.header.idp in ("okta", "entra")
    assert any("#" in note for note in recording.header.notes)  # the sections it comes from
    assert all(take.label != "recording" for take in recording.takes)
    for take in recording.takes:
        # Secrets never reach a shipped file, even a placeholder the page prints.
        auth = take.exchange.request.headers.get("Authorization")
        assert auth in (None, "[REDACTED]")
        body = take.exchange.request.body or ""
        assert '"password"' not in body or '"password": "[REDACTED]"' in body
