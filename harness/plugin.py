"""The pytest plugin: each scenario x profile is one pytest item (DESIGN.md, "one execution path").

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

from mock_idp.profile import Profile, ProfileError

from . import html_columns
from .checks import load_all
from .events import Event, ItemFinished, Outcome, from_record, to_record
from .exclusive import ServerLock, new_lock_dir, remove_lock_dir
from .failure import describe_failure
from .results import ResultsSink
from .scenario import (
    Scenario,
    ScenarioError,
    checked_files,
    load_scenario,
    load_scenarios,
    trust,
)
from .session import RunSettings, RunState, applies

STATE = pytest.StashKey[RunState]()
EVENTS_PROPERTY = "scimcert.events"


class HarnessError(Exception):
    """The harness could not judge the item (target unreachable, broken setup): an ERROR."""


class ScenarioFailedError(Exception):
    """A MUST check broke."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scimcert", "SCIM conformance (scimcert)")
    group.addoption("--scim-url", help="SCIM base URL of the server under test; enables scimcert")
    group.addoption("--scim-idp", default="all", help="profiles: all, a family, or ids")
    group.addoption("--scim-scenarios", help="directory of scenario files (default: packaged)")
    group.addoption("--scim-tags", default="", help="comma-separated tags to select")
    group.addoption("--scim-seed", type=int, help="seed for generated data")
    group.addoption("--scim-run-id", help="run id prefixed to everything the run creates")
    group.addoption("--scim-app-url", help="app-probe base URL (token in SCIM_APP_TOKEN)")
    group.addoption("--scim-timeout", type=float, default=30.0, help="seconds per request")
    group.addoption("--scim-auth", default="bearer", help="bearer, header, basic, oauth, none")
    group.addoption(
        "--scim-okta-pauses", action="store_true", help="replay the SPEC suite's pauses"
    )
    group.addoption("--scim-token-url", help="OAuth token endpoint (--scim-auth oauth)")
    group.addoption("--scim-client-id", help="OAuth client id (secret in SCIM_CLIENT_SECRET)")
    group.addoption("--scim-insecure", action="store_true", help="do not verify TLS (recorded)")
    group.addoption("--scim-ca-bundle", help="CA bundle for TLS verification")
    group.addoption("--scim-report-dir", help="where results.jsonl and index.html go")
    group.addoption("--scim-fail-on", default="fail", choices=["fail", "warn"])
    group.addoption("--scim-baseline", help="file of expected failures (check, scenario, profile)")
    group.addoption(
        "--scim-order",
        default="given",
        choices=["given", "reverse", "shuffle"],
        help="item order; verdicts must not depend on it",
    )


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("scim_url", default=None))


def _settings(config: pytest.Config) -> RunSettings:
    option = config.getoption
    settings = RunSettings(
        url=str(option("scim_url")),
        idp=str(option("scim_idp")),
        tags=tuple(tag for tag in str(option("scim_tags")).split(",") if tag),
        app_url=option("scim_app_url"),
        timeout=float(option("scim_timeout")),
        auth_mode=str(option("scim_auth")),
        insecure=bool(option("scim_insecure")),
        ca_bundle=option("scim_ca_bundle"),
        token_url=option("scim_token_url"),
        pauses=bool(option("scim_okta_pauses")),
        client_id=option("scim_client_id"),
    )
    worker: dict[str, Any] = getattr(config, "workerinput", {})
    settings.run_id = worker.get("scimcert_run_id") or option("scim_run_id") or settings.run_id
    seed = worker.get("scimcert_seed", option("scim_seed"))
    settings.seed = settings.seed if seed is None else int(seed)
    return settings


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def _take_junit(config: pytest.Config) -> Path | None:
    """The `--junitxml` path, taken from pytest's writer (which must run after us: tryfirst)."""
    path = getattr(config.option, "xmlpath", None)
    config.option.xmlpath = None
    return Path(path) if path else None


def _planned(config: pytest.Config, settings: RunSettings) -> tuple[str, ...]:
    """The scenario ids the selected profiles and tags will run, for the results header."""
    try:
        scenarios = load_scenarios(_scenario_roots(config))
    except (ScenarioError, OSError):
        return ()  # collection reports the broken file, with its line
    profiles = settings.profiles()
    return tuple(s.id for s in scenarios if any(applies(s, p, settings.tags) for p in profiles))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if not _enabled(config):
        return
    load_all()
    settings = _settings(config)
    try:
        settings.profiles()
    except ProfileError as error:
        raise pytest.UsageError(str(error)) from error
    worker: dict[str, Any] = getattr(config, "workerinput", {})
    if "scimcert_checked" in worker:
        trust(worker["scimcert_checked"])
    config.stash[STATE] = RunState(settings, lock=_server_lock(worker))
    junit = _take_junit(config)
    if config.pluginmanager.hasplugin("html"):
        config.pluginmanager.register(html_columns, "scimcert-html")
    if _is_controller(config):
        sink = ResultsSink.open(config, settings, _planned(config, settings), junit)
        config.pluginmanager.register(_Controller(sink), "scimcert-controller")
        if config.pluginmanager.hasplugin("xdist"):
            config.pluginmanager.register(_XdistForwarding(settings), "scimcert-xdist")
    # What exists now (modules, schemas, profiles) lives as long as the run: frozen, it is not
    # traversed again by each garbage collection, pytest's own at exit included. Thawed last
    # (the first cleanup registered runs last), so a process running pytest again can free it.
    gc.freeze()
    config.add_cleanup(gc.unfreeze)


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
            if applies(scenario, profile, state.settings.tags):
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
            raise ScenarioFailedError(self.finished.reason)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, HarnessError | ScenarioFailedError):
            return describe_failure(self.scenario, self.events, excinfo.value)
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
    """Registered on the controller only: it alone writes results and decides the exit code."""

    def __init__(self, sink: ResultsSink) -> None:
        self.sink = sink

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.sink.start()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Every finished item's events, from this process or an xdist worker."""
        if report.when != "teardown":
            return
        for name, value in report.user_properties:
            if name == EVENTS_PROPERTY:
                self.sink.write_records([from_record(r) for r in json.loads(str(value))])

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        code = self.sink.finish()
        if int(exitstatus) in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            session.exitstatus = code

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.write_line("")
        for line in self.sink.summary_lines():
            # The terminal writer turns a style into colour only when the output is a terminal.
            terminalreporter.write_line(line.text, **({line.style: True} if line.style else {}))
        if self.sink.report_dir is not None:
            terminalreporter.write_line(f"Summary: {self.sink.report_dir / 'index.html'}")
