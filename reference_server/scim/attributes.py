"""The attribute definitions of each resource type, read from the schema files in `schemas/`.

Attribute names are case-insensitive (RFC 7643 2.1), so every lookup folds the name; the
definition carries the canonical spelling the server writes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute or sub-attribute definition (RFC 7643 7)."""

    name: str
    type: str
    multi_valued: bool = False
    required: bool = False
    case_exact: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    canonical_values: tuple[str, ...] = ()
    sub_attributes: Mapping[str, Attribute] = field(default_factory=dict)
    schema: str = ""

    def sub(self, name: str) -> Attribute | None:
        return self.sub_attributes.get(name.lower())

    @property
    def is_complex(self) -> bool:
        return self.type == "complex"

    @property
    def read_only(self) -> bool:
        return self.mutability == "readOnly"


@dataclass(frozen=True, slots=True)
class Schema:
    """A schema: its URN, its name, and its top-level attributes keyed by folded name."""

    id: str
    name: str
    attributes: Mapping[str, Attribute]
    document: Mapping[str, Any]

    def get(self, name: str) -> Attribute | None:
        return self.attributes.get(name.lower())


@dataclass(frozen=True, slots=True)
class ResourceDefinition:
    """A resource type: its core schema, its extensions, and the common attributes."""

    name: str
    endpoint: str
    core: Schema
    extensions: Mapping[str, Schema]
    common: Schema

    def schema_for_urn(self, urn: str) -> Schema | None:
        folded = urn.lower()
        if folded == self.core.id.lower():
            return self.core
        return self.extensions.get(folded)

    def top_level(self, name: str) -> Attribute | None:
        """A core or common attribute by its bare name."""
        return self.core.get(name) or self.common.get(name)

    def resolve(self, urn: str | None, name: str) -> Attribute | None:
        """The attribute a path names, given its optional schema URN and its head name."""
        if urn is None:
            return self.top_level(name)
        schema = self.schema_for_urn(urn)
        return schema.get(name) if schema is not None else None

    @property
    def schema_urns(self) -> tuple[str, ...]:
        return (self.core.id, *(ext.id for ext in self.extensions.values()))

    def all_schemas(self) -> Iterator[Schema]:
        yield self.core
        yield from self.extensions.values()


def _attribute(raw: Mapping[str, Any], schema: str) -> Attribute:
    subs = {sub["name"].lower(): _attribute(sub, schema) for sub in raw.get("subAttributes", [])}
    return Attribute(
        name=raw["name"],
        type=raw["type"],
        multi_valued=bool(raw.get("multiValued", False)),
        required=bool(raw.get("required", False)),
        case_exact=bool(raw.get("caseExact", False)),
        mutability=raw.get("mutability", "readWrite"),
        returned=raw.get("returned", "default"),
        uniqueness=raw.get("uniqueness", "none"),
        canonical_values=tuple(raw.get("canonicalValues", ())),
        sub_attributes=subs,
        schema=schema,
    )


@cache
def load_schema(file_name: str) -> Schema:
    text = resources.files(__package__).joinpath("schemas", file_name).read_text("utf-8")
    document = json.loads(text)
    attributes = {
        raw["name"].lower(): _attribute(raw, document["id"]) for raw in document["attributes"]
    }
    return Schema(
        id=document["id"],
        name=document.get("name", ""),
        attributes=attributes,
        document=document,
    )


@cache
def user_definition() -> ResourceDefinition:
    enterprise = load_schema("EnterpriseUser.json")
    return ResourceDefinition(
        name="User",
        endpoint="/Users",
        core=load_schema("User.json"),
        extensions={enterprise.id.lower(): enterprise},
        common=load_schema("Common.json"),
    )


@cache
def group_definition() -> ResourceDefinition:
    return ResourceDefinition(
        name="Group",
        endpoint="/Groups",
        core=load_schema("Group.json"),
        extensions={},
        common=load_schema("Common.json"),
    )


def served_schemas() -> list[Schema]:
    """The schemas `/Schemas` publishes (RFC 7644 4), in a stable order."""
    return [
        load_schema("User.json"),
        load_schema("EnterpriseUser.json"),
        load_schema("Group.json"),
        load_schema("Role.json"),
    ]
