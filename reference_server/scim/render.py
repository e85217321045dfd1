"""Stored records rendered as SCIM resources (RFC 7643 3, 4.1, 4.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..storage.memberships import Link
from ..storage.resources import Record
from .attributes import ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA


def etag(version: int) -> str:
    """Weak ETag from the version counter (RFC 7644 3.14: `meta.version` equals the ETag)."""
    return f'W/"{version}"'


def _meta(record: Record, resource_type: str, location: str) -> dict[str, Any]:
    return {
        "resourceType": resource_type,
        "created": record.created,
        "lastModified": record.last_modified,
        "location": location,
        "version": etag(record.version),
    }


def manager_id(record: Record) -> str | None:
    manager = record.doc.get(ENTERPRISE_USER_SCHEMA, {}).get("manager")
    value = manager.get("value") if isinstance(manager, dict) else None
    return value if isinstance(value, str) else None


def _manager(manager: dict[str, Any], base_url: str) -> dict[str, Any]:
    """RFC 7643 4.3: `manager` is complex, and `$ref` points at the manager's User.

    The read-only `displayName` is not filled in: clients that compare what they PATCHed with
    what comes back (scim2-tester) take a server-computed value for a failed write.
    """
    return {**manager, "$ref": f"{base_url}/Users/{manager['value']}"}


def render_user(record: Record, groups: Sequence[Link], base_url: str) -> dict[str, Any]:
    """A User with its read-only projections: `roles` from the app, `groups` from memberships."""
    schemas = [USER_SCHEMA]
    if ENTERPRISE_USER_SCHEMA in record.doc:
        schemas.append(ENTERPRISE_USER_SCHEMA)
    resource: dict[str, Any] = {"schemas": schemas, "id": record.id}
    if record.external_id is not None:
        resource["externalId"] = record.external_id
    resource.update(record.doc)
    if manager_id(record) is not None:
        extension = dict(resource[ENTERPRISE_USER_SCHEMA])
        extension["manager"] = _manager(extension["manager"], base_url)
        resource[ENTERPRISE_USER_SCHEMA] = extension
    if record.active is not None:
        resource["active"] = record.active
    resource["roles"] = [{"value": record.role, "display": record.role.title(), "primary": True}]
    if groups:
        resource["groups"] = [
            {
                "value": link.id,
                "$ref": f"{base_url}/Groups/{link.id}",
                "display": link.display,
                "type": "direct",
            }
            for link in groups
        ]
    resource["meta"] = _meta(record, "User", f"{base_url}/Users/{record.id}")
    return resource


def member_values(members: Sequence[Link], base_url: str) -> list[dict[str, Any]]:
    return [
        {
            "value": link.id,
            "$ref": f"{base_url}/Users/{link.id}",
            "display": link.display,
            "type": "User",
        }
        for link in members
    ]


def render_group(record: Record, members: Sequence[Link], base_url: str) -> dict[str, Any]:
    resource: dict[str, Any] = {"schemas": [GROUP_SCHEMA], "id": record.id}
    if record.external_id is not None:
        resource["externalId"] = record.external_id
    resource.update(record.doc)
    if members:
        resource["members"] = member_values(members, base_url)
    resource["meta"] = _meta(record, "Group", f"{base_url}/Groups/{record.id}")
    return resource
