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

from .. import faults
from ..domain import members
from ..domain.access import effective_access
from ..scim import users as scim_users
from ..scim.attributes import USER_SCHEMA
from ..scim.context import Context, authenticate, find_team_or_401, scim_base_url
from ..scim.errors import ScimError, ScimType
from ..scim.http import ScimResponse, read_json
from ..storage import app_data, memberships, teams
from ..storage.engine import reading, writing
from ..storage.resources import Record

JSON = dict[str, Any]
GRANTEE_KINDS = ("member", "group")


def _context(request: Request) -> Context:
    slug = request.path_params["team"]
    team = find_team_or_401(request)
    authenticate(request, team, app_probe=True)
    return Context(
        team=team, base_url=scim_base_url(request, slug), limits=request.app.state.limits
    )


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def _body(request: Request, ctx: Context) -> JSON:
    body = await read_json(request, ctx.limits)
    if not isinstance(body, dict):
        raise ScimError(400, "The request body must be a JSON object", ScimType.INVALID_SYNTAX)
    return body


def member_state(conn: Connection, record: Record, on: frozenset[str] = frozenset()) -> JSON:
    """What the app knows of the member; `on` are the deliberate faults switched on."""
    state = scim_users.member_state(record)
    if faults.DEACTIVATION_IGNORED in on:  # FAULT HOOK (faults/): the app never lets go
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
    ctx = _context(request)
    body = await _body(request, ctx)
    role = members.Role(
        _choice(body.get("role", "member"), "role", [r.value for r in members.Role])
    )
    with writing(_engine(request)) as conn:
        record = scim_users.create(conn, ctx, {"schemas": [USER_SCHEMA], **body}, role=role)
        state = member_state(conn, record, ctx.faults)
    return ScimResponse(state, status_code=201)


async def read_member(request: Request) -> Response:
    ctx = _context(request)
    with reading(_engine(request)) as conn:
        record = scim_users.find(conn, ctx, request.path_params["id"])
        return ScimResponse(member_state(conn, record, ctx.faults))


async def set_role(request: Request) -> Response:
    ctx = _context(request)
    body = await _body(request, ctx)
    role = _choice(body.get("role"), "role", [r.value for r in members.Role])
    with writing(_engine(request)) as conn:
        app_data.set_role(conn, ctx.team.id, request.path_params["id"], role)
        record = scim_users.find(conn, ctx, request.path_params["id"])
        return ScimResponse(member_state(conn, record, ctx.faults))


async def sign_in(request: Request) -> Response:
    """Attempt a sign-in: allowed only while the member is in the team."""
    ctx = _context(request)
    with reading(_engine(request)) as conn:
        record = scim_users.find(conn, ctx, request.path_params["id"])
        allowed = member_state(conn, record, ctx.faults)["can_sign_in"]
    if allowed:
        return ScimResponse({"allowed": True})
    return ScimResponse({"allowed": False, "reason": "not a member of the team"}, status_code=403)


async def create_space(request: Request) -> Response:
    ctx = _context(request)
    body = await _body(request, ctx)
    with writing(_engine(request)) as conn:
        space = app_data.create_space(conn, ctx.team.id, app_data.require(body.get("name"), "name"))
    return ScimResponse(space, status_code=201)


async def create_document(request: Request) -> Response:
    ctx = _context(request)
    body = await _body(request, ctx)
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
        ctx = _context(request)
        target, grantee = _grant_parts(await _body(request, ctx))
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


# --- Deliberate faults (reference server only; not part of the vendor contract) ------------------


def _faults_answer(request: Request, team_faults: frozenset[str]) -> Response:
    always: frozenset[str] = getattr(request.app.state, "faults", frozenset())
    return ScimResponse(
        {
            "faults": sorted(team_faults),
            "active": sorted(team_faults | always),
            "available": [
                {"name": known.name, "description": known.description}
                for known in sorted(faults.FAULTS.values(), key=lambda known: known.name)
            ],
        }
    )


async def read_faults(request: Request) -> Response:
    """The team's faults, the ones on for every team too (`serve --fault`), and all known."""
    ctx = _context(request)
    return _faults_answer(request, ctx.team.faults)


async def set_faults(request: Request) -> Response:
    """Replace the team's faults: `{"faults": [name, ...]}`; `[]` switches them all off."""
    ctx = _context(request)
    names = (await _body(request, ctx)).get("faults")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ScimError(400, "`faults` must be a list of fault names", ScimType.INVALID_VALUE)
    try:
        chosen = faults.check_names(names)
    except ValueError as error:
        # The body of a ScimError, but not its length cap: the list of valid names is the
        # server's own (check_names cuts the client's name short) and must arrive whole.
        refused = ScimError(400, "", ScimType.INVALID_VALUE).body()
        return ScimResponse({**refused, "detail": str(error)}, status_code=400)
    with writing(_engine(request)) as conn:
        teams.set_faults(conn, ctx.team.slug, chosen)
    return _faults_answer(request, chosen)


def fault_routes(prefix: str) -> list[BaseRoute]:
    """Switching faults per team: for the harness's own tests (docs/app-probe.md, "Faults")."""
    return [
        Route(f"{prefix}/faults", read_faults, methods=["GET"]),
        Route(f"{prefix}/faults", set_faults, methods=["PUT"]),
    ]
