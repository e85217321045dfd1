"""HTTP endpoints of the `/Users` and `/Groups` resource types (RFC 7644 3.3-3.6).

The endpoints are async and run their SQLite statements on the event loop, on purpose: reads
are WAL snapshots that never wait, and a write waits only for another writer, which SQLite
serialises anyway (one file, `BEGIN IMMEDIATE`; with `--workers`, the waiting worker's loop
pauses meanwhile). A request's statements take well under a millisecond, less than a hop to the
threadpool and back would add to every request.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Connection, Engine, Table
from starlette.requests import Request
from starlette.responses import Response

from ..limits import Limits
from ..storage.engine import reading, snapshot, writing
from ..storage.filters import ColumnEquality, column_equality, filter_clause, sort_key
from ..storage.prepared import Reader
from ..storage.resources import Record, list_resources, lookup_resources
from ..storage.tables import groups as groups_table
from ..storage.tables import users as users_table
from . import cursors, groups, users
from .attributes import ResourceDefinition
from .context import Context, authenticate, find_team_or_401, scim_base_url
from .errors import ScimError, ScimType
from .http import ScimResponse, check_if_match, not_modified, read_json
from .projection import project
from .query import ListQuery, projection_from_params, query_from_params, query_from_search_request
from .render import etag

LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
Endpoint = Callable[[Request], Awaitable[Response]]


class Resources(Protocol):
    """What `users.py` and `groups.py` each implement for their resource type."""

    def render(
        self, conn: Reader, ctx: Context, records: Sequence[Record], /
    ) -> list[dict[str, Any]]: ...

    def find(self, conn: Reader, ctx: Context, resource_id: str, /) -> Record: ...

    def create(self, conn: Connection, ctx: Context, body: object, /) -> Record: ...

    def replace(
        self, conn: Connection, ctx: Context, current: Record, body: object, /
    ) -> Record: ...

    def patch(self, conn: Connection, ctx: Context, current: Record, body: object, /) -> Record: ...

    def delete(self, conn: Connection, ctx: Context, resource_id: str, /) -> None: ...


@dataclass(frozen=True, slots=True)
class Kind:
    """A resource type and the module that implements its writes."""

    definition: ResourceDefinition
    table: Table
    module: Resources


USERS = Kind(users.DEFINITION, users_table, users)
GROUPS = Kind(groups.DEFINITION, groups_table, groups)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def context(request: Request) -> Context:
    """Authenticate the request for the team in its URL."""
    slug = request.path_params["team"]
    team = find_team_or_401(request)
    authenticate(request, team)
    limits: Limits = request.app.state.limits
    return Context(team=team, base_url=scim_base_url(request, slug), limits=limits)


def _render_one(conn: Reader, ctx: Context, kind: Kind, record: Record) -> dict[str, Any]:
    return kind.module.render(conn, ctx, [record])[0]


def _resource_response(
    request: Request, kind: Kind, resource: dict[str, Any], version: int, status: int = 200
) -> ScimResponse:
    # RFC 7644 3.5.2: a PATCH answer is "the entire resource ... subject to the attributes
    # query parameter"; a client that wants no members asks with excludedAttributes=members.
    attributes, excluded = projection_from_params(request.query_params)
    headers = {"ETag": etag(version)}
    if status == 201:
        headers["Location"] = resource["meta"]["location"]
    body = project(kind.definition, resource, attributes, excluded)
    return ScimResponse(body, status_code=status, headers=headers)


def _page(
    conn: Connection, ctx: Context, kind: Kind, query: ListQuery
) -> tuple[int, list[dict[str, Any]]]:
    where: list[ColumnElement[bool]] = []
    if query.filter is not None:
        where.append(
            filter_clause(
                kind.definition,
                kind.table,
                query.filter,
                max_length=ctx.limits.max_filter_length,
                max_depth=ctx.limits.max_filter_depth,
            )
        )
    order: list[ColumnElement[Any]] = []
    if query.sort_by is not None:
        key = sort_key(kind.definition, kind.table, query.sort_by)
        # RFC 7644 3.4.2.3: unassigned values sort last ascending, first descending.
        order.append(key.desc().nulls_first() if query.descending else key.asc().nulls_last())
    total, records = list_resources(
        conn, kind.table, ctx.team.id, where, order, query.start_index, query.count
    )
    return total, _shown(conn, ctx, kind, query, records)


def _shown(
    conn: Reader, ctx: Context, kind: Kind, query: ListQuery, records: list[Record]
) -> list[dict[str, Any]]:
    """The records rendered, and projected as the query asks."""
    resources = kind.module.render(conn, ctx, records)
    return [
        project(kind.definition, resource, query.attributes, query.excluded_attributes)
        for resource in resources
    ]


def _equality(ctx: Context, kind: Kind, query: ListQuery) -> ColumnEquality | None:
    """The query's filter as a column lookup, when it is one and nothing else shapes the page."""
    if query.filter is None or query.sort_by is not None:
        return None
    if len(query.filter) > ctx.limits.max_filter_length:
        return None  # filter_clause refuses it
    return column_equality(kind.definition, kind.table, query.filter)


