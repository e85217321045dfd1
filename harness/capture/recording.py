"""A recording: exchanges an IdP and a SCIM server really had, in the results format.

A recording file is JSON lines, read and written here only. It opens with a `RecordingStarted`
record (where the exchanges came from, which IdP sent them, what scrubbing replaced), then one
`ExchangeRecorded` per exchange in wire order, exactly as a run writes them, and ends with
`RecordingFinished`. A file without the end is a recording cut short (the proxy was killed): it
still reads, and says so. A run's own `results.jsonl` reads as a recording too, its exchanges in
file order (docs/recordings.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from harness.transport.exchange import (
    Exchange,
    RecordedRequest,
    RecordedResponse,
    TransportError,
    curl_command,
)
from verdict.events import FORMAT_VERSION

STARTED, FINISHED, EXCHANGE = "RecordingStarted", "RecordingFinished", "ExchangeRecorded"
SOURCES = ("proxy", "har", "vendor-documentation", "run")
DEFAULT_LABEL = "recording"


class RecordingError(ValueError):
    """A file that is not a readable recording; the message names the file and the line."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordingHeader:
    source: str  # one of SOURCES
    origin: str  # the upstream URL, the HAR file's name, the documentation's URL, the run's target
    idp: str = ""  # the recognised profile family ("okta", "entra"), "" when not recognised
    recorded_at: str = ""
    scrubbed: Mapping[str, int] = field(default_factory=dict)  # kind -> values replaced
    notes: tuple[str, ...] = ()  # what a reader should know (a source's caveats, a cut)

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"unknown recording source {self.source!r}; use one of {SOURCES}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Take:
    """One exchange of a recording; `label` names it (a documented example's title, a run item)."""

    exchange: Exchange
    label: str = DEFAULT_LABEL


@dataclass(frozen=True, slots=True, kw_only=True)
class Recording:
    header: RecordingHeader
    takes: tuple[Take, ...]
    complete: bool = True  # False: the file had no RecordingFinished (cut short)

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        return tuple(take.exchange for take in self.takes)


