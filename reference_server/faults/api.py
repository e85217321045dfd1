"""`GET` and `PUT /faults` on the app probe: faults switched per team (docs/app-probe.md, "Faults").

Mounted only on a server built with the fault layer; not part of the vendor contract.
"""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..probe.api import context, read_object
from ..scim.errors import ScimError, ScimType
from ..scim.http import ScimResponse
from ..storage.engine import snapshot, writing
from .registry import FAULTS, check_names
from .store import set_team_faults, team_faults


def _answer(own: frozenset[str], always: frozenset[str]) -> Response:
    return ScimResponse(
        {
            "faults": sorted(own),
            "active": sorted(own | always),
            "available": [
                {"name": known.name, "description": known.description}
                for known in sorted(FAULTS.values(), key=lambda known: known.name)
            ],
        }
    )


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def fault_routes(always: frozenset[str], prefix: str) -> list[BaseRoute]:
    """The two routes; `always` are the faults on for every team (`serve --fault`)."""

    async def read_faults(request: Request) -> Response:
        """The team's faults, the ones on for every team too, and all known."""
        ctx = context(request)
        with snapshot(_engine(request)) as conn:
            return _answer(team_faults(conn, ctx.team.slug), always)

    async def set_faults(request: Request) -> Response:
        """Replace the team's faults: `{"faults": [name, ...]}`; `[]` switches them all off."""
        ctx = context(request)
        names = (await read_object(request, ctx)).get("faults")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise ScimError(400, "`faults` must be a list of fault names", ScimType.INVALID_VALUE)
        try:
            chosen = check_names(names)
        except ValueError as error:
            # The body of a ScimError, but not its length cap: the list of valid names is the
            # server's own (check_names cuts the client's name short) and must arrive whole.
            refused = ScimError(400, "", ScimType.INVALID_VALUE).body()
            return ScimResponse({**refused, "detail": str(error)}, status_code=400)
        with writing(_engine(request)) as conn:
            set_team_faults(conn, ctx.team.slug, chosen)
        return _answer(chosen, always)

    return [
        Route(f"{prefix}/faults", read_faults, methods=["GET"]),
        Route(f"{prefix}/faults", set_faults, methods=["PUT"]),
    ]
