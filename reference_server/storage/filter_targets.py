"""Where each SCIM attribute lives in the SQLite schema, for `filters.py`.

A filter or a sortBy names attributes (RFC 7644 3.10); this module answers, for each name, the SQL
that reads its comparison form:

- attributes the domain owns or that IdPs look up by equality are columns (`id`, `externalId`,
  `userName`, `displayName`, `active`, `meta.created`, `meta.lastModified`);
- `meta.resourceType` is the resource type's name, `meta.version` the ETag of the `version`;
- relationships are JSON arrays built per row, with the entries `scim/render.py` renders (less
  what has no comparison form): a user's `groups` and `roles`, a group's `members`;
- everything else is read from the `fold` document with `json_extract`, every string in it
  already in its comparison form (`scim/folding.py`).

Three shapes come out of it: a `Scalar` (one value per row), a `Node` (a singular complex
attribute, which only `pr` and its sub-attributes apply to) and `Elements` (a multi-valued
attribute, read element by element with `json_each`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scim2_models.path import AttrPath
from sqlalchemy import ColumnElement, Table, and_, func, literal, not_, select
from sqlalchemy.sql.selectable import TableValuedAlias

from reference_server.scim.attributes import Attribute, ResourceDefinition
from reference_server.scim.errors import ScimError, ScimType, bad_request

from .tables import group_members, groups, users


def invalid_filter(detail: str) -> ScimError:
    return bad_request(detail, ScimType.INVALID_FILTER)


def json_path(*names: str) -> str:
    """A JSON path with quoted segments: URN keys contain `:` and `.`."""
    return "$" + "".join(f'."{name}"' for name in names)


@dataclass(frozen=True)
class JsonSource:
    """A JSON value: a JSON text expression, and optionally a path into it."""

    doc: ColumnElement[Any]
    path: str | None = None

    def _args(self) -> tuple[Any, ...]:
        return (self.doc,) if self.path is None else (self.doc, self.path)

    def each(self) -> TableValuedAlias:
        return func.json_each(*self._args()).table_valued("key", "value").alias()

    def length(self) -> ColumnElement[Any]:
        return func.coalesce(func.json_array_length(*self._args()), 0)

    def has_leaf(self, table: Table) -> ColumnElement[bool]:
        """Whether any leaf is a value: RFC 7644 3.4.2.2 `pr` is "a non-empty node"."""
        tree = func.json_tree(*self._args()).table_valued("type", "atom").alias()
        leaf = and_(
            tree.c.type.not_in(["object", "array", "null"]),
            not_(and_(tree.c.type == "text", tree.c.atom == "")),
        )
        return select(literal(1)).select_from(tree).where(leaf).correlate(table).exists()


@dataclass(frozen=True)
class Scalar:
    """One value per row (or per array element): a column, a JSON scalar, a literal."""

    expr: ColumnElement[Any]
    attribute: Attribute


@dataclass(frozen=True)
class Node:
    """A singular complex attribute (`name`, `meta`, `manager`)."""

    attribute: Attribute
    present: ColumnElement[bool]
    children: Mapping[str, ColumnElement[Any]]

    def child(self, name: str) -> Scalar:
        sub = self.attribute.sub(name)
        if sub is None or sub.name.lower() not in self.children:
            raise invalid_filter(f"'{self.attribute.name}.{name}' cannot be filtered")
        return Scalar(self.children[sub.name.lower()], sub)


@dataclass(frozen=True)
class Elements:
    """A multi-valued attribute, optionally narrowed to one sub-attribute of each element."""

    source: JsonSource
    attribute: Attribute
    sub: Attribute | None = None
    unsupported: frozenset[str] = field(default_factory=frozenset)

    def child(self, name: str) -> Elements:
        return Elements(self.source, self.attribute, self.element_attribute(name), self.unsupported)

    def element_attribute(self, name: str) -> Attribute:
        sub = self.attribute.sub(name)
        if sub is None:
            raise invalid_filter(f"'{self.attribute.name}' has no sub-attribute '{name}'")
        if sub.name.lower() in self.unsupported:
            raise invalid_filter(f"'{self.attribute.name}.{sub.name}' cannot be filtered")
        return sub


Target = Scalar | Node | Elements


def element_scalar(element: ColumnElement[Any], attribute: Attribute) -> Scalar:
    """A sub-attribute of one array element (the `value` column of `json_each`)."""
    return Scalar(func.json_extract(element, json_path(attribute.name)), attribute)


def resolve(definition: ResourceDefinition, table: Table, path: AttrPath) -> Target:
    """The target an attribute path names on a resource; unknown names raise invalidFilter."""
    attribute, owner = _lookup(definition, path)
    if attribute.mutability == "writeOnly":
        # `password` is never stored in a readable form (RFC 7643 4.1.1).
        raise invalid_filter(f"'{attribute.name}' cannot be filtered")
    target = _special(definition, table, attribute, owner) or _stored(table, attribute, owner)
    if path.sub_attr is None:
        return target
    if isinstance(target, Scalar):
        raise invalid_filter(f"'{attribute.name}' has no sub-attributes")
    return target.child(path.sub_attr)


def _lookup(definition: ResourceDefinition, path: AttrPath) -> tuple[Attribute, str | None]:
    """The attribute and the key of the extension holding it (None: top level of the document)."""
    schema = definition.schema_for_urn(path.uri) if path.uri else definition.core
    if schema is None:
        raise invalid_filter(f"unknown schema '{path.uri}'")
    attribute = schema.get(path.attr)
    if attribute is None and schema is definition.core:
        # The common attributes (RFC 7643 3.1) may be qualified by the core schema URN.
        attribute = definition.common.get(path.attr)
    if attribute is None:
        raise invalid_filter(f"unknown attribute '{path}'")
    return attribute, (None if schema is definition.core else schema.id)


def _stored(table: Table, attribute: Attribute, owner: str | None) -> Target:
    """An attribute read from the `fold` document."""
    names = (owner, attribute.name) if owner else (attribute.name,)
    path = json_path(*names)
    if attribute.multi_valued:
        return Elements(JsonSource(table.c.fold, path), attribute)
    if not attribute.is_complex:
        return Scalar(func.json_extract(table.c.fold, path), attribute)
    children = {
        key: func.json_extract(table.c.fold, json_path(*names, sub.name))
        for key, sub in attribute.sub_attributes.items()
    }
    return Node(attribute, JsonSource(table.c.fold, path).has_leaf(table), children)


def _special(
    definition: ResourceDefinition, table: Table, attribute: Attribute, owner: str | None
) -> Target | None:
    """Column-backed and relational attributes; None when the attribute is in the document."""
    if owner is not None:
        return None
    name = attribute.name.lower()
    columns = {
        "id": "id",
        "externalid": "external_id",
        "username": "user_name_key",
        "displayname": "display_name_key",
        "active": "active",
    }
    if name in columns and columns[name] in table.c:
        return Scalar(table.c[columns[name]], attribute)
    if name == "meta":
        return _meta(definition, table, attribute)
    arrays = {"groups": _user_groups, "members": _group_members, "roles": _user_roles}
    if name in arrays:
        return Elements(arrays[name](table), attribute, unsupported=_UNSUPPORTED[name])
    return None


# `$ref` is a URI the server computes when it renders (RFC 7643 4.1.2); storage has none. A
# member's `display` may be the text the client sent (`group_members.display`), stored as sent:
# SQLite cannot casefold it, so it has no comparison form to filter or sort on.
_UNSUPPORTED = {
    "groups": frozenset({"$ref"}),
    "members": frozenset({"$ref", "display"}),
    "roles": frozenset[str](),
}


def _meta(definition: ResourceDefinition, table: Table, attribute: Attribute) -> Node:
    # `location` needs the base URL the request came in on, which storage does not know; RFC
    # 7644 3.12 invalidFilter covers a combination "not supported".
    children: dict[str, ColumnElement[Any]] = {
        "created": table.c.created,
        "lastmodified": table.c.last_modified,
        "resourcetype": literal(definition.name),
        # The weak ETag the server renders (RFC 7644 3.14), caseExact.
        "version": func.printf('W/"%d"', table.c.version),
    }
    # `created` is NOT NULL, so meta is always present.
    return Node(attribute, table.c.created.is_not(None), children)


def _user_groups(table: Table) -> JsonSource:
    """A user's live groups (RFC 7643 4.1.2 `groups`), as `scim/render.py` lists them."""
    entry = func.json_object(
        "value", groups.c.id, "display", groups.c.display_name_key, "type", "direct"
    )
    rows = (
        select(entry.label("entry"))
        .select_from(group_members.join(groups, groups.c.id == group_members.c.group_id))
        .where(group_members.c.member_id == table.c.id, groups.c.deleted_at.is_(None))
        .order_by(groups.c.seq)
        .correlate(table)
        .subquery()
    )
    return JsonSource(_array_of(rows.c.entry, table))


