"""A HAR 1.2 file (browser devtools, Playwright, mitmproxy, Charles, Fiddler) read as a recording.

Only the SCIM exchanges are kept unless asked otherwise: a browser session also fetched pages,
scripts and an OAuth token. Token requests are always left out (their form bodies carry client
secrets the transport's JSON redaction would not see), but what they hold is learnt first, so a
token echoed elsewhere is still redacted. Entries are put in `startedDateTime` order, and every
exchange is redacted exactly as the transport redacts its own (docs/secrets.md). A file that is
not a HAR raises `RecordingError` naming the entry (`log.entries[3]`), never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.capture.endpoints import RESOURCES, SEARCH
from harness.capture.har_entry import HarEntry, entry_at
from harness.capture.recognise import recognise
from harness.capture.recording import Recording, RecordingError, RecordingHeader, Take
from harness.transport.redaction import MIN_LEARNT_PASSWORD
from harness.transport.redactor import Redactor

# A HAR with bodies of a long session runs to tens of megabytes; past this it is not one.
MAX_HAR_BYTES = 256 * 1024 * 1024
# The SCIM endpoints of RFC 7644 3.2 (and /.search, 3.4.3), as path segments, with
# "ServiceProviderConfigs", the plural some servers still serve.
_SCIM_NAMES = "|".join([*RESOURCES, "ServiceProviderConfigs"])
_SCIM_PATH = re.compile(rf"/(?:{_SCIM_NAMES})(?:/|$)|/{re.escape(SEARCH)}$")
_TOKEN_PATH = re.compile(r"/(?:oauth2?/)?(?:v\d+(?:\.\d+)?/)?token/?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Seen:
    """Credentials read off the HAR itself, redacted everywhere like a run's own token."""

    secrets: tuple[str, ...]


def read_har(path: Path, *, keep_all: bool = False) -> Recording:
    """The HAR at `path` as a recording (source "har", origin its file name)."""
    log = _log(_document(path), path.name)
    entries = [entry_at(raw, index, path.name) for index, raw in enumerate(log)]
    notes: list[str] = []
    kept = _select(entries, keep_all, notes)
    kept = _ordered(kept, notes)
    redactor = Redactor(_Seen(tuple(_credentials(entries))))
    for entry in entries:  # learn every password first: a later one may echo in an earlier body
        redactor.exchange(entry.exchange)
    takes = tuple(Take(exchange=redactor.exchange(e.exchange), label=e.label) for e in kept)
    notes += _body_notes(kept)
    recognised = recognise(takes)
    header = RecordingHeader(
        source="har",
        origin=path.name,
        idp=recognised.idp,
        recorded_at=_first_started(kept),
        notes=(*notes, recognised.evidence),
    )
    return Recording(header=header, takes=takes)


def _document(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such file") from None
    except OSError as error:
        raise RecordingError(f"{path}: cannot be read ({error.strerror})") from None
    if size > MAX_HAR_BYTES:
        raise RecordingError(
            f"{path.name}: {size} bytes, more than the {MAX_HAR_BYTES} a HAR may have here"
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RecordingError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")  # the HAR spec lets a file open with a byte order mark
    except UnicodeDecodeError as error:
        raise RecordingError(f"{path.name}: not UTF-8 text, as a HAR must be ({error})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordingError(
            f"{path.name}: not JSON ({error.msg} at line {error.lineno})"
        ) from None
    except RecursionError:
        raise RecordingError(f"{path.name}: JSON nested too deeply to be a HAR") from None


def _log(document: Any, name: str) -> Sequence[Any]:
    log = document.get("log") if isinstance(document, dict) else None
    if not isinstance(log, dict):
        raise RecordingError(f"{name}: not a HAR (no `log` object at the top)")
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise RecordingError(f"{name}: not a HAR (`log.entries` is not a list)")
    return entries


def _select(entries: Sequence[HarEntry], keep_all: bool, notes: list[str]) -> list[HarEntry]:
    kept, tokens, other, unanswered = [], [], 0, []
    for entry in entries:
        path = entry.path
        if _TOKEN_PATH.search(path):
            tokens.append(entry.label)
        elif entry.exchange.response is None:
            unanswered.append(entry.label)
        elif keep_all or _SCIM_PATH.search(path):
            kept.append(entry)
        else:
            other += 1
    if tokens:
        notes.append(
            f"left out {len(tokens)} OAuth token request(s) ({', '.join(tokens)}): they carry "
            "client secrets"
        )
    if unanswered:
        notes.append(
            f"left out {len(unanswered)} request(s) the HAR records no answer for (status 0: "
            f"blocked or aborted): {', '.join(unanswered)}"
        )
    if other:
        notes.append(f"left out {other} request(s) to no SCIM endpoint (--all keeps them)")
    return kept


def _ordered(entries: list[HarEntry], notes: list[str]) -> list[HarEntry]:
    """By `startedDateTime`, stable; the file's order if any entry's time cannot be read."""
    times = [_instant(entry.started) for entry in entries]
    known = [instant for instant in times if instant is not None]
    if len(known) < len(entries):
        notes.append("some entries have no readable startedDateTime: kept in the file's order")
        return entries
    order = sorted(range(len(entries)), key=known.__getitem__)
    return [entries[i] for i in order]


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _first_started(entries: Sequence[HarEntry]) -> str:
    return entries[0].started if entries else ""


def _body_notes(entries: Sequence[HarEntry]) -> list[str]:
    missing = [entry.label for entry in entries if entry.body_missing]
    if not missing:
        return []
    return [
        f"{len(missing)} answer(s) have no body in the HAR (saved without content?): "
        + ", ".join(missing)
    ]


def _credentials(entries: Sequence[HarEntry]) -> list[str]:
    found: list[str] = []
    for entry in entries:
        found += entry.credentials
    return [secret for secret in found if len(secret) >= MIN_LEARNT_PASSWORD]
