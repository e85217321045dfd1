"""`scimcert load`: check the options, run Locust in a child process, judge, record.

Exit codes as `scimcert run`: 0 every verdict held, 1 one failed, 2 usage (nothing started,
nothing sent), 3 the target could not be reached or the harness broke, 4 no verdict: the rate or
latency fell short while the generator itself was saturated (INCONCLUSIVE, with the remedy).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from typing import Any

from harness.load.duplicates import NameCheck, check_names
from harness.load.launch import Artifacts
from harness.load.measure import Measured, MeasureError
from harness.load.options import LoadSettings, UsageError, settings_from
from harness.load.verdicts import Verdict, broken, judge
from harness.transport.auth import auth_from_env
from harness.transport.client import Transport, TransportOptions
from mock_idp.profile import select_profiles
from verdict.outcomes import combine
from verdict.status import ExitCode, RunVerdict, Status, exit_code

from . import launch, measure, options, record


def _say(line: str) -> None:
    print(f"scimcert load: {line}", file=sys.stderr, flush=True)


def _transport(settings: LoadSettings) -> Transport:
    given = {"token_url": settings.token_url, "client_id": settings.client_id}
    auth = auth_from_env(settings.auth_mode, os.environ, **{k: v for k, v in given.items() if v})
    bundle = None if settings.verify in ("true", "false") else settings.verify
    chosen = TransportOptions(
        timeout=settings.timeout, ca_bundle=bundle, insecure=settings.verify == "false"
    )
    return Transport(settings.url, auth, chosen)


def _unreachable(settings: LoadSettings) -> str | None:
    """One request first, to tell "cannot connect" (exit 3) from what the verdicts judge."""
    with _transport(settings) as transport:
        exchange = transport.send("GET", "/ServiceProviderConfig")
    return exchange.error.detail if exchange.error is not None and not exchange.reachable else None


def _worker(settings: LoadSettings) -> int:
    where = f"{settings.master_host}:{settings.master_port}"
    _say(f"worker of the Locust master at {where}; it decides what to send")
    code = launch.run(launch.worker_command(settings), launch.deadline(settings), None)
    if code is None:
        _say(f"the worker overran {launch.deadline(settings):.0f} s and was stopped")
        return ExitCode.ERROR
    return 0 if code == 0 else ExitCode.ERROR


def _measure(
    settings: LoadSettings, artifacts: Artifacts
) -> tuple[Measured | None, NameCheck | None, list[Verdict]]:
    code = launch.run(
        launch.leader_command(settings, artifacts), launch.deadline(settings), artifacts.log
    )
    if code is None:
        return None, None, [broken(f"Locust overran {launch.deadline(settings):.0f} s")]
    try:
        measured = measure.read(artifacts)
    except MeasureError as error:
        return None, None, [broken(f"{error} (Locust exit code {code})")]
    names = check_names(lambda: _transport(settings), measured.tally.posted, measured.tally.created)
    return measured, names, judge(settings, measured, names)


def _print(verdicts: list[Verdict]) -> None:
    for one in verdicts:
        print(
            f"{one.outcome.value:<12} {one.check:<22} {one.measured:<24} {one.threshold:<24} "
            f"{one.detail}".rstrip()
        )


def run(settings: LoadSettings) -> int:
    problem = _unreachable(settings)
    if problem is not None:
        _say(f"cannot reach {settings.url}: {problem}")
        return ExitCode.ERROR
    artifacts = Artifacts(settings.report_dir / f"load-{settings.run_id}")
    if artifacts.folder.exists():
        _say(f"{artifacts.folder} exists: give another --run-id")
        return ExitCode.USAGE
    artifacts.folder.mkdir(parents=True)
    profiles = select_profiles(settings.idp)
    _say(
        f"run id {settings.run_id}, seed {settings.seed}; {settings.rate:g} requests/s for "
        f"{settings.duration} s by {settings.users} users over {len(profiles)} profile(s); "
        f"reports in {settings.report_dir}"
    )
    first = record.started(settings, settings.mix.not_sent(profiles), record.now())
    measured, names, verdicts = _measure(settings, artifacts)
    code = exit_code(RunVerdict(combine(one.outcome for one in verdicts), Status.COMPLETE))
    events = [first, *(record.verdict(settings, one) for one in verdicts)]
    record.write(
        settings.report_dir, [*events, record.finished(settings, artifacts, measured, names, code)]
    )
    _print(verdicts)
    return code


LOCUST_MISSING = (
    "Locust is not installed; `scimcert load` needs the load extra: pip install 'scimcert[load]'"
)


def main(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("locust") is None:
        _say(LOCUST_MISSING)
        return ExitCode.USAGE
    try:
        settings = settings_from(args)
    except UsageError as error:
        _say(str(error))
        return ExitCode.USAGE
    code = _worker(settings) if settings.worker else run(settings)
    if args.json and not settings.worker:
        summary: dict[str, Any] = {
            "exit_code": code,
            "run_id": settings.run_id,
            "report_dir": str(settings.report_dir),
        }
        print(json.dumps(summary))
    return code


def add_parser(commands: Any) -> argparse.ArgumentParser:
    return options.set_handler(options.add_parser(commands), main)
