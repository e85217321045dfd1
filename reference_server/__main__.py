"""`python -m reference_server`: the server's own commands (`serve`, `team`, `token`, `purge`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from . import teams
from .server import ServeOptions, bind, serve
from .storage.engine import open_engine
from .token_endpoint import DEFAULT_LIFETIME_MINUTES

MAX_LIFETIME_MINUTES = 7 * 24 * 60  # a week: a longer-lived bearer token is a standing password


def _say(line: str) -> None:
    print(line, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scimcert", description="The reference SCIM server.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_cmd = commands.add_parser("serve", help="serve the SCIM API and the app probe")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    serve_cmd.add_argument("--team", default="acme", help="the team to serve (created if new)")
    serve_cmd.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve_cmd.add_argument("--log-file", help="write the access and error log here")
    serve_cmd.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="build the server with its deliberate faults and switch NAME on for every team "
        "(repeatable; for testing the harness)",
    )
    serve_cmd.add_argument(
        "--fault-api",
        action="store_true",
        help="build the server with its deliberate faults, switched per team with PUT /faults",
    )
    serve_cmd.add_argument(
        "--cursor-timeout",
        type=int,
        metavar="S",
        help="seconds an RFC 9865 cursor stays valid between page requests (default 600)",
    )
    serve_cmd.add_argument(
        "--token-lifetime",
        type=int,
        default=DEFAULT_LIFETIME_MINUTES,
        metavar="MINUTES",
        help="how long access tokens from the OAuth token endpoint live "
        f"(default {DEFAULT_LIFETIME_MINUTES}; Microsoft's gallery asks for 60-360)",
    )
    serve_cmd.add_argument(
        "--interop-profile",
        action="store_true",
        help="claim draft-zollner-scim-interop-profile-01 and serve its strict rules: unknown "
        "attributes and path-less PATCH operations refused with 400 (Okta and Entra send both; "
        "docs/interop-profile.md)",
    )
    serve_cmd.add_argument(
        "--entitlements",
        action="store_true",
        help="serve the team's roles as Okta's entitlement resource type, read-only at /Roles "
        "(docs/domain.md#roles; Okta's Entitlements test pages it)",
    )
    team_cmd = commands.add_parser("team", help="manage teams")
    team_actions = team_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = team_actions.add_parser("add", help="create a team with its own URL and tokens")
    add.add_argument("name")
    token_cmd = commands.add_parser("token", help="manage tokens")
    token_actions = token_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    rotate = token_actions.add_parser(
        "rotate", help="replace a team's tokens; old ones stop at once"
    )
    rotate.add_argument("--team", default="acme")
    rotate.add_argument(
        "--which",
        choices=["scim", "app", "both", "client"],
        default="scim",
        help="client: a new OAuth client secret, ending the tokens issued under the old one",
    )
    commands.add_parser("purge", help="remove for good the users and groups SCIM deleted")
    for sub in (serve_cmd, add, rotate, commands.choices["purge"]):
        sub.add_argument("--db", default="sqlite:///scimcert.db", help="SQLite URL")
    return parser


def _urls(host: str, port: int, slug: str) -> None:
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    _say(f"SCIM API URL: http://{authority}/t/{slug}/scim/v2")
    _say(f"OAuth token URL: http://{authority}/t/{slug}/oauth/token")
    _say(f"App probe URL: http://{authority}/t/{slug}/app/v1")


def _faults(args: argparse.Namespace) -> frozenset[str] | None:
    """The faults on for every team; None when the server is built without them."""
    if not args.fault and not args.fault_api:
        return None
    # Imported only here: a server built without faults never loads them.
    from .faults import check_names

    return check_names(args.fault)


def _serve(args: argparse.Namespace) -> None:
    if args.workers < 1:
        raise ValueError("--workers must be at least 1")
    if args.cursor_timeout is not None and args.cursor_timeout < 1:
        raise ValueError("--cursor-timeout must be at least 1 second")
    if not 1 <= args.token_lifetime <= MAX_LIFETIME_MINUTES:
        raise ValueError(f"--token-lifetime must be 1 to {MAX_LIFETIME_MINUTES} minutes")
    on = _faults(args)
    sock = bind(args.host, args.port)
    teams.ensure_team(open_engine(args.db), args.team, teams.TokenSource.from_env(os.environ), _say)
    if args.interop_profile:
        _say("Interop profile: draft-zollner-scim-interop-profile-01 claimed and enforced")
    if args.entitlements:
        _say("Entitlements: the team's roles served read-only at /Roles (Okta's Role schema)")
    if on:
        _say(f"Deliberate faults on for every team: {', '.join(sorted(on))}")
    elif on is not None:
        _say("Deliberate faults: none on; PUT /faults on the app probe switches them per team")
    _urls(args.host, sock.getsockname()[1], args.team)
    options = ServeOptions(
        args.host,
        args.port,
        args.db,
        args.workers,
        args.log_file,
        on,
        cursor_timeout=args.cursor_timeout,
        token_lifetime=args.token_lifetime,
        interop_profile=args.interop_profile,
        entitlements=args.entitlements,
    )
    serve(options, sock)


def _run(args: argparse.Namespace) -> None:
    if args.command == "serve":
        _serve(args)
    elif args.command == "team":
        teams.add_team(
            open_engine(args.db), args.name, teams.TokenSource.from_env(os.environ), _say
        )
        _urls("127.0.0.1", 8080, args.name)
    elif args.command == "token":
        teams.rotate_tokens(open_engine(args.db), args.team, args.which, _say)
    else:
        users, groups = teams.purge(open_engine(args.db))
        _say(f"Purged {users} deleted users and {groups} deleted groups")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _run(args)
    except (ValueError, OSError, SQLAlchemyError) as error:
        print(f"scimcert {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
