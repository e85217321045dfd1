"""Running the application under uvicorn on a socket bound before the banner is printed."""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import uvicorn
from sqlalchemy import Engine

from .app import Layer, create_app
from .behaviour import INTEROP_PROFILE, STANDARD
from .http_protocol import ScimProtocol
from .limits import Limits
from .storage.engine import open_engine
from .token_endpoint import DEFAULT_LIFETIME_MINUTES

DB_ENV = "SCIMCERT_SERVER_DB"
FAULTS_ENV = "SCIMCERT_SERVER_FAULTS"  # set (maybe empty) only when built with the fault layer
CURSOR_TIMEOUT_ENV = "SCIMCERT_SERVER_CURSOR_TIMEOUT"
LIFETIME_ENV = "SCIMCERT_SERVER_TOKEN_LIFETIME"  # minutes, for the worker processes
INTEROP_ENV = "SCIMCERT_SERVER_INTEROP_PROFILE"  # "1" when serving the interop profile
ENTITLEMENTS_ENV = "SCIMCERT_SERVER_ENTITLEMENTS"  # "1" when serving /Roles


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str
    port: int
    db: str
    workers: int = 1
    log_file: str | None = None
    # None: built without the fault layer. A set, maybe empty: built with it, these on for all.
    faults: frozenset[str] | None = None
    # RFC 9865 cursors' lifetime in seconds; None keeps the default of `Limits`.
    cursor_timeout: int | None = None
    # Minutes the token endpoint's access tokens live (docs/oauth.md).
    token_lifetime: int = DEFAULT_LIFETIME_MINUTES
    # Serve the strict behaviour of the SCIM interoperability profile draft and claim it
    # (docs/interop-profile.md); off by default, as it refuses what Okta and Entra send.
    interop_profile: bool = False
    # Serve the team's roles as Okta's entitlement resource type, /Roles (docs/domain.md#roles);
    # off by default: a read-only type is one a generic tester would try to write to.
    entitlements: bool = False


def _layer(engine: Engine, faults: Iterable[str] | None) -> Layer | None:
    if faults is None:
        return None
    # Imported only here: a server built without faults never loads them.
    from .faults import fault_layer

    return fault_layer(engine, faults)


def build_app(
    db: str,
    faults: Iterable[str] | None = None,
    cursor_timeout: int | None = None,
    token_lifetime: int = DEFAULT_LIFETIME_MINUTES,
    interop_profile: bool = False,
    entitlements: bool = False,
) -> object:
    """The application on the database `db`, with the fault layer when `faults` is a set."""
    engine = open_engine(db)
    limits = Limits() if cursor_timeout is None else Limits(cursor_timeout=cursor_timeout)
    behaviour = INTEROP_PROFILE if interop_profile else STANDARD
    layer = _layer(engine, faults)
    return create_app(engine, limits, layer, token_lifetime * 60, behaviour, entitlements)


def bind(host: str, port: int) -> socket.socket:
    """Bind first, so `--port 0` can print the port the kernel chose before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns TCP_NODELAY on only for sockets that say they are TCP,
    # and without it every kept-alive request waits ~40 ms on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listening now means early clients queue instead of being refused while uvicorn starts.
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def configure_logging(log_file: str | None) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger("reference_server")
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def app_from_env() -> object:
    """The application factory the worker processes import (they cannot share an engine)."""
    configure_logging(os.environ.get("SCIMCERT_SERVER_LOG") or None)
    faults = os.environ.get(FAULTS_ENV)
    names = None if faults is None else [name for name in faults.split(",") if name]
    timeout = os.environ.get(CURSOR_TIMEOUT_ENV)
    lifetime = int(os.environ.get(LIFETIME_ENV) or DEFAULT_LIFETIME_MINUTES)
    timeout_s = None if timeout is None else int(timeout)
    interop = os.environ.get(INTEROP_ENV) == "1"
    entitlements = os.environ.get(ENTITLEMENTS_ENV) == "1"
    return build_app(os.environ[DB_ENV], names, timeout_s, lifetime, interop, entitlements)


def serve(options: ServeOptions, sock: socket.socket) -> None:
    if options.workers > 1:
        _serve_workers(options, sock)
        return
    configure_logging(options.log_file)
    app = build_app(
        options.db,
        options.faults,
        options.cursor_timeout,
        options.token_lifetime,
        options.interop_profile,
        options.entitlements,
    )
    uvicorn.Server(_config(app)).run(sockets=[sock])


def _config(app: Any, workers: int | None = None) -> uvicorn.Config:
    # uvicorn's access log prints query strings, and filters carry personal data (RFC 7644
    # 7.5.2); the application writes its own access log without them.
    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        workers=workers,
        access_log=False,
        log_level="warning",
        lifespan="off",
        server_header=False,
        http=ScimProtocol,  # the HTTP parser's refusals are SCIM errors too
    )


def _serve_workers(options: ServeOptions, sock: socket.socket) -> None:
    """Several processes on one database file: SQLite's locks keep writes serialised."""
    from uvicorn.supervisors import Multiprocess

    os.environ[DB_ENV] = options.db
    os.environ[LIFETIME_ENV] = str(options.token_lifetime)
    os.environ[INTEROP_ENV] = "1" if options.interop_profile else "0"
    os.environ[ENTITLEMENTS_ENV] = "1" if options.entitlements else "0"
    if options.log_file:
        os.environ["SCIMCERT_SERVER_LOG"] = options.log_file
    if options.faults is None:
        os.environ.pop(FAULTS_ENV, None)
    else:
        os.environ[FAULTS_ENV] = ",".join(sorted(options.faults))
    if options.cursor_timeout is not None:
        os.environ[CURSOR_TIMEOUT_ENV] = str(options.cursor_timeout)
    config = _config("reference_server.server:app_from_env", workers=options.workers)
    Multiprocess(config, sockets=[sock]).run()
