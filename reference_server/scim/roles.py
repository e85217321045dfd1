"""`/Roles`: the team's roles as a read-only resource type, in the shape of Okta's entitlement
discovery (https://developer.okta.com/docs/guides/scim-with-entitlements/main/).

Okta reads `/ResourceTypes`, then pages every endpoint whose resource type has its Role or
Entitlement schema; a role is `id`, `displayName` (and here a `description`) under
`urn:okta:scim:schemas:core:1.0:Role`. The roles are the app's own (`domain/members.py`): the
`id` is the value a member's `roles` carries (`docs/domain.md#roles`), so an IdP can tell which
role a user holds. Roles are set in the app, never over SCIM: the endpoint only reads, and any
write is 405 with `Allow` (RFC 9110 15.5.6) and a detail that says why, so a client (or a tester
that writes to every resource type it finds) can tell a read-only type from a broken one.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..domain.members import ROLE_DESCRIPTIONS, Role
from .attributes import ResourceDefinition, load_schema
from .endpoints import context, list_response
from .errors import ScimError, ScimType, bad_request, not_found
from .http import ScimResponse
from .projection import project
from .query import ListQuery, projection_from_params, query_from_params

ROLE_SCHEMA = "urn:okta:scim:schemas:core:1.0:Role"
ENDPOINT = "/Roles"
READ_ONLY = "Roles are read-only: a member's role is given in the app, never over SCIM"


@cache
def role_definition() -> ResourceDefinition:
    return ResourceDefinition(
        name="Role",
        endpoint=ENDPOINT,
        core=load_schema("Role.json"),
        extensions={},
        common=load_schema("Common.json"),
    )


def render(role: Role, base_url: str) -> dict[str, Any]:
    """One role; its `displayName` is its value capitalised, a name for people to read."""
    return {
        "schemas": [ROLE_SCHEMA],
        "id": role.value,
        "displayName": role.value.capitalize(),
        "description": ROLE_DESCRIPTIONS[role],
        "meta": {"resourceType": "Role", "location": f"{base_url}{ENDPOINT}/{role.value}"},
    }


def _index_only(query: ListQuery) -> None:
    """Index paging is all a list of three needs: a filter, a sort or a cursor is refused rather
    than silently ignored (RFC 7644 3.12: `invalidFilter` covers a filter not supported here)."""
    if query.filter is not None:
        raise bad_request("/Roles takes no filter", ScimType.INVALID_FILTER)
    if query.sort_by is not None:
        raise bad_request(
            "/Roles takes no sortBy: roles come in a fixed order", ScimType.INVALID_VALUE
        )
    if query.cursor is not None:
        raise bad_request("/Roles pages by startIndex and count only", ScimType.INVALID_VALUE)


def _refuse_writes(request: Request) -> None:
    if request.method not in ("GET", "HEAD"):
        raise ScimError(405, READ_ONLY, headers={"Allow": "GET, HEAD"})


async def collection(request: Request) -> Response:
    """GET /Roles, paged by index (RFC 7644 3.4.2.4): `count` honoured exactly, at most the
    server's maximum."""
    _refuse_writes(request)
    ctx = context(request)
    query = query_from_params(request.query_params, max_results=ctx.limits.max_results)
    _index_only(query)
    roles = list(Role)
    first = query.start_index - 1
    page = roles[first : first + query.count]
    wanted = (query.attributes, query.excluded_attributes)
    shown = [project(role_definition(), render(role, ctx.base_url), *wanted) for role in page]
    return list_response(query, len(roles), shown)


async def item(request: Request) -> Response:
    """GET /Roles/{id}: ids compare exactly, as every `id` does (RFC 7643 3.1)."""
    _refuse_writes(request)
    ctx = context(request)
    wanted = request.path_params["id"]
    role = next((role for role in Role if role.value == wanted), None)
    if role is None:
        raise not_found(f"Role {wanted!r} not found")
    attributes, excluded = projection_from_params(request.query_params)
    return ScimResponse(
        project(role_definition(), render(role, ctx.base_url), attributes, excluded)
    )
