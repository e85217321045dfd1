"""The pytest plugin: each scenario x profile is one pytest item (one execution path:
`scimcert run` and plain pytest give the same results).

Inert unless `--scim-url` is given. PASS and WARN pass (the outcome is kept as a property), SKIP
skips, FAIL fails, ERROR errors. Items' events travel on their reports, so xdist workers forward
them to the controller, which alone writes `results.jsonl` and decides the exit code.
With `--scim-url`, `--junitxml` is written by scimcert from those records (one testcase per
scenario x profile, WARN and SKIP reasons kept), not by pytest's own writer.
"""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.checks import load_all
from harness.checks.baseline import Baseline, BaselineError
from harness.engine.exclusive import ServerLock, new_lock_dir, remove_lock_dir
from harness.engine.session import RunSettings, RunState
from harness.plugin.results import ResultsSink
from harness.plugin.stopping import StopSignals, stop_reason
from harness.scenario.model import (
    Scenario,
    ScenarioError,
    checked_files,
    default_scenarios,
    load_scenario,
    load_scenarios,
    trust,
)
from harness.suites.loading import SuiteError, load_suite
from mock_idp.profile import Profile, ProfileError
from reports.failure_text import describe_failure
from verdict.events import Event, ItemFinished, from_record, to_record
from verdict.outcomes import Outcome
from verdict.status import Assessment

from . import html_columns, invocation, options

STATE = pytest.StashKey[RunState]()
EVENTS_PROPERTY = "scimcert.events"


class HarnessError(Exception):
    """The harness could not judge the item (target unreachable, broken setup): an ERROR."""


class ScenarioFailedError(Exception):
    """A MUST check broke."""


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_plugin_options(parser)


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("scim_url", default=None))


def _settings(config: pytest.Config) -> RunSettings:
    settings = options.run_settings(lambda name: config.getoption(options.option(name).dest))
    worker: dict[str, Any] = getattr(config, "workerinput", {})
    settings.run_id = worker.get("scimcert_run_id") or settings.run_id
    if worker.get("scimcert_seed") is not None:
        settings.seed = int(worker["scimcert_seed"])
    return settings


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def _take_junit(config: pytest.Config) -> Path | None:
    """The `--junitxml` path, taken from pytest's writer (which must run after us: tryfirst)."""
    path = getattr(config.option, "xmlpath", None)
    config.option.xmlpath = None
    return Path(path) if path else None


def _selected(config: pytest.Config, settings: RunSettings) -> list[Scenario]:
    """The scenarios the selection will run under at least one of its profiles."""
    try:
        scenarios = load_scenarios(_scenario_roots(config))
    except (ScenarioError, OSError):
        return []  # collection reports the broken file, with its line
    profiles = settings.profiles()
    return [s for s in scenarios if any(settings.selects(s, p) for p in profiles)]


def _planned(scenarios: list[Scenario], settings: RunSettings) -> dict[str, str]:
    """Every item the selection will run (item -> profile): what a finished run has run."""
    return {
        f"{scenario.id}[{profile.id}]": profile.id
        for profile in settings.profiles()
        for scenario in scenarios
        if settings.selects(scenario, profile)
    }


def _filters(config: pytest.Config, settings: RunSettings) -> tuple[str, ...]:
    """What makes the run a subset of the full scenario set, as the user wrote it."""
    found = []
    if settings.tags:
        found.append(f"--tags {','.join(settings.tags)}")
    if settings.suite:  # its scenarios are the suite's choice, not a --scenario of the user's
        found.append(f"--suite {settings.suite}")
    elif settings.scenario_ids:
        found.append(f"--scenario {','.join(settings.scenario_ids)}")
    roots = _scenario_roots(config)
    if roots != [default_scenarios()]:
        found.append(f"--scenarios {', '.join(_shown(root) for root in roots)}")
    for name, flag in (("keyword", "-k"), ("markexpr", "-m")):
        if getattr(config.option, name, ""):
            found.append(f"{flag} {getattr(config.option, name)}")
    return tuple(found)