def _group_members(table: Table) -> JsonSource:
    """A group's members that are live users, in membership order, as the server renders them."""
    # `type` is "User" folded: the operand of `members.type eq "User"` is folded too.
    entry = func.json_object("value", users.c.id, "type", "user")
    rows = (
        select(entry.label("entry"))
        .select_from(group_members.join(users, users.c.id == group_members.c.member_id))
        .where(group_members.c.group_id == table.c.id, users.c.deleted_at.is_(None))
        .order_by(group_members.c.seq)
        .correlate(table)
        .subquery()
    )
    return JsonSource(_array_of(rows.c.entry, table))


def _array_of(entries: ColumnElement[Any], table: Table) -> ColumnElement[Any]:
    # SQLite aggregates rows in the order the ordered subquery yields them (no ORDER BY inside
    # aggregates before 3.44), which keeps "the first value" of RFC 7644 3.4.2.3 stable.
    return select(func.json_group_array(func.json(entries))).correlate(table).scalar_subquery()


def _user_roles(table: Table) -> JsonSource:
    # The role column holds one of the domain's ASCII role names (rendered with display
    # `role.title()`), so SQLite's ASCII-only lower() is the comparison form of both.
    role = func.lower(table.c.role)
    entry = func.json_object("value", role, "display", role, "primary", func.json("true"))
    return JsonSource(func.json_array(entry))
