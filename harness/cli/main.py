"""The `scimcert` command.

`run` drives pytest in-process with the scimcert plugin, so the CLI and a plain
`pytest --scim-url ...` give identical results. The server's own commands (`serve`, `team`,
`token`, `purge`) hand over to `python -m reference_server`, which replaces this process: the
harness meets the reference server only over HTTP, like any vendor's server, and never imports it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from harness.cli.config import ConfigError, defaults
from harness.load import command as load_command
from verdict.status import ExitCode

from . import checks, demo, idp, record, recording, replay, report, run, scan, sweep

SERVER_COMMANDS = ("serve", "team", "token", "purge")


def _parser(settings: dict[str, object]) -> argparse.ArgumentParser:
    """The command line; `settings` (pyproject.toml, SCIMCERT_*) are defaults flags override."""
    parser = argparse.ArgumentParser(
        prog="scimcert",
        description="Certify a SCIM 2.0 server against Okta, Entra ID and OneLogin traffic.",
        epilog=f"Server commands ({', '.join(SERVER_COMMANDS)}) are described by "
        "`scimcert serve --help` and so on.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for configurable in (run.add_parser(commands), demo.add_parser(commands)):
        configurable.set_defaults(**settings)
    load_command.add_parser(commands).set_defaults(**settings)
    sweep.add_parser(commands)
    idp.add_parser(commands)
    record.add_parser(commands)
    recording.add_parser(commands)
    replay.add_parser(commands)
    report.add_parser(commands)
    scan.add_parser(commands)
    checks.add_parser(commands)
    for name in SERVER_COMMANDS:
        commands.add_parser(name, help=f"reference server: {name} (see scimcert {name} --help)")
    return parser


def _server(argv: Sequence[str]) -> int:
    """Become `python -m reference_server`: signals (Ctrl-C, SIGTERM) then reach the server itself,
    and no orphan is left serving when this process is stopped."""
    os.execv(sys.executable, [sys.executable, "-m", "reference_server", *argv])  # noqa: S606
    return 0  # not reached: execv replaces this process


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SERVER_COMMANDS:
        return _server(args)
    try:
        parser = _parser(defaults(Path.cwd(), os.environ))
    except ConfigError as error:
        print(f"scimcert: {error}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        namespace = parser.parse_args(args)
    except SystemExit as exit_:
        return int(exit_.code or 0) and ExitCode.USAGE
    try:
        return int(namespace.handler(namespace))
    except KeyboardInterrupt:
        print("scimcert: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
