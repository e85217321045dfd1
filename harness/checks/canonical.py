"""What SCIM names mean to JSON: canonical attribute names and the data types' lexical forms.

SCIM attribute names are case-insensitive (RFC 7643 2.1) but JSON Schema compares property
names exactly, so before a document meets a JSON Schema its keys are rewritten to their
canonical spelling; extension keys (schema URNs, RFC 7643 3.3) are matched ignoring case too.
The names come from the JSON Schemas in `harness/checks/schemas/` (written from the RFCs, so their
property names are the RFC's spelling) and, when given, from the target's own `/Schemas`
documents (RFC 7643 7), which add custom attributes and extensions. The checks of the data
types' lexical forms (RFC 7643 2.3) close the module: JSON Schema formats and the declared-type
checks of `harness.checks.validation` share them.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

if TYPE_CHECKING:  # referencing exports no name for the type its lookups return
    from referencing._core import Resolver

SCHEMA_BASE = "https://scimcert.invalid/schemas/"

# The URN each named schema describes (RFC 7643 8.7.1/8.7.2, RFC 7644 3.4.2, 3.5.2, 3.12).
URNS = {
    "User": "urn:ietf:params:scim:schemas:core:2.0:User",
    "EnterpriseUser": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    "Group": "urn:ietf:params:scim:schemas:core:2.0:Group",
    "ListResponse": "urn:ietf:params:scim:api:messages:2.0:ListResponse",
    "PatchOp": "urn:ietf:params:scim:api:messages:2.0:PatchOp",
    "Error": "urn:ietf:params:scim:api:messages:2.0:Error",
    "ServiceProviderConfig": "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
    "ResourceType": "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
    "Schema": "urn:ietf:params:scim:schemas:core:2.0:Schema",
}


@dataclass(frozen=True, slots=True)
class Node:
    """One attribute's canonical name and the names of its sub-attributes (lower-case keys)."""

    name: str
    children: Mapping[str, Node]


Level = Mapping[str, Node]


def schema_uri(name: str) -> str:
    return f"{SCHEMA_BASE}{name}.json"


