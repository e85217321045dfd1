"""The three servers under load, each started, seeded and stopped the same way.

- the reference server (`python -m reference_server serve`), seeded through its storage layer;
- the stock `scim2-server` command from PyPI (in-memory, WSGI on wsgiref), seeded over HTTP
  with `/Bulk` requests, since it has no storage to write to;
- a hello-world Starlette app on the same uvicorn: the ceiling of the stack.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from reference_server.storage.engine import open_engine
from reference_server.teams import TokenSource

from . import seed_reference, venvs
from .population import user_document
from .processes import Service, clean_env, free_port

TEAM = "acme"
REFERENCE_BANNER = re.compile(r"SCIM API URL: (\S+)")
APP_BANNER = re.compile(r"App probe URL: (\S+)")
SCIM2_BANNER = re.compile(r"Serving SCIM on (\S+)")
HELLO_BANNER = re.compile(r"Hello URL: (\S+)")
BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_CHUNK = 500


@dataclass
class Target:
    """A running server: its SCIM base URL, the users it holds (ids by index), its process."""

    label: str
    base_url: str
    token: str
    service: Service
    ids: list[str] = field(default_factory=list)
    app_url: str | None = None

    @property
    def users(self) -> int:
        return len(self.ids)


def reference_db(
    folder: Path, users: int, token: str, app_token: str, name: str
) -> tuple[str, list[str]]:
    """The SQLite file `name` with `users` users, seeded once and reused for the whole run."""
    path = folder / f"{name}.db"
    ids_file = path.with_suffix(".ids")
    url = f"sqlite:///{path}"
    if not ids_file.exists():
        ids = seed_reference.seed(open_engine(url), TEAM, TokenSource(token, app_token), users)
        ids_file.write_text("\n".join(ids))
    text = ids_file.read_text()
    return url, text.split("\n") if text else []


@contextmanager
def reference(
    folder: Path,
    users: int,
    token: str,
    app_token: str,
    *,
    nodelay: bool = False,
    db_name: str | None = None,
) -> Iterator[Target]:
    """The reference server on a seeded file (`reference-<users>.db` unless `db_name` says);
    `nodelay` serves it through the diagnosis wrapper."""
    db_name = db_name or f"reference-{users}"
    db, ids = reference_db(folder, users, token, app_token, db_name)
    module = "benchmarks.nodelay_server" if nodelay else "reference_server"
    argv = [sys.executable, "-m", module, "serve", "--host", "127.0.0.1", "--port", "0"]
    env = clean_env(SCIM_TOKEN=token, SCIM_APP_TOKEN=app_token, PYTHONUNBUFFERED="1")
    log = folder / f"{db_name}{'-nodelay' if nodelay else ''}.log"
    service = Service([*argv, "--team", TEAM, "--db", db], env, log)
    try:
        url = service.wait_for(REFERENCE_BANNER)
        app_url = service.wait_for(APP_BANNER)
        yield Target("reference", url, token, service, ids, app_url)
    finally:
        service.stop()


def _bulk_seed(base_url: str, token: str, users: int) -> list[str]:
    ids: list[str] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    with requests.Session() as session:
        for start in range(0, users, BULK_CHUNK):
            operations = [
                {"method": "POST", "path": "/Users", "bulkId": str(i), "data": user_document(i)}
                for i in range(start, min(start + BULK_CHUNK, users))
            ]
            body = {"schemas": [BULK_SCHEMA], "Operations": operations}
            reply = session.post(f"{base_url}/Bulk", json=body, headers=headers, timeout=120)
            reply.raise_for_status()
            for answer in reply.json()["Operations"]:
                if str(answer.get("status")) != "201":
                    raise RuntimeError(f"scim2-server refused a seeded user: {answer}")
                ids.append(str(answer["location"]).rstrip("/").rsplit("/", 1)[1])
    return ids


@contextmanager
def scim2_server(folder: Path, users: int, token: str) -> Iterator[Target]:
    """The stock `scim2-server` command, seeded over HTTP (it keeps everything in memory)."""
    port = free_port()
    argv = [str(venvs.SCIM2_SERVER.bin()), "--hostname", "127.0.0.1", "--port", str(port)]
    service = Service([*argv, "--bearer-token", token], clean_env(), folder / f"scim2-{users}.log")
    try:
        url = service.wait_for(SCIM2_BANNER)
        yield Target("scim2-server", url, token, service, _bulk_seed(url, token, users))
    finally:
        service.stop()


@contextmanager
def hello(folder: Path) -> Iterator[Target]:
    argv = [sys.executable, "-m", "benchmarks.hello_app", "--port", "0"]
    service = Service(argv, clean_env(), folder / "hello.log")
    try:
        yield Target("hello-world", service.wait_for(HELLO_BANNER), "unused", service)
    finally:
        service.stop()
