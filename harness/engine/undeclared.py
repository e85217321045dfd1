"""Core attributes a target says it does not support, so that their absence is not graded.

RFC 7644 3.3: "Since the server is free to alter and/or ignore POSTed content", and RFC 7643 7:
a service provider's /Schemas publishes the attributes it supports. A server whose core User or
Group schema leaves out `title`, or `name` without `formatted`, may drop them; a step expecting
them back grades only servers that declare them. A server that publishes no /Schemas, or
declares the attribute and drops it, is still graded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

CORE_SCHEMAS = frozenset(
    {"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group"}
)
# RFC 7643 4.1 and 4.2: only these names are read as core attributes; anything else in a body
# (id, meta, schemas, Resources, status...) is never taken for an undeclared attribute.
RFC_CORE_ATTRIBUTES = frozenset(
    name.lower()
    for name in (
        "userName",
        "name",
        "displayName",
        "nickName",
        "profileUrl",
        "title",
        "userType",
        "preferredLanguage",
        "locale",
        "timezone",
        "active",
        "password",
        "emails",
        "phoneNumbers",
        "ims",
        "photos",
        "addresses",
        "groups",
        "entitlements",
        "roles",
        "x509Certificates",
        "members",
    )
)


def _declared(schemas: Sequence[Mapping[str, Any]], name: str) -> list[Mapping[str, Any]]:
    return [
        attribute
        for schema in schemas
        for attribute in schema.get("attributes") or ()
        if isinstance(attribute, Mapping) and str(attribute.get("name", "")).lower() == name
    ]


def undeclared(
    pointer: str, target_schemas: Sequence[Mapping[str, Any]], document: Any = None
) -> bool:
    """True when `pointer` (into a resource) names an RFC core attribute, or a sub-attribute of
    one, that the target's published core schemas leave out: the core schema `document` names
    (a User's `displayName` is not a Group's), or any core schema when it names none."""
    cores = [s for s in target_schemas if isinstance(s, Mapping) and s.get("id") in CORE_SCHEMAS]
    named = document.get("schemas") if isinstance(document, Mapping) else None
    own = [s for s in cores if isinstance(named, list) and s.get("id") in named]
    cores = own or cores
    tokens = [t.lower() for t in pointer.split("/")[1:]]
    if not cores or not tokens or tokens[0] not in RFC_CORE_ATTRIBUTES:
        return False
    found = _declared(cores, tokens[0])
    if not found:
        return True
    subs = [
        sub.get("name", "")
        for attribute in found
        for sub in attribute.get("subAttributes") or ()
        if isinstance(sub, Mapping)
    ]
    rest = [t for t in tokens[1:] if not t.isdigit()]
    return bool(rest and subs and rest[0] not in {str(s).lower() for s in subs})