def _fetch(
    engine: Engine, ctx: Context, kind: Kind, query: ListQuery
) -> tuple[int, list[dict[str, Any]]]:
    """A page: a lookup by prepared statements, or any other filter through SQLAlchemy."""
    equality = _equality(ctx, kind, query)
    if equality is None:
        with reading(engine) as conn:
            return _page(conn, ctx, kind, query)
    with snapshot(engine) as raw:
        total, records = lookup_resources(
            raw,
            kind.table,
            ctx.team.id,
            equality.column,
            equality.value,
            query.start_index,
            query.count,
        )
        return total, _shown(raw, ctx, kind, query, records)


def _query(engine: Engine, ctx: Context, kind: Kind, query: ListQuery) -> ScimResponse:
    """A list answer, paged by index (RFC 7644 3.4.2.4) or, asked for, by cursor (RFC 9865)."""
    if query.cursor is not None:
        return _cursor_page(engine, ctx, kind, query)
    total, resources = _fetch(engine, ctx, kind, query)
    return list_response(query, total, resources)


def _shape(kind: Kind, query: ListQuery) -> str:
    """What a cursor is bound to: RFC 9865 2 has every parameter but the cursor stay the same."""
    order = "descending" if query.descending else "ascending"
    return f"{kind.definition.endpoint}\x00{query.filter}\x00{query.sort_by}\x00{order}"


def _cursor_page(engine: Engine, ctx: Context, kind: Kind, query: ListQuery) -> ScimResponse:
    shape, now = _shape(kind, query), time.time()
    start = 1
    if query.cursor:  # RFC 9865 2: empty for the first page
        timeout = ctx.limits.cursor_timeout
        start = cursors.read(
            ctx.team, shape, query.cursor, count=query.count, now=now, timeout=timeout
        )
    paged = replace(query, start_index=start)
    total, resources = _fetch(engine, ctx, kind, paged)
    return list_response(paged, total, resources, _neighbours(ctx, shape, paged, total, now))


def _neighbours(
    ctx: Context, shape: str, page: ListQuery, total: int, now: float
) -> dict[str, str]:
    """RFC 9865 2: `nextCursor` on every page but the last; `previousCursor` (OPTIONAL) on every
    page but the first. A count of 0 pages nothing: the answer is only the total."""
    neighbours: dict[str, str] = {}
    if page.count <= 0:
        return neighbours
    following = page.start_index + page.count
    if following <= total:
        neighbours["nextCursor"] = cursors.issue(
            ctx.team, shape, start_index=following, count=page.count, now=now
        )
    if page.start_index > 1:
        preceding = max(1, page.start_index - page.count)
        neighbours["previousCursor"] = cursors.issue(
            ctx.team, shape, start_index=preceding, count=page.count, now=now
        )
    return neighbours


