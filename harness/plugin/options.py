"""A run's options, declared once in `RUN_OPTIONS`.

`scimcert run`'s and `scimcert demo`'s flags, the plugin's `--scim-*` options, the argv the CLI
hands pytest, the `[tool.scimcert]` keys, the `SCIMCERT_*` variables and the invocation that
`results.jsonl` records are all made from it: adding an option is one entry here (and, when the
engine must act on it, a field of `RunSettings` filled in `run_settings`).

No entry holds a secret: tokens, passwords and client secrets come only from their own
environment variables (harness/transport/auth.py), never from a flag, a file or a record.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.engine.session import RunSettings
from harness.suites.loading import known_suites, load_suite
from verdict.questions import QUESTIONS

DEFAULT_REPORT_DIR = Path("out/report")
# A full run against a sound server takes well under a minute; this bounds one against a
# target that hangs so that it ends inside the hour most CI jobs allow, reports written.
DEFAULT_BUDGET = 1800.0
ENV_PREFIX = "SCIMCERT_"
SAME = object()  # the plugin's default is the command's
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class RunOption:
    # `--name-with-dashes` on the command line, `--scim-name-with-dashes` in pytest, `name` in
    # [tool.scimcert] and `SCIMCERT_NAME` in the environment.
    name: str
    help: str
    kind: Callable[[Any], Any] = str  # makes the value from a flag's, a variable's or TOML's
    default: Any = None  # the command's
    choices: tuple[str, ...] = ()
    switch: bool = False  # a flag that takes no value (store_true)
    commands: tuple[str, ...] = ("run", "demo")  # the `scimcert` subcommands that take it
    plugin: bool = True  # also an option of the pytest plugin
    plugin_default: Any = SAME
    plugin_help: str = ""  # where plain pytest differs (no default budget, url enables it)
    setting: bool = True  # [tool.scimcert] and SCIMCERT_* may set it
    recorded: bool = True  # in results.jsonl's invocation, so its rerun command repeats it

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def plugin_flag(self) -> str:
        return "--scim-" + self.name.replace("_", "-")

    @property
    def dest(self) -> str:
        """Where pytest keeps the value (`config.getoption(dest)`)."""
        return "scim_" + self.name

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def convert(self, value: Any) -> Any:
        """A value from [tool.scimcert] (typed by TOML) or SCIMCERT_* (text), as the flag gives it;
        ValueError says why not. Choices are checked here: argparse never checks a default."""
        converted = _switch(value) if self.switch else self.kind(value)
        if self.choices and converted not in self.choices:
            raise ValueError(f"not one of {', '.join(self.choices)}")
        return converted


def _switch(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE + FALSE:
        return word in TRUE
    raise ValueError("not true or false")


RUN_OPTIONS = (
    RunOption(
        "url",
        "SCIM base URL (token in $SCIM_TOKEN)",
        commands=("run",),
        plugin_help="SCIM base URL of the server under test; enables scimcert",
    ),
    RunOption("idp", "profile ids, a family (okta), or all", default="all"),
    RunOption("tags", "comma-separated tags to select (PARTIAL)", default=""),
    RunOption("scenario", "comma-separated scenario ids to select (PARTIAL)", default=""),
    RunOption("scenarios", "scenario directory (default: packaged)", kind=Path),
    RunOption(
        "suite",
        "a vendor gate: its scenarios under its profiles, judged by its rule "
        "(PARTIAL; its overall result decides the exit code)",
        default="",
        choices=tuple(known_suites()),
    ),
    RunOption(
        "report_dir",
        "where results.jsonl, index.html and the other reports go",
        kind=Path,
        default=DEFAULT_REPORT_DIR,
        plugin_default=None,
        recorded=False,
    ),
    # The seed and run id a run used are recorded, generated ones too (`invocation.options_of`).
    RunOption("seed", "replay data generation exactly", kind=int),
    RunOption("run_id", "prefix of every name the run creates"),
    # Recorded apart: the plugin sees xdist's `-n`, not this flag.
    RunOption(
        "workers",
        "parallel workers (pytest-xdist)",
        kind=int,
        default=0,
        plugin=False,
        recorded=False,
    ),
    RunOption("timeout", "seconds per request", kind=float, default=30.0),
    RunOption(
        "budget",
        "seconds the whole run may take; then it stops, reports written, INCOMPLETE "
        f"(default {DEFAULT_BUDGET:g})",
        kind=float,
        default=DEFAULT_BUDGET,
        plugin_default=None,
        plugin_help="seconds the whole run may take; then it stops, INCOMPLETE",
    ),
    RunOption("app_url", "app-probe URL (token in $SCIM_APP_TOKEN)"),
    RunOption("auth", "bearer, header, basic, oauth, oauth-jwt, none", default="bearer"),
    RunOption("token_url", "OAuth token endpoint (--auth oauth)"),
    RunOption(
        "client_id",
        "OAuth client id; the secret is $SCIM_CLIENT_SECRET, a JWT signing key $SCIM_CLIENT_KEY",
    ),
    RunOption("insecure", "skip TLS checks (recorded)", switch=True),
    RunOption("ca_bundle", "CA bundle to verify the target's certificate"),
    RunOption(
        "fail_on",
        "warn: SHOULD-level warnings fail the gate too",
        default="fail",
        choices=("fail", "warn"),
    ),
    RunOption(
        "gate",
        "the question the exit code answers (default: every check); the reports show all",
        default="all",
        choices=("all", *QUESTIONS),
    ),
    RunOption("baseline", "expected failures (check x scenario x profile)", kind=Path),
    # Not a setting: a pyproject.toml saying `list = true` would turn every run into a listing.
    RunOption(
        "list",
        "show what would run; send nothing",
        switch=True,
        plugin=False,
        setting=False,
        recorded=False,
    ),
    RunOption(
        "okta_pauses", "replay the pauses of Okta's SPEC suite (dropped by default)", switch=True
    ),
    RunOption(
        "order",
        "item order (seeded shuffle); verdicts do not depend on it",
        default="given",
        choices=("given", "reverse", "shuffle"),
    ),
    RunOption(
        "json", "print a JSON summary line at the end", switch=True, plugin=False, recorded=False
    ),
    # The plugin's alone: `scimcert run` sets it to print its own summary last.
    RunOption(
        "summary",
        "where scimcert's summary goes; `scimcert run` prints it last itself",
        default="terminal",
        choices=("terminal", "none"),
        commands=(),
        setting=False,
        recorded=False,
    ),
)


def option(name: str) -> RunOption:
    """The entry called `name`; KeyError for one the table does not hold."""
    found = {entry.name: entry for entry in RUN_OPTIONS}
    return found[name]


def settings() -> dict[str, RunOption]:
    """The options [tool.scimcert] and SCIMCERT_* may set, by key."""
    return {entry.name: entry for entry in RUN_OPTIONS if entry.setting}


def _kwargs(entry: RunOption, default: Any, help_text: str) -> dict[str, Any]:
    if entry.switch:
        return {"action": "store_true", "help": help_text}
    found: dict[str, Any] = {"default": default, "help": help_text}
    if entry.kind is not str:
        found["type"] = entry.kind
    if entry.choices:
        found["choices"] = list(entry.choices)
    return found


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """The flags of one `scimcert` subcommand (`run`, `demo`)."""
    for entry in RUN_OPTIONS:
        if command in entry.commands:
            add_argument(parser, entry.name)


def add_argument(parser: argparse.ArgumentParser, name: str, **changes: Any) -> None:
    """One option's flag, for a command that shares a few of a run's (`idp replay`, `sweep`);
    `changes` are what differs there (`required=True`, its own help)."""
    entry = option(name)
    kwargs = {**_kwargs(entry, entry.default, entry.help), **changes}
    parser.add_argument(entry.flag, dest=entry.name, **kwargs)


def add_plugin_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("scimcert", "SCIM conformance (scimcert)")
    for entry in RUN_OPTIONS:
        if entry.plugin:
            default = entry.default if entry.plugin_default is SAME else entry.plugin_default
            kwargs = _kwargs(entry, default, entry.plugin_help or entry.help)
            group.addoption(entry.plugin_flag, dest=entry.dest, **kwargs)


def plugin_argv(value: Callable[[str], Any]) -> list[str]:
    """The `--scim-*` arguments that hand pytest a command's options; `value(name)` is each
    one's value (unset: None, "" or False, left out)."""
    argv: list[str] = []
    for entry in _handed_over():
        given = value(entry.name)
        if entry.switch:
            argv += [entry.plugin_flag] if given else []
        elif given not in (None, ""):
            argv += [entry.plugin_flag, str(given)]
    return argv


