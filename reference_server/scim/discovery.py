"""Discovery endpoints (RFC 7644 4): what the server supports, its resource types and schemas.

They are readable without a token, as RFC 7643 5 suggests for `authenticationSchemes`; the team
must still exist.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..behaviour import current
from ..limits import Limits
from .attributes import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, served_schemas
from .context import find_team_or_401, scim_base_url
from .endpoints import list_response
from .errors import not_found
from .http import ScimResponse
from .query import ListQuery
from .roles import ENDPOINT as ROLES_ENDPOINT
from .roles import ROLE_SCHEMA

SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"


def _base(request: Request) -> str:
    slug = request.path_params["team"]
    find_team_or_401(request)
    return scim_base_url(request, slug)


def _service_provider_config(base: str, limits: Limits) -> dict[str, Any]:
    return {
        # Only fields of RFC 7643 5 and of the RFCs updating it (RFC 9865 4's `pagination`): an
        # extension object here (we tried one for the limits SCIM has no field for) makes strict
        # clients such as scim2-cli refuse the whole document.
        "schemas": [SPC_SCHEMA],
        "documentationUri": "https://datatracker.ietf.org/doc/html/rfc7644",
        "patch": {"supported": True},
        # RFC 7644 3.7.4: the limits /Bulk holds, each answered 413 when exceeded.
        "bulk": {
            "supported": True,
            "maxOperations": limits.max_bulk_operations,
            "maxPayloadSize": limits.max_bulk_payload,
        },
        "filter": {"supported": True, "maxResults": limits.max_results},
        "changePassword": {"supported": False},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "pagination": _pagination(limits),
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "The team's SCIM token in an Authorization: Bearer header",
                "specUri": "https://datatracker.ietf.org/doc/html/rfc6750",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }


def _pagination(limits: Limits) -> dict[str, Any]:
    """RFC 9865 4. Index paging stays the default (RFC 9865 2.4: a server that added cursors
    keeps the method its clients already expect); without `count` a page holds the maximum."""
    return {
        "cursor": True,
        "index": True,
        "defaultPaginationMethod": "index",
        "defaultPageSize": limits.max_results,
        "maxPageSize": limits.max_results,
        "cursorTimeout": limits.cursor_timeout,
    }


def _resource_types(base: str, entitlements: bool) -> list[dict[str, Any]]:
    user = {
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A member of the team",
        "schema": USER_SCHEMA,
        "schemaExtensions": [{"schema": ENTERPRISE_USER_SCHEMA, "required": False}],
        "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"},
    }
    group = {
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "A group of the team's members",
        "schema": GROUP_SCHEMA,
        "schemaExtensions": [],
        "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Group"},
    }
    return [user, group, _role(base)] if entitlements else [user, group]


def _role(base: str) -> dict[str, Any]:
    """The team's roles under Okta's Role schema, which its entitlement discovery pages
    (https://developer.okta.com/docs/guides/scim-with-entitlements/main/)."""
    return {
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": "Role",
        "name": "Role",
        "endpoint": ROLES_ENDPOINT,
        "description": "A role a member of the team holds (owner, admin, member)",
        "schema": ROLE_SCHEMA,
        "schemaExtensions": [],
        "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Role"},
    }


def _schemas(base: str, entitlements: bool) -> list[dict[str, Any]]:
    documents = []
    for schema in served_schemas():
        if schema.id == ROLE_SCHEMA and not entitlements:
            continue
        document = dict(schema.document)
        document["meta"] = {"resourceType": "Schema", "location": f"{base}/Schemas/{schema.id}"}
        documents.append(document)
    return documents


def _everything(items: list[dict[str, Any]]) -> Response:
    query = ListQuery(None, 1, len(items), None, False, (), ())
    return list_response(query, len(items), items)


def _one(items: list[dict[str, Any]], wanted: str, what: str) -> Response:
    for entry in items:
        if entry["id"].lower() == wanted.lower():
            return ScimResponse(entry)
    raise not_found(f"{what} {wanted!r} not found")


async def service_provider_config(request: Request) -> Response:
    config = _service_provider_config(_base(request), request.app.state.limits)
    if current().claims_interop_profile():
        # draft-zollner-scim-interop-profile-01 4: a top-level Boolean, left out when not claimed.
        config["interopProfileConformant"] = True
    return ScimResponse(config)


async def resource_types(request: Request) -> Response:
    items = _resource_types(_base(request), request.app.state.entitlements)
    wanted = request.path_params.get("name")
    return _everything(items) if wanted is None else _one(items, wanted, "ResourceType")


async def schemas(request: Request) -> Response:
    items = _schemas(_base(request), request.app.state.entitlements)
    wanted = request.path_params.get("urn")
    return _everything(items) if wanted is None else _one(items, wanted, "Schema")