def list_response(
    query: ListQuery,
    total: int,
    resources: Sequence[dict[str, Any]],
    cursor_links: Mapping[str, str] | None = None,
) -> ScimResponse:
    """RFC 7644 3.4.2: integers, and `itemsPerPage` is the number actually returned; a cursor
    page adds its `nextCursor` and `previousCursor` (RFC 9865 2)."""
    return ScimResponse(
        {
            "schemas": [LIST_RESPONSE_SCHEMA],
            "totalResults": total,
            "startIndex": query.start_index,
            "itemsPerPage": len(resources),
            "Resources": list(resources),
            **(cursor_links or {}),
        }
    )


def collection(kind: Kind) -> Endpoint:
    """GET lists with filter, sort and paging; POST creates."""

    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        if request.method == "POST":
            return await _create(request, ctx, kind)
        query = query_from_params(request.query_params, max_results=ctx.limits.max_results)
        return _query(_engine(request), ctx, kind, query)

    return endpoint


async def _create(request: Request, ctx: Context, kind: Kind) -> Response:
    body = await read_json(request, ctx.limits)
    with writing(_engine(request)) as conn:
        record = kind.module.create(conn, ctx, body)
        resource = _render_one(conn, ctx, kind, record)
    return _resource_response(request, kind, resource, record.version, status=201)


def search(kind: Kind) -> Endpoint:
    """POST /.search: the same query carried in a SearchRequest body (RFC 7644 3.4.3)."""

    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        body = await read_json(request, ctx.limits)
        query = query_from_search_request(body, max_results=ctx.limits.max_results)
        return _query(_engine(request), ctx, kind, query)

    return endpoint


async def search_all(request: Request) -> Response:
    """POST /.search at the root: Users then Groups, paged as one list (RFC 7644 3.4.3).

    Attributes unknown to one resource type match nothing there (RFC 7644 3.4.2.1), so a filter
    is applied per type and a type that rejects it contributes nothing.
    """
    ctx = context(request)
    body = await read_json(request, ctx.limits)
    query = query_from_search_request(body, max_results=ctx.limits.max_results)
    with reading(_engine(request)) as conn:
        user_total, users_page = _page_or_nothing(conn, ctx, USERS, query)
        groups_query = replace(
            query,
            start_index=max(query.start_index - user_total, 1),
            count=query.count - len(users_page),
        )
        group_total, groups_page = _page_or_nothing(conn, ctx, GROUPS, groups_query)
    return list_response(query, user_total + group_total, users_page + groups_page)


def _page_or_nothing(
    conn: Connection, ctx: Context, kind: Kind, query: ListQuery
) -> tuple[int, list[dict[str, Any]]]:
    try:
        return _page(conn, ctx, kind, query)
    except ScimError as error:
        if (
            error.scim_type is ScimType.INVALID_FILTER
            and "unknown attribute" in error.detail.lower()
        ):
            return 0, []
        raise


def item(kind: Kind) -> Endpoint:
    """GET, PUT, PATCH and DELETE of one resource by its id."""

    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        resource_id = request.path_params["id"]
        if request.method == "GET":
            return _get(request, ctx, kind, resource_id)
        if request.method == "DELETE":
            return _delete(request, ctx, kind, resource_id)
        body = await read_json(request, ctx.limits)
        with writing(_engine(request)) as conn:
            current = kind.module.find(conn, ctx, resource_id)
            check_if_match(request.headers, current.version)
            write = kind.module.patch if request.method == "PATCH" else kind.module.replace
            record = write(conn, ctx, current, body)
            resource = _render_one(conn, ctx, kind, record)
        return _resource_response(request, kind, resource, record.version)

    return endpoint


def _get(request: Request, ctx: Context, kind: Kind, resource_id: str) -> Response:
    with snapshot(_engine(request)) as conn:
        record = kind.module.find(conn, ctx, resource_id)
        if not_modified(request.headers, record.version):
            return Response(status_code=304, headers={"ETag": etag(record.version)})
        resource = _render_one(conn, ctx, kind, record)
    return _resource_response(request, kind, resource, record.version)


def _delete(request: Request, ctx: Context, kind: Kind, resource_id: str) -> Response:
    with writing(_engine(request)) as conn:
        current = kind.module.find(conn, ctx, resource_id)
        check_if_match(request.headers, current.version)
        kind.module.delete(conn, ctx, resource_id)
    return Response(status_code=204)