class RecordingWriter:
    """Writes as exchanges come, flushing each line, so a killed proxy loses nothing it saw."""

    def __init__(self, path: Path, header: RecordingHeader) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO = path.open("w", encoding="utf-8")
        self._count = 0
        self._line(header_record(header))

    def add(self, take: Take) -> None:
        self._count += 1
        self._line(take_record(take, self._count))

    def close(self) -> None:
        if not self._file.closed:
            self._line({"event": FINISHED, "v": FORMAT_VERSION, "exchanges": self._count})
            self._file.close()

    def _line(self, record: Mapping[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()


def write_recording(path: Path, recording: Recording) -> None:
    writer = RecordingWriter(path, recording.header)
    try:
        for take in recording.takes:
            writer.add(take)
    finally:
        writer.close()


def header_record(header: RecordingHeader) -> dict[str, Any]:
    return {
        "event": STARTED,
        "v": FORMAT_VERSION,
        "source": header.source,
        "origin": header.origin,
        "idp": header.idp,
        "recorded_at": header.recorded_at,
        "scrubbed": dict(header.scrubbed),
        "notes": list(header.notes),
    }


def take_record(take: Take, sequence: int) -> dict[str, Any]:
    """The same `ExchangeRecorded` a run writes; `step` is the 0-based position in the recording."""
    return {
        "event": EXCHANGE,
        "v": FORMAT_VERSION,
        "item": take.label,
        "step": sequence - 1,
        "sequence": sequence,
        "exchange": take.exchange.to_dict(),
        "curl": curl_command(take.exchange),
        "setup": False,
    }


def read_recording(path: Path) -> Recording:
    """A recording file, or a run's results.jsonl read as one; RecordingError says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RecordingError(f"{path}: cannot be read ({error})") from None
    return parse_recording(text.splitlines(), str(path))


def parse_recording(lines: Iterable[str], name: str) -> Recording:
    records = list(_records(lines, name))
    if not records:
        raise RecordingError(f"{name}: empty; a recording starts with a {STARTED} line")
    first_line, first = records[0]
    if first.get("event") == "RunStarted":
        header = RecordingHeader(source="run", origin=str(first.get("target", "")))
        takes = _takes(records, name)
        return Recording(header=header, takes=takes, complete=_has(records, "RunFinished"))
    if first.get("event") != STARTED:
        raise RecordingError(
            f"{name}:{first_line}: starts with {first.get('event')!r}; a recording starts with "
            f"{STARTED} (or RunStarted, a run's results.jsonl)"
        )
    header = _header(first, f"{name}:{first_line}")
    complete = _has(records, FINISHED)
    takes = _takes(records, name)
    if not complete:
        cut = f"cut short: no {FINISHED} line, {len(takes)} exchanges read"
        header = RecordingHeader(**{**_header_fields(header), "notes": (*header.notes, cut)})
    return Recording(header=header, takes=takes, complete=complete)


def _records(lines: Iterable[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise RecordingError(f"{name}:{number}: not a JSON line ({error.msg})") from None
        except RecursionError:
            # A hostile line nested a million levels deep is bad input, not a crash.
            raise RecordingError(f"{name}:{number}: JSON nested too deeply to read") from None
        if not isinstance(record, dict):
            raise RecordingError(f"{name}:{number}: a line must be a JSON object")
        if record.get("v") != FORMAT_VERSION:
            raise RecordingError(
                f"{name}:{number}: format version {record.get('v')!r}; this scimcert reads "
                f"{FORMAT_VERSION}"
            )
        yield number, record


def _has(records: list[tuple[int, dict[str, Any]]], event: str) -> bool:
    return any(record.get("event") == event for _, record in records)


def _takes(records: list[tuple[int, dict[str, Any]]], name: str) -> tuple[Take, ...]:
    takes = []
    for number, record in records:
        if record.get("event") != EXCHANGE:
            continue
        where = f"{name}:{number}"
        label = record.get("item", DEFAULT_LABEL)
        takes.append(
            Take(exchange=exchange_from_dict(record.get("exchange"), where), label=str(label))
        )
    return tuple(takes)


def _header(record: Mapping[str, Any], where: str) -> RecordingHeader:
    scrubbed = record.get("scrubbed", {})
    notes = record.get("notes", [])
    if not isinstance(scrubbed, dict) or not all(isinstance(n, int) for n in scrubbed.values()):
        raise RecordingError(f"{where}: 'scrubbed' must map a kind to a count")
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise RecordingError(f"{where}: 'notes' must be a list of strings")
    try:
        return RecordingHeader(
            source=str(record.get("source", "")),
            origin=str(record.get("origin", "")),
            idp=str(record.get("idp", "")),
            recorded_at=str(record.get("recorded_at", "")),
            scrubbed=dict(scrubbed),
            notes=tuple(notes),
        )
    except ValueError as error:
        raise RecordingError(f"{where}: {error}") from None


def _header_fields(header: RecordingHeader) -> dict[str, Any]:
    return {name: getattr(header, name) for name in RecordingHeader.__slots__}


def exchange_from_dict(data: Any, where: str = "exchange") -> Exchange:
    """The inverse of `Exchange.to_dict`, with a located error for anything malformed."""
    try:
        request = data["request"]
        response = data["response"]
        error = data.get("error")
        return Exchange(
            request=RecordedRequest(
                method=_text(request["method"]),
                url=_text(request["url"]),
                headers=_headers(request["headers"]),
                body=None if request["body"] is None else _text(request["body"]),
            ),
            response=None
            if response is None
            else RecordedResponse(
                status=_status(response["status"]),
                headers={k.lower(): v for k, v in _headers(response["headers"]).items()},
                body=_text(response["body"]),
                truncated=bool(response.get("truncated", False)),
            ),
            elapsed_ms=float(data.get("elapsed_ms", 0.0)),
            error=None
            if error is None
            else TransportError(kind=_text(error["kind"]), detail=_text(error["detail"])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        raise RecordingError(f"{where}: not an exchange ({_why(problem)})") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {type(value).__name__}")
    return value


def _status(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 999:
        raise ValueError(f"status {value!r} is not an HTTP status")
    return value


def _headers(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError("headers must be an object")
    return {_text(name): _text(text) for name, text in value.items()}


def _why(problem: Exception) -> str:
    return f"missing {problem}" if isinstance(problem, KeyError) else str(problem)
