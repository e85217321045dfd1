"""`scimcert load` options: parsed, then checked whole before anything is started or sent."""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.engine.session import new_run_id, new_seed
from harness.load.mix import DEFAULT_MIX, Mix, MixError
from harness.load.presets import PRESETS, describe
from harness.transport.auth import MODES, AuthError, auth_from_env
from mock_idp.profile import ProfileError, select_profiles

# Locust user classes in locustfile.py, by HTTP client: geventhttpclient or python-requests.
CLIENTS = {"fast": "IdpUser", "requests": "IdpRequestsUser"}
# What a preset may fill in, and the value when neither a flag nor a preset gives one.
DEFAULTS: dict[str, object] = {
    "idp": "all",
    "rate": 25.0,
    "duration": 60,
    "mix": DEFAULT_MIX,
    "users": None,
    "group_size": 2,
}
MAX_GROUP_SIZE = 1000

DEFAULT_REPORT_DIR = Path("out/report")
USER_RATE = 1.0  # requests/s of one Locust user by default: 1 s of latency never caps the rate
RATE_TOLERANCE = 0.95  # "rate reached" = at least 95 % of it (pacing jitter, the last second)
LOOPBACK = "127.0.0.1"


class UsageError(Exception):
    pass


@dataclass(frozen=True)
class Thresholds:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    error_rate_pct: float
    rate_tolerance: float = RATE_TOLERANCE


@dataclass(frozen=True)
class LoadSettings:
    url: str
    idp: str
    profiles: tuple[str, ...]
    mix: Mix
    rate: float
    duration: int
    users: int
    max_requests: int
    thresholds: Thresholds
    report_dir: Path
    run_id: str
    seed: int
    timeout: float
    auth_mode: str
    token_url: str | None
    client_id: str | None
    verify: str  # "true", "false", or a CA bundle path, as Locust's users hand it to requests
    master: bool = False
    master_bind_host: str = LOOPBACK
    master_port: int = 5557
    expect_workers: int = 1
    worker: bool = False
    master_host: str = LOOPBACK
    client: str = "fast"
    processes: int = 0  # Locust worker processes forked on this machine; 0: one process
    group_size: int = 2
    preset: str = ""

    @property
    def prefix(self) -> str:
        return f"scimcert-{self.run_id}"  # what `scimcert sweep --run-id` removes


def add_parser(commands: Any) -> argparse.ArgumentParser:
    load: argparse.ArgumentParser = commands.add_parser(
        "load", help="certify a SCIM server under IdP-shaped load (Locust)"
    )
    add = load.add_argument
    add("--url", help="SCIM base URL (token in $SCIM_TOKEN)")
    add("--preset", choices=sorted(PRESETS), help=f"a named load: {describe()}")
    add("--idp", help="profile ids, a family (entra), or all (default all)")
    add("--rate", type=float, help="requests/s to sustain (default 25, Entra's floor)")
    add("--duration", type=int, help="seconds of load (default 60)")
    add("--users", type=int, help=f"concurrent Locust users (default: rate/{USER_RATE:g})")
    add("--max-requests", type=int, help="hard cap on requests (default: 2 x rate x duration)")
    add("--mix", help=f"kind=weight,... (default {DEFAULT_MIX})")
    add("--group-size", type=int, help="members each group push sends at once (default 2)")
    add(
        "--client",
        choices=sorted(CLIENTS),
        default="fast",
        help="HTTP client of the generator: fast (geventhttpclient, default) or requests",
    )
    add(
        "--processes",
        type=int,
        default=0,
        help="Locust worker processes on this machine (one per free core); with --worker, "
        "this machine's share of a distributed load",
    )
    add("--p50-ms", type=float, default=200.0, help="median latency threshold")
    add("--p95-ms", type=float, default=500.0, help="95th percentile latency threshold")
    add("--p99-ms", type=float, default=1000.0, help="99th percentile latency threshold")
    add("--max-error-rate", type=float, default=1.0, help="percent of requests that may fail")
    add("--report-dir", type=Path, default=DEFAULT_REPORT_DIR)
    add("--seed", type=int, help="replay the generated people exactly")
    add("--run-id", help="prefix of every name the load creates")
    add("--timeout", type=float, default=30.0, help="seconds per request")
    add("--auth", default="bearer", help=", ".join(MODES))
    add("--token-url", help="OAuth token endpoint (--auth oauth)")
    add("--client-id", help="OAuth client id; the secret is $SCIM_CLIENT_SECRET")
    add("--insecure", action="store_true", help="skip TLS verification")
    add("--ca-bundle", help="CA bundle to verify the target's certificate")
    add("--master", action="store_true", help="run as Locust master; workers bring the load")
    add("--master-bind-host", default=LOOPBACK, help="interface the master listens on")
    add("--master-port", type=int, default=5557)
    add("--expect-workers", type=int, default=1, help="workers the master waits for")
    add("--worker", action="store_true", help="run as a Locust worker of --master-host")
    add("--master-host", default=LOOPBACK)
    add("--json", action="store_true", help="print a JSON summary line at the end")
    return load