@cache
def registry() -> Registry[Any]:
    """Every JSON Schema of `harness/checks/schemas/`, by `$id`, so `$ref`s resolve offline."""
    folder = resources.files("harness.checks").joinpath("schemas")
    loaded = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            contents = json.loads(entry.read_text("utf-8"))
            loaded.append((contents["$id"], Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(loaded).crawl()


def lookup(mapping: Mapping[str, Any], name: str) -> str | None:
    """The key of `mapping` that spells `name` in any case, preferring the exact spelling."""
    if name in mapping:
        return name
    folded = name.lower()
    return next((k for k in mapping if isinstance(k, str) and k.lower() == folded), None)


def merge(first: Level, second: Level) -> Level:
    """Both levels' names; where both know a name, the spelling of `first` wins."""
    merged = dict(first)
    for key, node in second.items():
        known = merged.get(key)
        merged[key] = (
            node if known is None else Node(known.name, merge(known.children, node.children))
        )
    return merged


def _from_json_schema(schema: Any, resolver: Resolver[Any], seen: frozenset[int]) -> Level:
    # Only what shapes an instance's property names: properties, items, $ref and allOf.
    # `seen` breaks the recursion of Schema.json (an attribute's subAttributes are attributes).
    if not isinstance(schema, Mapping) or id(schema) in seen:
        return {}
    seen = seen | {id(schema)}
    level: Level = {}
    if isinstance(schema.get("$ref"), str):
        resolved = resolver.lookup(schema["$ref"])
        level = _from_json_schema(resolved.contents, resolved.resolver, seen)
    for part in [*schema.get("allOf", []), schema.get("items")]:
        level = merge(level, _from_json_schema(part, resolver, seen))
    for name, sub in schema.get("properties", {}).items():
        node = Node(name, _from_json_schema(sub, resolver, seen))
        level = merge(level, {name.lower(): node})
    return level


def _from_attributes(attributes: Any) -> Level:
    """Names declared by an RFC 7643 7 `attributes` (or `subAttributes`) list."""
    level: Level = {}
    for attribute in attributes if isinstance(attributes, list) else []:
        if not isinstance(attribute, Mapping):
            continue
        name = attribute.get(lookup(attribute, "name") or "name")
        if isinstance(name, str):
            subs = attribute.get(lookup(attribute, "subAttributes") or "subAttributes")
            level = merge(level, {name.lower(): Node(name, _from_attributes(subs))})
    return level


@cache
def _built_in() -> Mapping[str, Node]:
    """Schema URN (lower-case) -> its attribute names, from the JSON Schemas."""
    vocabulary: dict[str, Node] = {}
    for name, urn in URNS.items():
        resolved = registry().resolver().lookup(schema_uri(name))
        vocabulary[urn.lower()] = Node(
            urn, _from_json_schema(resolved.contents, resolved.resolver, frozenset())
        )
    return vocabulary


@cache
def _common() -> Level:
    resolved = registry().resolver().lookup(f"{schema_uri('Common')}#/$defs/resource")
    return _from_json_schema(resolved.contents, resolved.resolver, frozenset())


def vocabulary(target_schemas: Sequence[Mapping[str, Any]] | None) -> Level:
    """Built-in names, extended by the target's own schema representations."""
    declared: dict[str, Node] = {}
    for schema in target_schemas or ():
        urn = schema.get(lookup(schema, "id") or "id")
        if isinstance(urn, str):
            attributes = schema.get(lookup(schema, "attributes") or "attributes")
            declared = dict(merge(declared, {urn.lower(): Node(urn, _from_attributes(attributes))}))
    return merge(_built_in(), declared)


def listed_schemas(document: Mapping[str, Any]) -> list[str]:
    """The URNs in the document's `schemas` attribute (its key spelled in any case)."""
    listed = document.get(lookup(document, "schemas") or "schemas")
    return [u for u in listed if isinstance(u, str)] if isinstance(listed, list) else []


def top_level(document: Mapping[str, Any], urns: Iterable[str], known: Level) -> Level:
    """The names allowed at the top of `document`: common, core and extension keys.

    A URN listed in `schemas` whose key is absent is a core schema: extension attributes live
    under their URN's key (RFC 7643 3.3), core attributes at the top.
    """
    keys = {k.lower() for k in document if isinstance(k, str)}
    level = _common()
    for urn in [*urns, *listed_schemas(document)]:
        node = known.get(urn.lower())
        if node is not None and urn.lower() not in keys:
            level = merge(level, node.children)
    return merge(level, known)


def escape(name: str) -> str:
    """A JSON Pointer reference token (RFC 6901 3)."""
    return name.replace("~", "~0").replace("/", "~1")


def _rewrite(value: Any, level: Level, pointer: str, renamed: list[str]) -> Any:
    if isinstance(value, list):
        return [_rewrite(v, level, f"{pointer}/{i}", renamed) for i, v in enumerate(value)]
    if not isinstance(value, Mapping):
        return value
    out: dict[Any, Any] = {}
    taken = set(value)
    for key, item in value.items():
        node = level.get(key.lower()) if isinstance(key, str) else None
        name = key
        if node is not None and node.name != key:
            renamed.append(f"{pointer}/{escape(key)}")
            # Two spellings of one name: keep the second as it is rather than lose a value.
            if node.name not in taken:
                name = node.name
                taken.add(name)
        out[name] = _rewrite(
            item, node.children if node else {}, f"{pointer}/{escape(key)}", renamed
        )
    return out


def canonicalise_as(
    document: Any, urns: Iterable[str], target_schemas: Sequence[Mapping[str, Any]] | None
) -> tuple[Any, list[str]]:
    """`canonicalise`, with `urns` known to be core schemas of the document even if unlisted."""
    if not isinstance(document, Mapping):
        return _rewrite(document, {}, "", []), []
    renamed: list[str] = []
    level = top_level(document, urns, vocabulary(target_schemas))
    return _rewrite(document, level, "", renamed), renamed


# Lexical forms of the SCIM data types (RFC 7643 2.3), for formats and declared types.
# xsd:dateTime (RFC 7643 2.3.5): date and time required, fraction and time zone optional.
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def is_datetime(value: object) -> bool:
    """An xsd:dateTime with both a date and a time (RFC 7643 2.3.5)."""
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return False
    try:  # the pattern admits 2021-02-30 or 25:00; the calendar does not
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_uri_reference(value: object) -> bool:
    """RFC 3986 4.1, loosely: no whitespace or control characters, and it splits."""
    if not isinstance(value, str) or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        urlsplit(value)
    except ValueError:
        return False
    return True


def is_uri(value: object) -> bool:
    """RFC 3986 4.3: a URI-reference with a scheme."""
    return is_uri_reference(value) and _SCHEME.match(str(value)) is not None


def is_base64(value: object) -> bool:
    """RFC 7643 2.3.6; line breaks inside base64 text are common (RFC 2045 6.8), so allowed."""
    if not isinstance(value, str):
        return False
    try:
        base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True
