"""The app-probe API: what the harness needs to see and steer that SCIM cannot show.

Authorised by the team's app-probe token; members are keyed by their SCIM id. The contract is
specified in `docs/app-probe.md`, so vendors can implement it for their own app.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..behaviour import STANDARD, Behaviour
from ..domain import members
from ..domain.access import effective_access
from ..scim import users as scim_users
from ..scim.attributes import USER_SCHEMA
from ..scim.context import Context, authenticate, find_team_or_401, scim_base_url
from ..scim.errors import ScimError, ScimType
from ..scim.http import ScimResponse, read_json
from ..storage import app_data, memberships
from ..storage.engine import reading, writing
from ..storage.resources import Record

JSON = dict[str, Any]
GRANTEE_KINDS = ("member", "group")


def context(request: Request) -> Context:
    slug = request.path_params["team"]
    team = find_team_or_401(request)
    authenticate(request, team, app_probe=True)
    return Context(
        team=team, base_url=scim_base_url(request, slug), limits=request.app.state.limits
    )


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def read_object(request: Request, ctx: Context) -> JSON:
    body = await read_json(request, ctx.limits)
    if not isinstance(body, dict):
        raise ScimError(400, "The request body must be a JSON object", ScimType.INVALID_SYNTAX)
    return body


def member_state(conn: Connection, record: Record, behaviour: Behaviour = STANDARD) -> JSON:
    """What the app knows of the member, as `behaviour` has the app treat a deactivation."""
    state = scim_users.member_state(record)
    if not behaviour.deactivation_releases_access():
        state = replace(state, active=True)
    access = effective_access(state, app_data.grants_of(conn, record.id))
    groups = memberships.groups_of(conn, [record.id]).get(record.id, [])
    return {
        "id": record.id,
        "userName": record.doc["userName"],
        "in_team": state.in_team,
        "role": state.role.value,
        "can_sign_in": state.can_sign_in,
        "spaces": list(access.spaces),
        "documents": list(access.documents),
        "groups": [link.id for link in groups],
    }


async def create_member(request: Request) -> Response:
    """A member created inside the app, as if they joined before SCIM was switched on."""
    ctx = context(request)
    body = await read_object(request, ctx)
    role = members.Role(
        _choice(body.get("role", "member"), "role", [r.value for r in members.Role])
    )
    with writing(_engine(request)) as conn:
        record = scim_users.create(conn, ctx, {"schemas": [USER_SCHEMA], **body}, role=role)
        state = member_state(conn, record, ctx.behaviour)
    return ScimResponse(state, status_code=201)


async def read_member(request: Request) -> Response:
    ctx = context(request)
    with reading(_engine(request)) as conn:
        record = scim_users.find(conn, ctx, request.path_params["id"])
        return ScimResponse(member_state(conn, record, ctx.behaviour))


async def set_role(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request, ctx)
    role = _choice(body.get("role"), "role", [r.value for r in members.Role])
    with writing(_engine(request)) as conn:
        app_data.set_role(conn, ctx.team.id, request.path_params["id"], role)
        record = scim_users.find(conn, ctx, request.path_params["id"])
        return ScimResponse(member_state(conn, record, ctx.behaviour))


async def sign_in(request: Request) -> Response:
    """Attempt a sign-in: allowed only while the member is in the team."""
    ctx = context(request)
    with reading(_engine(request)) as conn:
        record = scim_users.find(conn, ctx, request.path_params["id"])
        allowed = member_state(conn, record, ctx.behaviour)["can_sign_in"]
    if allowed:
        return ScimResponse({"allowed": True})
    return ScimResponse({"allowed": False, "reason": "not a member of the team"}, status_code=403)


async def create_space(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request, ctx)
    with writing(_engine(request)) as conn:
        space = app_data.create_space(conn, ctx.team.id, app_data.require(body.get("name"), "name"))
    return ScimResponse(space, status_code=201)


async def create_document(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request, ctx)
    title = app_data.require(body.get("title"), "title")
    space = body.get("space")
    with writing(_engine(request)) as conn:
        document = app_data.create_document(
            conn, ctx.team.id, title, None if space is None else app_data.require(space, "space")
        )
    return ScimResponse(document, status_code=201)


def _choice(value: Any, name: str, choices: list[str]) -> str:
    if value not in choices:
        raise ScimError(
            400, f"`{name}` must be one of {', '.join(choices)}", ScimType.INVALID_VALUE
        )
    return str(value)


def _grant_parts(body: JSON) -> tuple[tuple[str, str], tuple[str, str]]:
    targets = [kind for kind in app_data.TARGETS if kind in body]
    grantees = [kind for kind in GRANTEE_KINDS if kind in body]
    if len(targets) != 1 or len(grantees) != 1:
        raise ScimError(
            400,
            "A grant names one of `space`/`document` and one of `member`/`group`",
            ScimType.INVALID_VALUE,
        )
    target, grantee = targets[0], grantees[0]
    return (
        (target, app_data.require(body[target], target)),
        (grantee, app_data.require(body[grantee], grantee)),
    )


def _grant_endpoint(on: bool) -> Any:
    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        target, grantee = _grant_parts(await read_object(request, ctx))
        with writing(_engine(request)) as conn:
            app_data.set_grant(conn, ctx.team.id, target, grantee, on)
        return Response(status_code=204)

    return endpoint


def probe_routes(prefix: str) -> list[BaseRoute]:
    return [
        Route(f"{prefix}/members", create_member, methods=["POST"]),
        Route(f"{prefix}/members/{{id}}", read_member, methods=["GET"]),
        Route(f"{prefix}/members/{{id}}/role", set_role, methods=["PUT"]),
        Route(f"{prefix}/members/{{id}}/sign-in", sign_in, methods=["POST"]),
        Route(f"{prefix}/spaces", create_space, methods=["POST"]),
        Route(f"{prefix}/documents", create_document, methods=["POST"]),
        Route(f"{prefix}/grants", _grant_endpoint(True), methods=["POST"]),
        Route(f"{prefix}/grants/revoke", _grant_endpoint(False), methods=["POST"]),
    ]
