"""Code checks on /ResourceTypes for the SCIM interoperability profile draft (section 5.1),
named by the expectations of `interop/discovery` (docs/interop-profile.md).

They read the `/ResourceTypes` list answered, and for the schemas it references the `/Resources`
of `/Schemas` that the scenario saved as the variable `served`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.registry import Finding, Level, check

DRAFT = "draft-zollner-scim-interop-profile-01"


def _resource_types(ctx: CheckContext) -> list[dict[str, Any]]:
    body = ctx.json()
    listed = body.get("Resources") if isinstance(body, dict) else None
    return [r for r in listed if isinstance(r, dict)] if isinstance(listed, list) else []


@check(
    "interop-resource-type-id-is-name",
    Level.MUST,
    f"{DRAFT} 5.1; RFC 7643 6",
    "Every resource type under /ResourceTypes has an id equal to its name",
    quote=(
        "For every ResourceType resource returned by the /ResourceTypes endpoint, Service "
        "Providers MUST populate the id attribute and its value MUST equal the value of the name "
        "attribute."
    ),
)
def interop_resource_type_id_is_name(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 7643 6 lets a resource type's id be anything; the profile pins it to the name, so a
    client can fetch /ResourceTypes/{name}."""
    for resource in _resource_types(ctx):
        name, given = resource.get("name"), resource.get("id")
        if not isinstance(given, str) or given != name:
            yield Finding(f"resource type {name!r} has the id {given!r}", name, given)


def _referenced(resource: dict[str, Any]) -> list[str]:
    """The schema URNs a resource type names: its core schema and its extensions'."""
    found = [resource.get("schema")]
    extensions = resource.get("schemaExtensions")
    for extension in extensions if isinstance(extensions, list) else []:
        found.append(extension.get("schema") if isinstance(extension, dict) else None)
    return [urn for urn in found if isinstance(urn, str)]


@check(
    "interop-resource-type-schemas-served",
    Level.MUST,
    f"{DRAFT} 5.1; RFC 7643 6",
    "Every schema a resource type names (core and extensions) is listed under /Schemas",
    quote=(
        "All schemas referenced in resource type definitions returned by the /ResourceTypes "
        "endpoint MUST be available at the /Schemas endpoint."
    ),
)
def interop_resource_type_schemas_served(ctx: CheckContext) -> Iterator[Finding]:
    """Schema URNs compare ignoring case, as URNs do (RFC 8141 3.1)."""
    saved = ctx.variables.get("served")
    served = saved if isinstance(saved, list) else []
    ids = {s["id"].lower() for s in served if isinstance(s, dict) and isinstance(s.get("id"), str)}
    for resource in _resource_types(ctx):
        for urn in _referenced(resource):
            if urn.lower() not in ids:
                yield Finding(
                    f"resource type {resource.get('name')!r} names {urn}, not under /Schemas",
                    urn,
                    None,
                )


SCIM_MEDIA_TYPE = "application/scim+json"


@check(
    "interop-scim-media-type",
    Level.MUST,
    f"{DRAFT} 6.2; RFC 7644 8.1",
    "An answer carrying SCIM data is labelled Content-Type: application/scim+json",
    quote=(
        "All requests and responses containing SCIM data MUST include a Content-Type header "
        "with the value application/scim+json, as defined in [RFC7644], Section 8.1."
    ),
)
def interop_scim_media_type(ctx: CheckContext) -> Iterator[Finding]:
    """RFC 7644 8.1 lets a server answer `application/json` too; the profile does not. The media
    type is compared without its parameters (`; charset=utf-8`), which RFC 9110 8.3.1 lets any
    Content-Type carry."""
    response = ctx.exchange.response
    if response is None or not response.body:
        return
    given = response.headers.get("content-type", "")
    if given.split(";")[0].strip().lower() != SCIM_MEDIA_TYPE:
        yield Finding(f"the answer is labelled {given or 'nothing'!r}", SCIM_MEDIA_TYPE, given)
