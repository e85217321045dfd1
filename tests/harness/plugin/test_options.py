"""One table of run options: the CLI's flags, the plugin's options, the argv between them, the
[tool.scimcert] keys, the SCIMCERT_* variables and the recorded invocation all follow it."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.cli.config import ConfigError, defaults, from_env, from_pyproject
from harness.plugin import hooks, invocation, options
from harness.plugin.options import RUN_OPTIONS, RunOption
from reports.rerun import command
from tests.support.paths import ROOT

COMMANDS = ("run", "demo")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def cli_parsers(settings: dict[str, object] | None = None) -> dict[str, argparse.ArgumentParser]:
    """The real `scimcert` subcommand parsers, as `harness.cli.main` builds them."""
    found = subcommands(main._parser(settings or {}))
    return {name: found[name] for name in COMMANDS}


def plugin_parser() -> pytest.Parser:
    parser = pytest.Parser(_ispytest=True)
    hooks.pytest_addoption(parser)
    return parser


def flags(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    # Positionals (`replay`'s recording) are no options.
    return {
        a.option_strings[0]: a
        for a in parser._actions
        if a.option_strings and a.option_strings[0] != "-h"
    }


def sample(entry: RunOption) -> tuple[Any, str]:
    """A value the option accepts other than its default: as TOML types it, and as text."""
    if entry.switch:
        return True, "true"
    if entry.choices:
        return entry.choices[-1], entry.choices[-1]
    samples: dict[object, str] = {int: "7", float: "2.5"}
    text = samples.get(entry.kind, "sample-value")
    return entry.kind(text), text


def given(entries: tuple[RunOption, ...] = RUN_OPTIONS) -> dict[str, Any]:
    return {entry.name: sample(entry)[0] for entry in entries}


def test_every_flag_of_run_and_demo_is_an_entry_as_the_table_says() -> None:
    for name, parser in cli_parsers().items():
        found = flags(parser)
        expected = {entry.flag: entry for entry in RUN_OPTIONS if name in entry.commands}
        assert set(found) == set(expected), name
        for flag, entry in expected.items():
            action = found[flag]
            assert action.dest == entry.name and action.help == entry.help
            if entry.switch:
                assert isinstance(action, argparse._StoreTrueAction)
                continue
            assert action.choices == (list(entry.choices) or None)
            assert action.type is (None if entry.kind is str else entry.kind)
            if not (name == "demo" and entry.name == "report_dir"):  # the demo's own folder
                assert action.default == entry.default, flag


def test_the_commands_sharing_a_few_options_take_them_from_the_table() -> None:
    """`idp replay` and `sweep` may require a flag or word its help their way, not change it."""
    commands = subcommands(main._parser({}))
    shared = {
        "sweep": commands["sweep"],
        "idp replay": subcommands(commands["idp"])["replay"],
        "replay": commands["replay"],
    }
    by_flag = {entry.flag: entry for entry in RUN_OPTIONS}
    for name, parser in shared.items():
        taken = {f: a for f, a in flags(parser).items() if f in by_flag}
        if name == "idp replay":
            del taken["--scenario"]  # one scenario file, not the run's ids to select
        assert len(taken) >= 4, name
        for flag, action in taken.items():
            entry = by_flag[flag]
            assert action.dest == entry.name, flag
            assert action.type is (None if entry.kind is str else entry.kind), flag
            default = False if entry.switch else entry.default  # store_true's own default
            assert action.required or action.default == default, flag


def test_every_plugin_option_is_an_entry_as_the_table_says() -> None:
    found = {a.names()[0]: a for a in plugin_parser().getgroup("scimcert").options}
    expected = {entry.plugin_flag: entry for entry in RUN_OPTIONS if entry.plugin}
    assert set(found) == set(expected)
    defaults_ = plugin_parser().parse_known_args([])
    for flag, entry in expected.items():
        attrs = found[flag].attrs()
        assert attrs["dest"] == entry.dest
        assert attrs["help"] == (entry.plugin_help or entry.help)
        wanted = entry.default if entry.plugin_default is options.SAME else entry.plugin_default
        assert getattr(defaults_, entry.dest) == (False if entry.switch else wanted), flag


def test_what_the_cli_hands_pytest_gives_the_plugin_the_same_settings() -> None:
    """Every option the plugin reads travels from the command line to it, none dropped."""
    words = ["run", "--url", "http://127.0.0.1:9/scim"]
    for entry in RUN_OPTIONS:
        if "run" in entry.commands and entry.name != "url":
            text = sample(entry)[1]
            words += [entry.flag] if entry.switch else [entry.flag, text]
    args = cli_parsers()["run"].parse_args(words[1:])
    argv = options.plugin_argv(lambda name: getattr(args, name))
    handed = {word for word in argv if word.startswith("--scim-")}
    assert handed == {e.plugin_flag for e in RUN_OPTIONS if e.plugin and "run" in e.commands}
    plugin = plugin_parser().parse_known_args(argv)
    from_plugin = options.run_settings(lambda name: getattr(plugin, options.option(name).dest))
    assert from_plugin == options.run_settings(lambda name: getattr(args, name))
    assert from_plugin.insecure and from_plugin.pauses and from_plugin.ca_bundle == "sample-value"


@pytest.mark.parametrize("entry", [e for e in RUN_OPTIONS if e.setting], ids=lambda e: e.name)
def test_every_setting_is_a_pyproject_key_and_a_variable(entry: RunOption, tmp_path: Path) -> None:
    value, text = sample(entry)
    toml = f'"{text}"' if isinstance(value, str | Path) else str(value).lower()
    (tmp_path / "pyproject.toml").write_text(f"[tool.scimcert]\n{entry.name} = {toml}\n")
    assert from_pyproject(tmp_path) == {entry.name: value}
    assert from_env({entry.env: text}) == {entry.name: value}
    parsed = cli_parsers({entry.name: value})["run"].parse_args([])
    assert getattr(parsed, entry.name) == value


def test_the_options_that_had_drifted_are_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.scimcert]\ninsecure = true\nca-bundle = "ca.pem"\norder = "shuffle"\n'
    )
    found = defaults(tmp_path, {"SCIMCERT_OKTA_PAUSES": "yes", "SCIMCERT_ORDER": "reverse"})
    assert found == {
        "insecure": True,
        "ca_bundle": "ca.pem",
        "order": "reverse",
        "okta_pauses": True,
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SCIMCERT_ORDER": "sideways"}, "not one of given, reverse, shuffle"),
        ({"SCIMCERT_INSECURE": "maybe"}, "not true or false"),
        ({"SCIMCERT_GATE": "vibes"}, "SCIMCERT_GATE: gate = 'vibes' is not valid"),
    ],
)
def test_a_setting_outside_its_choices_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        from_env(env)


@pytest.mark.parametrize("entry", [e for e in RUN_OPTIONS if not e.setting], ids=lambda e: e.name)
def test_what_is_not_a_setting_is_refused_from_the_file(entry: RunOption, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.scimcert]\n{entry.name} = true\n")
    with pytest.raises(ConfigError, match=f"unknown setting '{entry.name}'"):
        from_pyproject(tmp_path)
    assert from_env({entry.env: "true"}) == {}


def test_the_recorded_invocation_reruns_every_recorded_option() -> None:
    values = given()
    recorded = invocation.options_of(
        lambda dest, default: values.get(dest.removeprefix("scim_"), default), 11, "r-1"
    )
    assert set(recorded) == {entry.flag for entry in RUN_OPTIONS if entry.recorded}
    words = shlex.split(command(recorded))
    assert words[:2] == ["scimcert", "run"]
    again = cli_parsers()["run"].parse_args(words[2:])
    for entry in RUN_OPTIONS:
        if entry.recorded and entry.name not in invocation.REPLAYED:
            assert getattr(again, entry.name) == values[entry.name], entry.name
    assert (again.seed, again.run_id) == (11, "r-1")


def test_adding_one_entry_adds_a_flag_a_plugin_option_a_setting_and_a_record(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    retries = RunOption("retries", "times to retry", kind=int, default=1)
    monkeypatch.setattr(options, "RUN_OPTIONS", (*RUN_OPTIONS, retries))
    for parser in cli_parsers().values():
        assert parser.parse_args(["--retries", "3"]).retries == 3
    assert plugin_parser().parse_known_args(["--scim-retries", "4"]).scim_retries == 4
    (tmp_path / "pyproject.toml").write_text("[tool.scimcert]\nretries = 5\n")
    assert defaults(tmp_path, {"SCIMCERT_RETRIES": "6"}) == {"retries": 6}
    assert cli_parsers({"retries": 5})["run"].parse_args([]).retries == 5
    argv = options.plugin_argv({"retries": 3}.get)
    assert argv == ["--scim-retries", "3"]
    recorded = invocation.options_of(
        lambda dest, default: 3 if dest == "scim_retries" else default, 1, "r"
    )
    assert recorded["--retries"] == "3"


def _readme_table() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("| option | meaning |")
    return text[start : text.index("\n\n", start)]


def test_the_readme_lists_every_option_of_scimcert_run() -> None:
    first_cells = [row.split("|")[1] for row in _readme_table().splitlines()[2:]]
    listed = set(re.findall(r"--[a-z-]+", " ".join(first_cells)))
    assert listed == {entry.flag for entry in RUN_OPTIONS if "run" in entry.commands}


def test_the_readme_names_the_options_that_are_not_settings() -> None:
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = re.search(r"Every option of the table above but (.+?) is also a setting", text)
    assert said is not None
    named = set(re.findall(r"--[a-z-]+", said.group(1)))
    assert named == {e.flag for e in RUN_OPTIONS if "run" in e.commands and not e.setting}
