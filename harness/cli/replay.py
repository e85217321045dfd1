"""`scimcert replay RECORDING --url URL`: a recording's requests sent again, answers compared.

The recording becomes one scenario (harness/capture/replay.py), written into the report folder,
and `scimcert run` executes it with the options given here: one engine, one set of reports, one
verdict and exit code (docs/replay.md). What the run was is said before it starts and after it
ends; a recording with nothing to replay is never run, so it can never pass.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from harness.capture.recording import RecordingError, read_recording
from harness.capture.replay import PROFILE, Derived, derive, write_scenario
from harness.cli.report_dir import ReportDirError, prepare
from harness.cli.run import execute
from harness.plugin.options import RUN_OPTIONS, add_argument
from verdict.outcomes import Outcome
from verdict.status import ExitCode

NAME = "scimcert replay"
FOLDER_PREFIX = "replay-of-"  # the report folder's sub-folder holding the replayed scenario
# The run options a replay of one recording against one server takes; the others are fixed
# (its scenario, the `rfc` profile) or make no sense for one scenario (workers, order, listing).
OPTIONS = (
    "auth",
    "token_url",
    "client_id",
    "insecure",
    "ca_bundle",
    "timeout",
    "budget",
    "report_dir",
    "fail_on",
    "gate",
    "baseline",
    "seed",
    "run_id",
    "json",
)


def add_parser(commands: Any) -> None:
    replay: argparse.ArgumentParser = commands.add_parser(
        "replay", help="send a recording's requests to a SCIM server and compare the answers"
    )
    replay.add_argument("recording", type=Path, help="a recording, or a run's results.jsonl")
    add_argument(replay, "url", required=True)
    for name in OPTIONS:
        add_argument(replay, name)
    replay.set_defaults(handler=main)


def _run_args(args: argparse.Namespace, scenarios: Path) -> argparse.Namespace:
    """`scimcert run`'s namespace: the replay's options, its scenario folder, defaults else."""
    given = vars(args)
    values = {entry.name: given.get(entry.name, entry.default) for entry in RUN_OPTIONS}
    values.update(scenarios=scenarios, idp=PROFILE, workers=0, list=False)
    return argparse.Namespace(**{**given, **values})


def counts(derived: Derived, name: str) -> dict[str, Any]:
    """What `--json` says of the replay, beside the run's own summary."""
    return {
        "recording": name,
        "exchanges": derived.exchanges,
        "replayed": derived.replayed,
        "not_replayable": [
            {"exchange": one.number, "request": one.request, "reason": one.reason}
            for one in derived.skipped
        ],
        "cut_short": not derived.complete,
    }


def _announce(derived: Derived, name: str) -> None:
    print(f"{NAME}: {derived.summary(name)}", flush=True)
    for one in derived.skipped:
        print(f"  not replayed: exchange {one.number} ({one.label}): {one.request}: {one.reason}")


def _nothing(args: argparse.Namespace, derived: Derived, name: str) -> int:
    """A recording with nothing to replay verifies nothing: no run, no verdict (exit 4)."""
    why = "it holds no exchange" if not derived.exchanges else "none of its exchanges can be"
    print(f"{NAME}: nothing to replay in {name}: {why} replayed; no verdict", file=sys.stderr)
    if args.json:
        summary = {
            "exit_code": int(ExitCode.NO_VERDICT),
            "verdict": Outcome.SKIP.value,
            "status": "INCOMPLETE",
            "reasons": [f"nothing to replay: {why} replayed"],
            "replay": counts(derived, name),
        }
        print(json.dumps(summary))
    return ExitCode.NO_VERDICT


def main(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    name = str(args.recording)
    try:
        recording = read_recording(args.recording)
    except RecordingError as error:
        print(f"{NAME}: {error}", file=sys.stderr)
        return ExitCode.USAGE
    derived = derive(recording, name)
    _announce(derived, name)
    if derived.replayed == 0:
        return _nothing(args, derived, name)
    try:
        kept = prepare(args.report_dir)
    except ReportDirError as error:
        print(f"{NAME}: {error}", file=sys.stderr)
        return ExitCode.USAGE
    if kept is not None:
        # An earlier replay's scenario goes with its reports.
        for earlier in sorted(args.report_dir.glob(f"{FOLDER_PREFIX}*")):
            earlier.rename(kept / earlier.name)
        print(f"{NAME}: {args.report_dir} held an earlier run's reports; moved them to {kept}")
    folder = args.report_dir / f"{FOLDER_PREFIX}{derived.scenario_id.split('/', 1)[1]}"
    written = write_scenario(derived, folder)
    code = execute(_run_args(args, folder), args.url, {"replay": counts(derived, name)})
    print(f"{NAME}: {derived.summary(name)}; the replayed scenario: {written}")
    return code
