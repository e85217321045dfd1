"""Microsoft's gallery validation: its schema discoverability test
(docs/idp/entra.md#gallery-validation).

The test flattens `/Schemas` into attribute names and looks up each attribute the app's mapping
writes, ignoring case. Its mapping is the app's own; here it is Entra's default mapping for a
gallery app (docs/idp/entra.md#create), the attributes the `entra` profiles send. The flattening
is the test's own (`SCIMTests_Workflow.json` beside the overview, docs/idp/entra.md S11).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# Entra's default user and group mappings' targets. `id` is never looked up; `externalId` is a
# common attribute, which RFC 7643 3.1 leaves out of every schema, so `/Schemas` cannot list it.
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
# Named by themselves, whatever their type: the references Entra maps whole.
REFERENCES = ("manager", "members")


def _subs(attribute: dict[str, Any]) -> list[dict[str, Any]]:
    return [sub for sub in attribute.get("subAttributes") or [] if isinstance(sub, dict)]


def _entries(attribute: dict[str, Any], name: str) -> list[str]:
    """A multi-valued complex attribute's names: `emails[type eq "work"].value` for each
    canonical `type` and each sub-attribute but `type` and `primary`; without canonical types,
    `emails[primary eq "True"].value` for each sub-attribute but `primary`."""
    subs = _subs(attribute)
    types = [sub.get("canonicalValues") or [] for sub in subs if sub.get("name") == "type"]
    if types and types[0]:
        kept = [str(sub.get("name")) for sub in subs if sub.get("name") not in ("type", "primary")]
        return [f'{name}[type eq "{value}"].{sub}' for value in types[0] for sub in kept]
    kept = [str(sub.get("name")) for sub in subs if sub.get("name") != "primary"]
    return [f'{name}[primary eq "True"].{sub}' for sub in kept]


def _core_names(attribute: dict[str, Any]) -> list[str]:
    """One attribute of a core schema, flattened as Microsoft's test flattens it."""
    name, kind = str(attribute.get("name")), attribute.get("type")
    if name in REFERENCES:
        return [name]
    if kind == "complex" and attribute.get("multiValued"):
        return _entries(attribute, name)
    if kind == "complex":
        simple = [s for s in _subs(attribute) if s.get("type") not in ("complex", "reference")]
        return [f"{name}.{sub.get('name')}" for sub in simple]
    return [] if kind == "reference" else [name]


def _names(resources: list[Any], core: str) -> set[str]:
    """The lower-cased flattened names of one core schema and, for users, of every schema that
    is neither core one, the extensions: `<schema id>:<attribute>`."""
    found: list[str] = []
    for schema in (resource for resource in resources if isinstance(resource, dict)):
        own = str(schema.get("id", ""))
        attributes = [a for a in schema.get("attributes") or [] if isinstance(a, dict)]
        if own == core:
            found += [name for attribute in attributes for name in _core_names(attribute)]
        elif core == USER and own not in (USER, GROUP):
            found += [f"{own}:{attribute.get('name')}" for attribute in attributes]
    return {name.lower() for name in found}


@check(
    "entra-gallery-schemas",
    Level.MUST,
    "docs/idp/entra.md#gallery-validation; RFC 7643 7",
    "/Schemas lists every attribute Entra's default mapping writes, as the gallery's test reads it",
    quote="A server MUST list in `/Schemas` every attribute Entra's mapping writes.",
)
def gallery_schemas(ctx: CheckContext) -> Iterator[Finding]:
    """`Resources` is a non-empty list, and every mapped user and group attribute is one of the
    schemas' flattened names, ignoring case (Microsoft's Schema_Discoverability_Test)."""
    body = ctx.json()
    resources = body.get("Resources") if isinstance(body, dict) else None
    if not isinstance(resources, list) or not resources:
        yield Finding("no schemas in `Resources`", "a non-empty list", resources)
        return
    for mapped, core in ((MAPPED_USER, USER), (MAPPED_GROUP, GROUP)):
        names = _names(resources, core)
        kind = "user" if core == USER else "group"
        for attribute in mapped:
            if attribute.lower() not in names:
                yield Finding(f"{kind} attribute {attribute} is not in /Schemas", attribute, None)
