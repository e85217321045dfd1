"""The ASGI application: routes, error translation and the access log."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .behaviour import STANDARD, Behaviour, ServedAs
from .limits import Limits
from .probe.api import probe_routes
from .scim import discovery, roles
from .scim.bulk import bulk
from .scim.endpoints import GROUPS, USERS, collection, item, search, search_all
from .scim.errors import ScimError
from .scim.http import error_response
from .token_endpoint import DEFAULT_LIFETIME_MINUTES, token_routes

access_log = logging.getLogger("reference_server.access")
error_log = logging.getLogger("reference_server.errors")

SCIM_PREFIX = "/t/{team}/scim/v2"
APP_PREFIX = "/t/{team}/app/v1"
_SCIM_PATH = re.compile(r"/t/[^/]+/scim/v2(?:/.*)?")


def _scim_path(path: str) -> bool:
    """Whether `path` is of the SCIM API: the interop profile's strict rules are SCIM's, and the
    app probe (`role` on a new member) keeps the standard behaviour."""
    return _SCIM_PATH.fullmatch(path) is not None


def _both(path: str, endpoint: Any, methods: list[str]) -> list[Route]:
    """A route with and without a trailing slash: Entra's Postman suite sends `/Users/?filter=`."""
    return [Route(path, endpoint, methods=methods), Route(path + "/", endpoint, methods=methods)]


def scim_routes(entitlements: bool = False) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    p = SCIM_PREFIX
    routes += _both(f"{p}/ServiceProviderConfig", discovery.service_provider_config, ["GET"])
    routes += _both(f"{p}/ResourceTypes", discovery.resource_types, ["GET"])
    routes += _both(f"{p}/ResourceTypes/{{name}}", discovery.resource_types, ["GET"])
    routes += _both(f"{p}/Schemas", discovery.schemas, ["GET"])
    routes += _both(f"{p}/Schemas/{{urn}}", discovery.schemas, ["GET"])
    for name, kind in (("Users", USERS), ("Groups", GROUPS)):
        routes += _both(f"{p}/{name}", collection(kind), ["GET", "POST"])
        routes += _both(f"{p}/{name}/.search", search(kind), ["POST"])
        routes += _both(f"{p}/{name}/{{id}}", item(kind), ["GET", "PUT", "PATCH", "DELETE"])
    if entitlements:
        # The team's roles, read-only: a write is a 405 SCIM Error saying so, with Allow.
        routes += _both(f"{p}/Roles", roles.collection, ["GET", "POST"])
        routes += _both(f"{p}/Roles/{{id}}", roles.item, ["GET", "PUT", "PATCH", "DELETE"])
    routes += _both(f"{p}/.search", search_all, ["POST"])
    routes += _both(f"{p}/Bulk", bulk, ["POST"])
    return routes


async def _scim_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ScimError)
    return error_response(exc)


async def _http_error(_: Request, exc: Exception) -> Response:
    """Unknown routes and methods answer a SCIM Error, not Starlette's plain text."""
    assert isinstance(exc, HTTPException)
    detail = {404: "No such endpoint", 405: "Method not allowed on this endpoint"}.get(
        exc.status_code, str(exc.detail)
    )
    return error_response(ScimError(exc.status_code, detail, headers=dict(exc.headers or {})))


async def _server_error(request: Request, exc: Exception) -> Response:
    """A genuine fault: the client gets a correlation id, the log gets the details."""
    correlation = request.scope.get("state", {}).get("request_id", uuid.uuid4().hex)
    error_log.error("request %s failed", correlation, exc_info=exc)
    return error_response(ScimError(500, f"Internal error; correlation id {correlation}"))


class AccessLog:
    """Logs method, path without query (filters carry personal data: RFC 7644 7.5.2), status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            access_log.info(
                "%s %s %s %.1fms id=%s",
                scope["method"],
                scope["path"],
                status,
                elapsed_ms,
                request_id,
            )


@dataclass(frozen=True, slots=True)
class Layer:
    """What a layer the server is built with adds to it (`server.py` chooses which, if any).

    `routes` are more routes beside the app probe's, given its prefix; `middleware` wraps
    the application inside the access log, so the log records what the client was answered.
    """

    routes: Callable[[str], list[BaseRoute]]
    middleware: Callable[[ASGIApp], ASGIApp]


def create_app(
    engine: Engine,
    limits: Limits | None = None,
    layer: Layer | None = None,
    token_lifetime_s: int = DEFAULT_LIFETIME_MINUTES * 60,
    behaviour: Behaviour = STANDARD,
    entitlements: bool = False,
) -> ASGIApp:
    """The application, with `layer` plugged into its seams when given, serving every request
    as `behaviour` decides (`STANDARD`, or `INTEROP_PROFILE` for `serve --interop-profile`).
    `entitlements` serves the team's roles as Okta's entitlement resource type (`/Roles`,
    `serve --entitlements`, docs/domain.md#roles)."""
    extra = layer.routes(APP_PREFIX) if layer is not None else []
    app = Starlette(
        routes=[*scim_routes(entitlements), *probe_routes(APP_PREFIX), *token_routes(), *extra],
        exception_handlers={
            ScimError: _scim_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.router.redirect_slashes = False
    app.state.engine = engine
    app.state.limits = limits or Limits()
    app.state.entitlements = entitlements  # /ResourceTypes and /Schemas list Role only then
    app.state.token_lifetime_s = token_lifetime_s  # of the tokens `token_endpoint.py` issues
    # The layer's faults act from the server's own behaviour, so they are inside it.
    inner = app if layer is None else layer.middleware(app)
    return AccessLog(ServedAs(inner, behaviour, _scim_path))
