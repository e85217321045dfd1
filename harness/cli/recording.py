"""`scimcert recording import|scrub|show`: recordings made elsewhere, made shareable, looked at.

`import` reads a HAR file (docs/recordings.md#importing-a-har-file), `scrub` pseudonymises the
personal data of any recording (docs/recordings.md#scrubbing-personal-data), `show` lists one.
Nothing is overwritten without `--force`; every problem is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.capture.har import read_har
from harness.capture.recording import Recording, RecordingError, read_recording, write_recording
from harness.capture.scrub import scrub_recording
from verdict.status import ExitCode


class UsageError(Exception):
    pass


def add_parser(commands: Any) -> None:
    recording = commands.add_parser(
        "recording", help="import a HAR file as a recording, scrub a recording, show one"
    )
    actions = recording.add_subparsers(dest="action", required=True, metavar="ACTION")
    imported = actions.add_parser("import", help="read a HAR file as a recording")
    imported.add_argument("har", type=Path, metavar="FILE.har")
    _out(imported)
    imported.add_argument("--all", action="store_true", help="keep non-SCIM requests too")
    imported.add_argument("--scrub", action="store_true", help="pseudonymise personal data")
    imported.set_defaults(handler=_import)
    scrub = actions.add_parser("scrub", help="pseudonymise names, e-mails and phone numbers")
    scrub.add_argument("recording", type=Path, metavar="IN.jsonl")
    _out(scrub)
    scrub.set_defaults(handler=_scrub)
    show = actions.add_parser("show", help="the header and one line per exchange")
    show.add_argument("recording", type=Path, metavar="FILE", help="a recording, or a .har file")
    show.set_defaults(handler=_show)


def _out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="OUT.jsonl")
    parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")


def _import(args: argparse.Namespace) -> int:
    def convert() -> Recording:
        recording = read_har(args.har, keep_all=args.all)
        return scrub_recording(recording) if args.scrub else recording

    return _write(args, "import", convert)


def _scrub(args: argparse.Namespace) -> int:
    return _write(args, "scrub", lambda: scrub_recording(read_recording(args.recording)))


def _write(args: argparse.Namespace, action: str, make: Callable[[], Recording]) -> int:
    try:
        if args.out.exists() and not args.force:
            raise UsageError(f"{args.out} exists; use --force to overwrite it")
        recording = make()
        write_recording(args.out, recording)
    except (UsageError, RecordingError) as error:
        print(f"scimcert recording {action}: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except OSError as error:
        print(f"scimcert recording {action}: {args.out}: {error.strerror}", file=sys.stderr)
        return ExitCode.USAGE
    scrubbed = ", ".join(f"{n} {kind}" for kind, n in recording.header.scrubbed.items())
    print(
        f"{args.out}: {len(recording.takes)} exchange(s)"
        + (f"; scrubbed {scrubbed}" if scrubbed else "")
    )
    for note in recording.header.notes:
        print(f"  note: {note}")
    return ExitCode.OK


def _show(args: argparse.Namespace) -> int:
    try:
        is_har = args.recording.suffix.lower() == ".har"
        recording = read_har(args.recording) if is_har else read_recording(args.recording)
    except RecordingError as error:
        print(f"scimcert recording show: {error}", file=sys.stderr)
        return ExitCode.USAGE
    for line in show_lines(recording):
        print(line)
    return ExitCode.OK


def show_lines(recording: Recording) -> list[str]:
    header = recording.header
    lines = [
        f"source: {header.source}  origin: {header.origin}  idp: {header.idp or '-'}"
        f"  recorded: {header.recorded_at or '-'}  exchanges: {len(recording.takes)}"
        + ("" if recording.complete else "  (cut short)")
    ]
    if header.scrubbed:
        lines.append("scrubbed: " + ", ".join(f"{k} {n}" for k, n in header.scrubbed.items()))
    lines += [f"note: {note}" for note in header.notes]
    for take in recording.takes:
        request, response = take.exchange.request, take.exchange.response
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        status = str(response.status) if response is not None else "no answer"
        lines.append(f"{take.label}  {request.method} {path}  {status}")
    return lines
