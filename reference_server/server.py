"""Running the application under uvicorn on a socket bound before the banner is printed."""

from __future__ import annotations

import logging
import os
import socket
import sys
from dataclasses import dataclass
from typing import Any

import uvicorn

from .app import create_app
from .http_protocol import ScimProtocol
from .limits import Limits
from .storage.engine import open_engine

DB_ENV = "SCIMCERT_SERVER_DB"
FAULTS_ENV = "SCIMCERT_SERVER_FAULTS"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str
    port: int
    db: str
    workers: int = 1
    log_file: str | None = None
    faults: frozenset[str] = frozenset()


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
    faults = [name for name in os.environ.get(FAULTS_ENV, "").split(",") if name]
    return create_app(open_engine(os.environ[DB_ENV]), Limits(), faults)


def serve(options: ServeOptions, sock: socket.socket) -> None:
    if options.workers > 1:
        _serve_workers(options, sock)
        return
    configure_logging(options.log_file)
    app = create_app(open_engine(options.db), Limits(), options.faults)
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
    if options.log_file:
        os.environ["SCIMCERT_SERVER_LOG"] = options.log_file
    os.environ[FAULTS_ENV] = ",".join(sorted(options.faults))
    config = _config("reference_server.server:app_from_env", workers=options.workers)
    Multiprocess(config, sockets=[sock]).run()