def _handed_over() -> Iterator[RunOption]:
    """What a command takes and the plugin reads."""
    return (entry for entry in RUN_OPTIONS if entry.plugin and entry.commands)


def words(text: Any) -> tuple[str, ...]:
    """A comma-separated choice (`--tags a,b`) as its parts."""
    return tuple(part for part in str(text or "").split(",") if part)


def run_settings(value: Callable[[str], Any]) -> RunSettings:
    """The engine's settings from the options' values by name, from argparse or from pytest.

    An unset seed or run id is left to `RunSettings` to generate. A suite chooses the scenarios
    and the profiles (`SuiteError` or `ScenarioError` for one that cannot be used).
    """
    settings = RunSettings(
        url=str(value("url")),
        idp=str(value("idp")),
        tags=words(value("tags")),
        app_url=value("app_url"),
        timeout=float(value("timeout")),
        auth_mode=str(value("auth")),
        insecure=bool(value("insecure")),
        ca_bundle=value("ca_bundle"),
        report_dir=value("report_dir"),
        token_url=value("token_url"),
        client_id=value("client_id"),
        pauses=bool(value("okta_pauses")),
        scenario_ids=words(value("scenario")),
    )
    if value("suite"):
        suite = load_suite(str(value("suite")))
        settings.suite, settings.profile_ids = suite.id, suite.profiles
        settings.scenario_ids = suite.scenario_ids
    if value("run_id"):
        settings.run_id = str(value("run_id"))
    if value("seed") is not None:
        settings.seed = int(value("seed"))
    return settings
