"""Microsoft's gallery validation: its schema discoverability test
(docs/idp/entra.md#gallery-validation).

The test flattens `/Schemas` into attribute names and looks up each attribute the app's mapping
writes, ignoring case. Its mapping is the app's own; here it is Entra's default mapping for a
gallery app (docs/idp/entra.md#create), the attributes the `entra` profiles send.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# Entra's default user and group mappings' targets. `id` is never mapped; `externalId` is a common
# attribute, which RFC 7643 3.1 leaves out of every schema, so `/Schemas` cannot list it.
MAPPED_USER = (
    "userName",
    "active",
    "displayName",
    "title",
    "preferredLanguage",
    "name.givenName",
    "name.familyName",
    "name.formatted",
    'emails[type eq "work"].value',
    'phoneNumbers[type eq "work"].value',
    'phoneNumbers[type eq "mobile"].value',
    'addresses[type eq "work"].streetAddress',
    'addresses[type eq "work"].locality',
    'addresses[type eq "work"].region',
    'addresses[type eq "work"].postalCode',
    'addresses[type eq "work"].country',
    f"{ENTERPRISE}:employeeNumber",
    f"{ENTERPRISE}:department",
    f"{ENTERPRISE}:manager",
)
MAPPED_GROUP = ("displayName", "members")
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
# Microsoft writes a multi-valued attribute's names with a filter (`emails[type eq "work"].value`,
# from the `type` sub-attribute's canonicalValues, else `[primary eq "True"]`); the names are
# compared here without it, so a schema that declares no canonicalValues is not blamed for that.
_FILTER = re.compile(r"\[[^\]]*\]")


def _key(name: str) -> str:
    return _FILTER.sub("", name).casefold()


def _flattened(schema: dict[str, Any]) -> set[str]:
    """Each attribute's name, and `name.sub` for its sub-attributes; an extension's prefixed with
    its URN, as Entra's mapping names them."""
    own = str(schema.get("id", ""))
    prefix = "" if own in (USER, GROUP) else f"{own}:"
    found: set[str] = set()
    for attribute in schema.get("attributes") or []:
        if not isinstance(attribute, dict) or not isinstance(attribute.get("name"), str):
            continue
        name = f"{prefix}{attribute['name']}"
        found.add(_key(name))
        for sub in attribute.get("subAttributes") or []:
            if isinstance(sub, dict) and isinstance(sub.get("name"), str):
                found.add(_key(f"{name}.{sub['name']}"))
    return found


def _names(resources: list[Any], user: bool) -> set[str]:
    """The flattened names of the User schema and its extensions, or of the Group schema."""
    found: set[str] = set()
    for schema in resources:
        if not isinstance(schema, dict):
            continue
        own = str(schema.get("id", ""))
        if (own == GROUP) != user:
            found |= _flattened(schema)
    return found


@check(
    "entra-gallery-schemas",
    Level.MUST,
    "docs/idp/entra.md#gallery-validation; RFC 7643 7",
    "/Schemas lists every attribute Entra's default mapping writes, as the gallery's test reads it",
    quote="A server MUST list in `/Schemas` every attribute Entra's mapping writes.",
)
def gallery_schemas(ctx: CheckContext) -> Iterator[Finding]:
    """`Resources` is a non-empty list, and every mapped user and group attribute is found in the
    flattened names of the schemas, ignoring case (Microsoft's Schema_Discoverability_Test)."""
    body = ctx.json()
    resources = body.get("Resources") if isinstance(body, dict) else None
    if not isinstance(resources, list) or not resources:
        yield Finding("no schemas in `Resources`", "a non-empty list", resources)
        return
    for mapped, user in ((MAPPED_USER, True), (MAPPED_GROUP, False)):
        names = _names(resources, user)
        for attribute in mapped:
            if _key(attribute) not in names:
                kind = "user" if user else "group"
                yield Finding(f"{kind} attribute {attribute} is not in /Schemas", attribute, None)
