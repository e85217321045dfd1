"""The fault middleware: for one request, the faults of the command line and of the team in the URL.

With none on, the request passes through untouched. With some, the request is served with their
`FaultBehaviour` (the seams of `..behaviour`), and a SCIM exchange goes through the rewrites of
those that have one; app-probe requests are never rewritten.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from ..behaviour import acting_as, current
from ..storage.engine import snapshot
from .behaviour import FaultBehaviour
from .exchange import Exchange
from .oauth import TOKEN_FAULTS
from .registry import rewriting
from .rewriting import rewrite_exchange
from .store import team_faults

TEAM_PATH = re.compile(r"/t/(?P<team>[^/]+)/(?P<api>scim/v2|app/v1|oauth)(?P<rest>/.*)?")


class FaultInjection:
    def __init__(self, app: ASGIApp, engine: Engine, always: frozenset[str]) -> None:
        self.app = app
        self.engine = engine
        self.always = always

    def _faults(self, slug: str) -> frozenset[str]:
        with snapshot(self.engine) as conn:
            return self.always | team_faults(conn, slug)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = TEAM_PATH.fullmatch(scope["path"]) if scope["type"] == "http" else None
        names = self._faults(match["team"]) if match is not None else frozenset()
        if match is None or not names:
            await self.app(scope, receive, send)
            return
        with acting_as(FaultBehaviour(names, current())):
            api = match["api"]
            rewritten = api != "app/v1" and scope["method"] != "HEAD"
            # Token faults rewrite only the token endpoint's answers, SCIM faults only SCIM's.
            chosen = [f for f in rewriting(names) if (f.name in TOKEN_FAULTS) == (api == "oauth")]
            if not (rewritten and chosen):
                await self.app(scope, receive, send)
                return
            query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            exchange = Exchange(
                match["team"], scope["method"], match["rest"] or "/", dict(query), api=api
            )
            await rewrite_exchange(self.app, scope, receive, send, exchange, chosen)
