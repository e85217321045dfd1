"""`scimcert idp replay`: one scenario, sent as one IdP profile sends it, printed as it goes.

For a vendor debugging their server without pytest or reports: every exchange is printed (method,
URL, body, the answer's status) the moment it happens. It runs the very runner `scimcert run`
uses, so the traffic is the same byte for byte (same `--seed`, same `--run-id`, same bytes); the
transport has already replaced credentials with `[REDACTED]` before anything is printed.
`scimcert idp diff` (idp_diff.py) compares a recording's request shapes with a profile's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from harness.checks import load_all
from harness.engine.session import RunSettings, RunState, applies, new_run_id, new_seed
from harness.plugin.options import add_argument
from harness.scenario.model import Scenario, ScenarioError, load_scenario
from harness.transport.auth import AuthError
from mock_idp.profile import Profile, ProfileError, select_profiles
from verdict.events import CheckEvaluated, Event, ExchangeRecorded, ItemFinished
from verdict.outcomes import Outcome
from verdict.status import ExitCode

from . import idp_diff

EXIT_BY_OUTCOME = {Outcome.FAIL: ExitCode.FAIL, Outcome.ERROR: ExitCode.ERROR}
BODY_LIMIT = 2000  # characters of an answer's body shown with --verbose


class UsageError(Exception):
    pass


def add_parser(commands: Any) -> None:
    idp = commands.add_parser("idp", help="a mock IdP on its own, outside a certification run")
    actions = idp.add_subparsers(dest="action", required=True, metavar="ACTION")
    replay = actions.add_parser(
        "replay", help="send one scenario as an IdP profile would, printing every exchange"
    )
    add_argument(replay, "idp", required=True, help="a profile id (okta-oin) or a family (okta)")
    add_argument(replay, "url", required=True)
    # Not the run's `--scenario` (ids to select): the one file to replay.
    replay.add_argument("--scenario", required=True, type=Path, help="one scenario file")
    add_argument(replay, "app_url")
    add_argument(replay, "auth", help="bearer, header, basic, none")
    add_argument(replay, "seed", help="replay a run's data exactly")
    add_argument(replay, "run_id", help="prefix of every name the replay creates")
    add_argument(replay, "timeout")
    replay.add_argument("--verbose", action="store_true", help="also headers and answer bodies")
    replay.set_defaults(handler=main)
    idp_diff.add_parser(actions)


def _plan(args: argparse.Namespace) -> tuple[RunSettings, Scenario, list[Profile]]:
    """Everything that can be wrong with the command line, found before anything is sent."""
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    scenario = load_scenario(args.scenario)
    profiles = [p for p in select_profiles(args.idp) if applies(scenario, p, ())]
    if not profiles:
        wanted = ", ".join(scenario.profiles)  # not "all": that would have matched
        raise UsageError(f"{scenario.id} does not run under {args.idp}; it runs under: {wanted}")
    settings = RunSettings(
        url=args.url,
        idp=args.idp,
        app_url=args.app_url,
        timeout=args.timeout,
        auth_mode=args.auth,
        run_id=args.run_id or new_run_id(),
        seed=new_seed() if args.seed is None else args.seed,
    )
    settings.auth()
    if args.app_url:
        settings.app_auth()
    return settings, scenario, profiles


class Printer:
    """Renders the runner's events as they arrive; it decides nothing."""

    def __init__(self, out: TextIO, verbose: bool) -> None:
        self.out = out
        self.verbose = verbose

    def __call__(self, event: Event) -> None:
        if isinstance(event, ExchangeRecorded):
            self._exchange(event)
        elif isinstance(event, CheckEvaluated) and not event.passed:
            for finding in event.findings:
                self._say(f"    {event.level} {event.check}: {finding['message']}")
        elif isinstance(event, ItemFinished):
            reason = f" ({event.reason})" if event.reason else ""
            self._say(f"{event.item}: {event.outcome.value}{reason}")

    def _exchange(self, event: ExchangeRecorded) -> None:
        request, response = event.exchange["request"], event.exchange["response"]
        setup = "  (not judged)" if event.setup else ""
        step = f"step {event.step + 1}" if event.step >= 0 else "cleanup"
        self._say(f"[{event.sequence}] {step}: {request['method']} {request['url']}{setup}")
        if self.verbose:
            for name, value in request["headers"].items():
                self._say(f"    {name}: {value}")
        if request["body"] is not None:
            self._say(_indented(request["body"]))
        if response is None:
            self._say(f"    -> no answer: {event.exchange['error']['detail']}")
            return
        self._say(f"    -> {response['status']} ({event.exchange['elapsed_ms']:.0f} ms)")
        if self.verbose and response["body"]:
            self._say(_indented(response["body"][:BODY_LIMIT]))

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def _indented(body: str) -> str:
    try:
        text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        text = body
    return "\n".join(f"    {line}" for line in text.splitlines())


def main(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    try:
        settings, scenario, profiles = _plan(args)
    except (UsageError, ScenarioError, ProfileError, AuthError) as error:
        print(f"scimcert idp replay: {error}", file=sys.stderr)
        return ExitCode.USAGE
    load_all()
    state, printer = RunState(settings), Printer(sys.stdout, args.verbose)
    print(f"# {scenario.id}, run id {settings.run_id}, seed {settings.seed}", flush=True)
    codes = [
        EXIT_BY_OUTCOME.get(state.run_item(scenario, profile, printer).outcome, ExitCode.OK)
        for profile in profiles
    ]
    return max(codes)
