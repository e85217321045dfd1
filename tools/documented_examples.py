"""Build the vendor-documented example recordings (mock_idp/documented/*.jsonl) from their
transcriptions (tools/documented/*.yaml), or check that they are in step.

A transcription holds what a vendor's public page prints, as printed: each example's title, method,
path (under a placeholder base URL the file names), headers and body, and the response when the
page prints one. Everything the page leaves out is said in `notes`, never filled in. The recordings
are what `scimcert idp diff` and `scimcert replay` read (docs/recordings.md).

    python tools/documented_examples.py          # rewrite the recordings
    python tools/documented_examples.py --check  # exit 1 when a recording is out of step
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from harness.capture.recording import Recording, RecordingHeader, Take, write_recording
from harness.transport.exchange import Exchange, RecordedRequest, RecordedResponse
from harness.transport.redactor import Redactor

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tools" / "documented"
TARGET = ROOT / "mock_idp" / "documented"


def _response(printed: Mapping[str, Any] | None) -> RecordedResponse | None:
    if printed is None:
        return None
    headers = {str(k).lower(): str(v) for k, v in (printed.get("headers") or {}).items()}
    return RecordedResponse(
        status=int(printed["status"]), headers=headers, body=str(printed["body"]), truncated=False
    )


def _take(base: str, example: Mapping[str, Any]) -> Take:
    body = example.get("body")
    request = RecordedRequest(
        method=str(example["method"]),
        url=base + str(example["path"]),
        headers={str(k): str(v) for k, v in (example.get("headers") or {}).items()},
        body=None if body is None else str(body),
    )
    exchange = Exchange(
        request=request, response=_response(example.get("response")), elapsed_ms=0.0, error=None
    )
    # The same redaction as every recording (docs/secrets.md): a page's placeholder password is
    # still a password field, and a shipped file must pass `scimcert scan`.
    return Take(exchange=Redactor().exchange(exchange), label=str(example["title"]))


def recording(source: Mapping[str, Any]) -> Recording:
    """The recording a transcription describes; each example's own note joins the header's."""
    examples = source["examples"]
    notes = [str(note) for note in source.get("notes") or []]
    notes += [f"{e['title']}: {e['note']}" for e in examples if e.get("note")]
    header = RecordingHeader(
        source="vendor-documentation",
        origin=str(source["origin"]),
        idp=str(source["idp"]),
        notes=tuple(notes),
    )
    base = str(source["base"])
    return Recording(header=header, takes=tuple(_take(base, e) for e in examples))


def build(source_file: Path, folder: Path) -> Path:
    source = yaml.safe_load(source_file.read_text("utf-8"))
    target = folder / str(source["file"])
    write_recording(target, recording(source))
    return target


def stale(sources: Path = SOURCES, target: Path = TARGET) -> list[str]:
    """The recordings under `target` that differ from what their transcriptions build."""
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        for source_file in sorted(sources.glob("*.yaml")):
            built = build(source_file, Path(scratch))
            shipped = target / built.name
            if not shipped.exists() or shipped.read_text("utf-8") != built.read_text("utf-8"):
                found.append(shipped.name)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if not args.check:
        for source_file in sorted(SOURCES.glob("*.yaml")):
            print(build(source_file, TARGET).relative_to(ROOT))
        return 0
    out_of_step = stale()
    for name in out_of_step:
        print(f"{name}: out of step with tools/documented/; run tools/documented_examples.py")
    return 1 if out_of_step else 0


if __name__ == "__main__":
    sys.exit(main())