def _shown(path: Path) -> str:
    """A path as a reader of the report can use it: relative to where the run started."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _invocation(
    config: pytest.Config, settings: RunSettings, scenarios: list[Scenario], baseline: Baseline
) -> dict[str, Any]:
    options = invocation.options_of(config.getoption, settings.seed, settings.run_id)
    return invocation.record(
        options,
        workers=int(getattr(config.option, "numprocesses", 0) or 0),
        baseline=baseline.entries(),
        profiles=settings.profiles(),
        scenarios=scenarios,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if not _enabled(config):
        return
    load_all()
    try:
        settings = _settings(config)
        settings.profiles()
    except (ProfileError, ScenarioError, SuiteError) as error:
        raise pytest.UsageError(str(error)) from error
    worker: dict[str, Any] = getattr(config, "workerinput", {})
    if "scimcert_checked" in worker:
        trust(worker["scimcert_checked"])
    baseline = _baseline(config)
    config.stash[STATE] = RunState(settings, lock=_server_lock(worker), baseline=baseline)
    junit = _take_junit(config)
    if config.pluginmanager.hasplugin("html"):
        config.pluginmanager.register(html_columns, "scimcert-html")
    if _is_controller(config):
        controller = _controller(config, settings, baseline, junit)
        config.pluginmanager.register(controller, "scimcert-controller")
        if config.pluginmanager.hasplugin("xdist"):
            config.pluginmanager.register(_XdistForwarding(settings), "scimcert-xdist")
    # What exists now (modules, schemas, profiles) lives as long as the run: frozen, it is not
    # traversed again by each garbage collection, pytest's own at exit included. Thawed last
    # (the first cleanup registered runs last), so a process running pytest again can free it.
    gc.freeze()
    config.add_cleanup(gc.unfreeze)


def _baseline(config: pytest.Config) -> Baseline:
    baseline_file = config.getoption("scim_baseline")
    try:
        return Baseline.load(Path(baseline_file)) if baseline_file else Baseline()
    except BaselineError as error:
        raise pytest.UsageError(str(error)) from error


def _controller(
    config: pytest.Config, settings: RunSettings, baseline: Baseline, junit: Path | None
) -> _Controller:
    scenarios = _selected(config, settings)
    report_dir = config.getoption("scim_report_dir")
    sink = ResultsSink(
        settings=settings,
        report_dir=Path(report_dir) if report_dir else None,
        fail_on_warn=config.getoption("scim_fail_on") == "warn",
        baseline=baseline,
        planned=_planned(scenarios, settings),
        filters=_filters(config, settings),
        invocation=_invocation(config, settings, scenarios, baseline),
        gate=str(config.getoption("scim_gate")),
        junit_path=junit,
        suite=load_suite(settings.suite) if settings.suite else None,
    )
    return _Controller(sink, config.getoption("scim_budget"))


def _server_lock(worker: dict[str, Any]) -> ServerLock | None:
    """In an xdist worker, the lock its run's workers share (exclusive scenarios run alone)."""
    return ServerLock(Path(worker["scimcert_locks"])) if "scimcert_locks" in worker else None


