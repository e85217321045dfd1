"""`scimcert run`: validate everything, then run pytest in-process with the scimcert plugin.

Usage errors exit 2 before a single request is sent; then a preflight (harness/engine/preflight.py)
stops a run that could only fail for one reason, in one line, with exit 2 or 3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from harness.checks import load_all
from harness.checks.baseline import Baseline, BaselineError
from harness.checks.registry import registry
from harness.cli.report_dir import ReportDirError, prepare
from harness.engine.app_steps import APP_STEPS
from harness.engine.preflight import preflight
from harness.engine.runner import PAUSE_VERB
from harness.engine.session import RunSettings
from harness.engine.token_step import TOKEN_VERB
from harness.plugin.options import add_arguments, plugin_argv, run_settings
from harness.scenario.model import (
    DEFAULT_CHECK,
    Scenario,
    ScenarioError,
    default_scenarios,
    load_scenarios,
)
from harness.suites.loading import SuiteError
from harness.transport.auth import AuthError
from mock_idp.profile import ProfileError, all_profiles
from reports import console
from reports.jsonl import RESULTS_FILE, read_records
from reports.model import build
from reports.suite import SUITE_JUDGED, suite_summary
from verdict.status import ExitCode

if TYPE_CHECKING:
    from harness.plugin.progress import ProgressBar

# The scimcert plugin, pytest-html (`--html`) and pytest-metadata, which pytest-html reads.
RUN_PLUGINS = ("scimcert", "html", "metadata")


class UsageError(Exception):
    pass


def add_parser(commands: Any) -> argparse.ArgumentParser:
    run: argparse.ArgumentParser = commands.add_parser(
        "run", help="run the scenarios against a SCIM server"
    )
    add_arguments(run, "run")
    run.set_defaults(handler=main)
    return run


@dataclass(frozen=True)
class Plan:
    settings: RunSettings
    scenarios_dir: Path
    scenarios: list[Scenario]
    items: list[tuple[str, str]]


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--url must be an http(s) URL with a host, not {url!r}")


def _check_check_ids(scenarios: list[Scenario]) -> None:
    """Every check a scenario names must exist, or the run would die halfway through."""
    load_all()
    for scenario in scenarios:
        for step in scenario.steps:
            for expectation in step.expects:
                named = [expectation.check, *expectation.checks]
                unknown = [c for c in named if c != DEFAULT_CHECK and c not in registry]
                if unknown:
                    raise UsageError(
                        f"{scenario.source}:{step.line}: unknown check {unknown[0]!r}; "
                        "`scimcert checks` lists them"
                    )


def _check_tags(tags: tuple[str, ...], scenarios: list[Scenario]) -> None:
    known = sorted({tag for scenario in scenarios for tag in scenario.tags})
    unknown = [tag for tag in tags if tag not in known]
    if unknown:
        raise UsageError(f"unknown tag {unknown[0]!r}; tags in use: {', '.join(known)}")


def _check_verbs(scenarios: list[Scenario]) -> None:
    """Every verb a scenario names is an app step or spoken by some profile: found here, not when
    an item reaches it (a profile's verbs were held to registered strategies when it loaded)."""
    spoken = {verb for profile in all_profiles().values() for verb in profile.verbs}
    known = spoken | set(APP_STEPS) | {PAUSE_VERB, TOKEN_VERB}
    for scenario in scenarios:
        for step in scenario.steps:
            if step.kind == "verb" and step.verb not in known:
                raise UsageError(
                    f"{scenario.source}:{step.line}: unknown verb {step.verb!r}; "
                    f"verbs: {', '.join(sorted(known))}"
                )


def _check_scenario_ids(chosen: tuple[str, ...], scenarios: list[Scenario]) -> None:
    known = {scenario.id for scenario in scenarios}
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise UsageError(
            f"unknown scenario {unknown[0]!r}; `scimcert run --list` shows the scenario ids"
        )


def _check_suite(args: argparse.Namespace) -> None:
    """A suite chooses the scenarios, the profiles and what the exit code answers itself."""
    chosen = {
        "--scenario": args.scenario,
        "--tags": args.tags,
        "--idp": args.idp != "all",
        "--gate": args.gate != "all",
    }
    clashing = [flag for flag, given in chosen.items() if given]
    if args.suite and clashing:
        raise UsageError(
            f"--suite {args.suite} chooses the scenarios, the profiles and the gate itself; "
            f"drop {clashing[0]}"
        )


def plan(args: argparse.Namespace, url: str | None) -> Plan:
    """Everything that can be wrong with the command line, found before anything is sent."""
    if not url:
        raise UsageError("--url is required (or SCIMCERT_URL, or url in [tool.scimcert])")
    _check_url(url)
    _check_suite(args)
    if args.workers < 0 or args.timeout <= 0 or args.budget <= 0:
        raise UsageError("--workers must be 0 or more, --timeout and --budget positive")
    settings = run_settings(lambda name: url if name == "url" else getattr(args, name))
    profiles = settings.profiles()
    if not args.list:  # listing sends nothing, so it needs no credentials
        settings.auth()
        settings.token_client()  # a bad SCIM_CLIENT_KEY is a usage error, before any request
    if args.app_url:
        _check_url(args.app_url)
        if not args.list:
            settings.app_auth()
    scenarios_dir = (args.scenarios or default_scenarios()).resolve()
    if not scenarios_dir.is_dir():
        raise UsageError(f"--scenarios {scenarios_dir} is not a directory")
    scenarios = load_scenarios(scenarios_dir)
    _check_check_ids(scenarios)
    _check_tags(settings.tags, scenarios)
    _check_scenario_ids(settings.scenario_ids, scenarios)
    _check_verbs(scenarios)
    if args.baseline:
        Baseline.load(args.baseline)
    items = [(s.id, p.id) for s in scenarios for p in profiles if settings.selects(s, p)]
    if not items:
        raise UsageError("no scenario matches the selected --idp, --tags and --scenario")
    return Plan(settings, scenarios_dir, scenarios, items)


def plugin_args(workers: int) -> list[str]:
    """Only the pytest plugins a run uses, by entry-point name (as plain pytest registers them).

    Autoloading would import every plugin installed beside scimcert (hypothesis, schemathesis,
    anyio, locust... in a development environment) and rewrite their asserts, in this process
    and again in each xdist worker: a third of a run's CPU, for plugins no scenario uses.
    """
    names = [*RUN_PLUGINS, *(["xdist"] if workers else [])]
    return ["--disable-plugin-autoload", *(part for name in names for part in ("-p", name))]


def pytest_args(args: argparse.Namespace, chosen: Plan) -> list[str]:
    settings, report = chosen.settings, args.report_dir
    ini = Path(str(resources.files("harness.plugin").joinpath("pytest-run.ini")))
    # What the plan settled (the URL a demo started, a generated seed or run id), else as given.
    settled = {"url": settings.url, "seed": settings.seed, "run_id": settings.run_id}
    argv = [
        str(chosen.scenarios_dir),
        "-c",
        str(ini),
        "--rootdir",
        str(chosen.scenarios_dir),
        # Scenario folders hold YAML; a conftest.py above one (a project's own tests) is not ours.
        "--noconftest",
        *plugin_args(args.workers),
        "-p",
        "no:cacheprovider",
        "-q",
        *plugin_argv(lambda name: settled[name] if name in settled else getattr(args, name)),
        "--junitxml",
        str(report / "junit.xml"),
        "--html",
        str(report / "report.html"),
        "--self-contained-html",
    ]
    if args.workers:
        argv += ["-n", str(args.workers)]
    return argv


def _summary(
    args: argparse.Namespace, settings: RunSettings, code: int, extra: dict[str, Any]
) -> None:
    """One JSON line: the exit code, the counts, and the verdict and status of the run and of
    each profile, as the run recorded them; `extra` adds what a command knows besides (a
    replay's counts)."""
    results = args.report_dir / "results.jsonl"
    end: dict[str, Any] = {}
    judged: dict[str, Any] = {}
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("event") == "RunFinished":
                end = record
            elif record.get("event") == SUITE_JUDGED:
                judged = record
    assessment = end.get("assessment", {})
    summary: dict[str, Any] = {
        "exit_code": code,
        "verdict": assessment.get("verdict", "ERROR"),
        "status": assessment.get("status", "INCOMPLETE"),
        "reasons": assessment.get("reasons", ["the run recorded no verdict"]),
        "counts": end.get("counts", {}),
        "profiles": assessment.get("profiles", []),
        "questions": assessment.get("questions", {}),
        "gate": assessment.get("gate", "all"),
        "run_id": settings.run_id,
        "seed": settings.seed,
        "report_dir": str(args.report_dir),
    }
    if judged:
        summary["suite"] = suite_summary(judged)
    print(json.dumps({**summary, **extra}))


def _print_summary(report_dir: Path) -> None:
    results = report_dir / RESULTS_FILE
    if not results.exists():
        return  # the run ended before it began; what stopped it was said already
    view = build(list(read_records(results)), registry.aliases)
    print("", *(line.text for line in console.lines(view)), sep="\n")
    print(f"Summary: {report_dir / 'index.html'} (also report.html, junit.xml, results.jsonl)")


def _progress_bar(total: int, report_dir: Path) -> ProgressBar:
    from harness.plugin.progress import ProgressBar  # rich is only needed on a terminal

    return ProgressBar(total, report_dir)


def execute(
    args: argparse.Namespace, url: str | None, summary: dict[str, Any] | None = None
) -> int:
    try:
        chosen = plan(args, url)
    except (UsageError, ScenarioError, ProfileError, AuthError, BaselineError, SuiteError) as error:
        print(f"scimcert run: {error}", file=sys.stderr)
        return ExitCode.USAGE
    if args.list:
        for scenario_id, profile_id in chosen.items:
            print(f"{scenario_id} [{profile_id}]")
        print(f"{len(chosen.items)} items; nothing was sent")
        return 0
    try:
        kept = prepare(args.report_dir)
    except ReportDirError as error:
        print(f"scimcert run: {error}", file=sys.stderr)
        return ExitCode.USAGE
    if kept is not None:
        print(
            f"scimcert run: {args.report_dir} held an earlier run's reports; moved them to {kept}",
            file=sys.stderr,
        )
    if chosen.settings.insecure:
        print(
            "scimcert run: WARNING: TLS verification is OFF (--insecure); every report says so",
            file=sys.stderr,
        )
    problem = preflight(chosen.settings)
    if problem is not None:
        print(f"scimcert run: {problem.line}", file=sys.stderr)
        return problem.exit_code
    print(
        f"scimcert run: run id {chosen.settings.run_id}, seed {chosen.settings.seed}; "
        f"{len(chosen.items)} items; reports in {args.report_dir}",
        flush=True,
    )
    # Exclusive scenarios need no special case here: with workers, the plugin runs them last
    # and alone (harness/engine/exclusive.py).
    argv = pytest_args(args, chosen)
    bar = _progress_bar(len(chosen.items), args.report_dir) if sys.stdout.isatty() else None
    if bar is not None:  # the bar replaces pytest's lines on a terminal; -q belongs to them
        argv = [arg for arg in argv if arg != "-q"] + ["-p", "no:terminal"]
    else:
        # A CI log: pytest's progress dots, then scimcert's summary and the report path last.
        # pytest's own failure sections, counts and trailer would repeat it and bury the path.
        argv = [arg for arg in argv if arg != "-q"] + ["-qq", "--tb=no", "-rN"]
    argv += ["--scim-summary", "none"]
    code = int(pytest.main(argv, plugins=[bar] if bar else []))
    if bar is not None:
        bar.print_summary()
    else:
        _print_summary(args.report_dir)
    if code not in set(ExitCode) or code == ExitCode.USAGE:
        code = ExitCode.ERROR  # pytest's own failure (internal error, usage): the harness broke
    if args.json:
        _summary(args, chosen.settings, code, summary or {})
    return code


def main(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return execute(args, args.url)
