"""`scimcert idp diff RECORDING --idp PROFILE`: a recording's request shapes against the profile's.

The profile is driven by its real strategies against a fresh reference server, started here on a
free loopback port with a throw-away database and token exactly as `scimcert demo` starts it, so
nothing but the recording is needed (docs/idp-diff.md). Exit 0: no undocumented difference; 1: at
least one; 2: bad input; 3: the reference server did not start.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness.capture.drift_report import render, to_json
from harness.capture.drift_run import diff, documented
from harness.capture.recording import RecordingError, read_recording
from harness.transport.auth import bearer
from mock_idp.profile import ProfileError, all_profiles
from verdict.status import ExitCode

from .demo import reference_server


def add_parser(actions: Any) -> None:
    command = actions.add_parser(
        "diff",
        help="compare a recording's request shapes with what an IdP profile sends",
        description="List every way the requests of RECORDING differ from those the profile "
        "sends for the same kinds of request, with an example of each side.",
    )
    command.add_argument(
        "recording",
        type=Path,
        metavar="RECORDING",
        help="a recording file, or the name of a shipped documented one (okta-scim20.jsonl)",
    )
    command.add_argument("--idp", required=True, help="one profile id (okta-oin, entra-2020...)")
    command.add_argument("--json", action="store_true", help="one JSON document instead of text")
    command.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    profiles = all_profiles()
    if args.idp not in profiles:
        print(
            f"scimcert idp diff: unknown profile {args.idp!r}; choose one of {', '.join(profiles)}",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    shipped = None if args.recording.exists() else documented(args.recording.name)
    try:
        recording = read_recording(shipped or args.recording)
    except RecordingError as error:
        print(f"scimcert idp diff: {error}", file=sys.stderr)
        return ExitCode.USAGE
    if not recording.takes:
        print(f"scimcert idp diff: {args.recording}: no exchange to compare", file=sys.stderr)
        return ExitCode.USAGE
    token = secrets.token_urlsafe(32)  # the throw-away server's; nobody sees it
    env = {**os.environ, "SCIM_TOKEN": token, "SCIM_APP_TOKEN": secrets.token_urlsafe(32)}
    with tempfile.TemporaryDirectory(prefix="scimcert-diff-") as folder:
        try:
            with reference_server(Path(folder), env) as (url, _app_url):
                result = diff(
                    recording, args.recording.name, profiles[args.idp], url, bearer(token)
                )
        except (RuntimeError, ProfileError) as error:
            print(f"scimcert idp diff: {error}", file=sys.stderr)
            return ExitCode.ERROR
    if args.json:
        print(json.dumps(to_json(result.subject, result.drift), ensure_ascii=False, indent=2))
    else:
        print(render(result.subject, result.drift))
    for failure in result.emission.failed:
        print(f"scimcert idp diff: the profile could not send {failure}", file=sys.stderr)
    return ExitCode.FAIL if result.drift.undocumented else ExitCode.OK