def set_handler(parser: argparse.ArgumentParser, handler: Any) -> argparse.ArgumentParser:
    parser.set_defaults(handler=handler)
    return parser


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise UsageError(message)


def _with_preset(args: argparse.Namespace) -> argparse.Namespace:
    """A flag wins over the preset, which wins over the default."""
    preset = PRESETS[args.preset].values if args.preset else {}
    given = {name: getattr(args, name) for name in DEFAULTS}
    chosen = {
        name: value if value is not None else preset.get(name, DEFAULTS[name])
        for name, value in given.items()
    }
    return argparse.Namespace(**{**vars(args), **chosen})


def _numbers(args: argparse.Namespace) -> None:
    _check(0 < args.rate <= 10_000, "--rate must be above 0 and at most 10000 requests/s")
    _check(0 < args.duration <= 86_400, "--duration must be 1 to 86400 seconds")
    _check(args.users is None or args.users >= 1, "--users must be at least 1")
    _check(args.max_requests is None or args.max_requests >= 1, "--max-requests must be >= 1")
    _check(min(args.p50_ms, args.p95_ms, args.p99_ms) > 0, "latency thresholds must be > 0")
    _check(0 <= args.max_error_rate <= 100, "--max-error-rate is a percentage, 0 to 100")
    _check(args.timeout > 0, "--timeout must be positive")
    _check(args.expect_workers >= 1, "--expect-workers must be at least 1")
    _check(0 < args.master_port < 65536, "--master-port must be a TCP port")
    _check(not (args.master and args.worker), "--master and --worker exclude each other")
    _check(0 <= args.processes <= 256, "--processes must be 0 to 256")
    _check(
        not (args.master and args.processes),
        "--processes runs its own master on this "
        "machine: drop --master, or give --processes to each --worker",
    )
    _check(1 <= args.group_size <= MAX_GROUP_SIZE, f"--group-size must be 1 to {MAX_GROUP_SIZE}")


def _url(url: str | None) -> str:
    _check(bool(url), "--url is required (or SCIMCERT_URL, or url in [tool.scimcert])")
    parts = urlsplit(str(url))
    well_formed = parts.scheme in ("http", "https") and bool(parts.hostname)
    _check(well_formed, f"--url must be http(s) with a host, not {url!r}")
    return str(url)


def _users(args: argparse.Namespace, profiles: int) -> int:
    users = args.users or max(profiles, math.ceil(args.rate / USER_RATE))
    _check(users >= profiles, f"--users {users}: each of the {profiles} profiles needs a user")
    return int(users)


def settings_from(args: argparse.Namespace) -> LoadSettings:
    """Every usage error, found before a process is started or a request sent (exit 2)."""
    args = _with_preset(args)
    _numbers(args)
    url = "" if args.worker else _url(args.url)
    try:
        profiles = tuple(p.id for p in select_profiles(args.idp))
        mix = Mix.parse(args.mix)
        auth_options = {"token_url": args.token_url, "client_id": args.client_id}
        auth_from_env(args.auth, os.environ, **{k: v for k, v in auth_options.items() if v})
    except (ProfileError, MixError, AuthError) as error:
        raise UsageError(str(error)) from None
    if not any(mix.for_profile(p) for p in select_profiles(args.idp)):
        raise UsageError(f"no selected profile speaks the verbs of --mix {mix.text()}")
    verify = "false" if args.insecure else (args.ca_bundle or "true")
    return LoadSettings(
        url=url,
        idp=args.idp,
        profiles=profiles,
        mix=mix,
        rate=args.rate,
        duration=args.duration,
        users=_users(args, len(profiles)),
        max_requests=args.max_requests or math.ceil(2 * args.rate * args.duration) + 100,
        thresholds=Thresholds(args.p50_ms, args.p95_ms, args.p99_ms, args.max_error_rate),
        report_dir=args.report_dir,
        run_id=args.run_id or new_run_id(),
        seed=new_seed() if args.seed is None else args.seed,
        timeout=args.timeout,
        auth_mode=args.auth,
        token_url=args.token_url,
        client_id=args.client_id,
        verify=verify,
        master=args.master,
        master_bind_host=args.master_bind_host,
        master_port=args.master_port,
        expect_workers=args.expect_workers,
        worker=args.worker,
        master_host=args.master_host,
        client=args.client,
        processes=args.processes,
        group_size=args.group_size,
        preset=args.preset or "",
    )