class _XdistForwarding:
    """Workers must create the same names and data: they get the controller's run id and seed,
    the directory of the lock that keeps exclusive scenarios alone on the server, and the
    scenario files the controller has checked already."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self.locks: Path | None = None
        self.checked = ""

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        if self.locks is None:
            self.locks, self.checked = new_lock_dir(), checked_files()
        node.workerinput["scimcert_run_id"] = self.settings.run_id
        node.workerinput["scimcert_seed"] = self.settings.seed
        node.workerinput["scimcert_locks"] = str(self.locks)
        node.workerinput["scimcert_checked"] = self.checked

    def pytest_unconfigure(self) -> None:
        if self.locks is not None:
            remove_lock_dir(self.locks)


def _scenario_roots(config: pytest.Config) -> list[Path]:
    given = config.getoption("scim_scenarios")
    return [Path(given).resolve()] if given else [Path(arg).resolve() for arg in config.args]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    config = parent.config
    if not _enabled(config) or file_path.suffix not in (".yaml", ".yml"):
        return None
    if not any(file_path.resolve().is_relative_to(root) for root in _scenario_roots(config)):
        return None
    collector: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path)
    return collector


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    order = config.getoption("scim_order")
    if order == "reverse":
        items.reverse()
    elif order == "shuffle":
        random.Random(config.stash[STATE].settings.seed).shuffle(items)  # noqa: S311 - an order, not a secret
    if not _is_controller(config):
        # xdist hands items out in this order: exclusive ones last, so they run once the others
        # are done rather than holding every worker up in the middle of the run.
        items.sort(key=_is_exclusive)


def _is_exclusive(item: pytest.Item) -> bool:
    return isinstance(item, ScenarioItem) and item.scenario.exclusive


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[STATE]
        scenario = load_scenario(self.path)
        for profile in state.settings.profiles():
            if state.settings.selects(scenario, profile):
                yield ScenarioItem.from_parent(
                    self, name=f"{scenario.id}[{profile.id}]", scenario=scenario, profile=profile
                )


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, profile: Profile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.profile = profile
        self.events: list[Event] = []
        self.records: list[dict[str, Any]] | None = None  # the events as records, once final
        self.finished: ItemFinished | None = None
        for tag in scenario.tags:
            marker = tag.replace("-", "_")
            self.config.addinivalue_line("markers", f"{marker}: scenarios tagged {tag}")
            self.add_marker(marker)

    def setup(self) -> None:
        state = self.config.stash[STATE]
        try:
            self.finished = state.run_item(self.scenario, self.profile, self.events.append)
        finally:
            self.user_properties.append((EVENTS_PROPERTY, json.dumps(self.scimcert_records())))
        self.user_properties.append(("scimcert.outcome", self.finished.outcome.value))
        if self.finished.outcome is Outcome.ERROR:
            raise HarnessError(self.finished.reason)
        if self.finished.outcome is Outcome.SKIP:
            pytest.skip(self.finished.reason)

    def runtest(self) -> None:
        if self.finished is not None and self.finished.outcome is Outcome.FAIL:
            if self.config.stash[STATE].baseline.expects(self.finished):
                # As the gate sees it: pytest-html and pytest's own counts say the same.
                pytest.xfail(f"waived by the baseline: {', '.join(self.finished.failed_checks)}")
            raise ScenarioFailedError(self.finished.reason)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, HarnessError | ScenarioFailedError):
            scenario = self.scenario
            error = str(excinfo.value)
            return describe_failure(scenario.id, scenario.shown_source, self.events, error)
        return str(super().repr_failure(excinfo))

    def scimcert_records(self) -> list[dict[str, Any]]:
        """This item's events as records, for the pytest-html columns and transcript.

        Made once, when setup has run the item: every report phase asks for them again.
        """
        if self.records is None or len(self.records) != len(self.events):
            self.records = [to_record(event) for event in self.events]
        return self.records

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.scenario.id} [{self.profile.id}]"


class _Controller:
    """Registered on the controller only: it alone writes results and decides the exit code.

    It also ends the run cleanly when it must stop early: Ctrl-C, SIGTERM and the run budget
    all become a `RunInterrupted` in the main thread, which pytest treats as an interruption,
    so every report is still written, with the status INCOMPLETE and the reason.
    """

    def __init__(self, sink: ResultsSink, budget: float | None) -> None:
        self.sink = sink
        self.stops = StopSignals(budget)
        self.interruption = ""

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.sink.start()
        self.stops.install()

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        """Items `-k`/`-m` left out were never meant to run: not missing, a subset (PARTIAL)."""
        for item in items:
            self.sink.planned.pop(item.name, None)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """Under xdist the workers select: what a worker collected is what the run plans."""
        collected = {nodeid.rsplit("::", 1)[-1] for nodeid in ids}
        for name in [name for name in self.sink.planned if name not in collected]:
            del self.sink.planned[name]

    @property
    def scimcert_assessment(self) -> Assessment | None:
        """For report.html's summary (html_columns): the verdict, once the run has finished."""
        return self.sink.assessment

    @property
    def scimcert_run_records(self) -> list[dict[str, Any]]:
        return self.sink.records

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.interruption = stop_reason(excinfo.value)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Every finished item's events, from this process or an xdist worker."""
        if report.when != "teardown":
            return
        for name, value in report.user_properties:
            if name == EVENTS_PROPERTY:
                self.sink.write_records([from_record(r) for r in json.loads(str(value))])

    # First, so that pytest-html (trylast) renders report.html with the verdict decided here.
    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.stops.restore()
        code = self.sink.finish(self.interruption)
        judged = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED)
        if int(exitstatus) in judged:
            session.exitstatus = code

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if terminalreporter.config.getoption("scim_summary") == "none":
            return
        terminalreporter.write_line("")
        for line in self.sink.summary_lines():
            # The terminal writer turns a style into colour only when the output is a terminal.
            terminalreporter.write_line(line.text, **({line.style: True} if line.style else {}))
        if self.sink.report_dir is not None:
            terminalreporter.write_line(f"Summary: {self.sink.report_dir / 'index.html'}")
