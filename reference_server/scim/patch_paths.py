"""PATCH paths (RFC 7644 3.5.2): what a path designates in a resource, and value filters.

scim2-models parses the path (its grammar is RFC 7644's ABNF with errata 7122 applied); this
module binds the parsed names to a `ResourceDefinition` and evaluates value filters against the
entries of a multi-valued attribute, comparing the way RFC 7644 3.4.2.2 does.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scim2_models.exceptions import InvalidPathException
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Path,
    Present,
)

from .attributes import Attribute, ResourceDefinition
from .errors import ScimError, ScimType, bad_request
from .folding import comparison_key
from .nesting import MAX_DEPTH, MAX_PATH_LENGTH, nesting_depth

# docs/domain.md#roles: `roles` is the read-only projection of the app's team role; an IdP writing
# it in any form (Entra's legacy PATCH sends it JSON-encoded inside `value`) is ignored, never
# refused.
_IGNORED = frozenset({"roles"})

_ORDERING: dict[CompareOperator, Callable[[Any, Any], bool]] = {
    CompareOperator.gt: operator.gt,
    CompareOperator.ge: operator.ge,
    CompareOperator.lt: operator.lt,
    CompareOperator.le: operator.le,
}
_STRING: dict[CompareOperator, Callable[[str, str], bool]] = {
    CompareOperator.co: operator.contains,
    CompareOperator.sw: str.startswith,
    CompareOperator.ew: str.endswith,
}


@dataclass(frozen=True, slots=True)
class Target:
    """What a path designates.

    `container` is the document key of the extension object holding the attribute, None for
    the top level. `attribute` None means the container itself: the resource (path-less or the
    core schema URN) or a whole extension object (its URN as the path).
    """

    container: str | None
    attribute: Attribute | None = None
    sub: Attribute | None = None
    value_filter: FilterNode | None = None

    @property
    def ignored(self) -> bool:
        return (
            self.attribute is not None
            and self.container is None
            and self.attribute.name in _IGNORED
        )

    @property
    def protected(self) -> Attribute | None:
        """The attribute the path may not modify (RFC 7643 2.2 readOnly, immutable), if any."""
        if self.attribute is not None and self.attribute.read_only:
            return self.attribute
        if self.sub is not None and self.sub.mutability in ("readOnly", "immutable"):
            return self.sub
        return None


def invalid_path(detail: str) -> ScimError:
    return bad_request(detail, ScimType.INVALID_PATH)


def shown(text: str) -> str:
    """A client's string, cut short: errors must not echo unbounded input back."""
    return repr(text if len(text) <= 80 else text[:77] + "...")


def resolve_path(definition: ResourceDefinition, path: str) -> Target:
    """The target of an explicit path, or 400 invalidPath when it names nothing we know."""
    schema = definition.schema_for_urn(path.strip())
    if schema is not None:  # a bare schema URN designates that schema's object
        return Target(None if schema is definition.core else schema.id)
    if len(path) > MAX_PATH_LENGTH or nesting_depth(path) > MAX_DEPTH:
        raise invalid_path(f"The path is too long or nests too deeply: {shown(path)}")
    try:
        parsed = Path(path)
    except (InvalidPathException, ValueError, RecursionError) as exc:
        raise invalid_path(f"Invalid path {shown(path)}: {exc}") from exc
    if parsed.ast is None:  # "" inside a path-less value; a blank `path` never gets here
        raise invalid_path("Empty path")
    head, *rest = parsed.parts
    attribute = _attribute(definition, parsed.schema, head, path)
    sub = _sub_attribute(attribute, rest[0], path) if rest else None
    value_filter = parsed.value_filter
    if value_filter is not None:
        _check_filter(attribute, value_filter, path)
    return Target(_container(definition, attribute), attribute, sub, value_filter)


def key_target(definition: ResourceDefinition, key: str) -> Target | None:
    """The target of a key inside a path-less value, or None when the key is to be ignored.

    RFC 7644 3.5.2.1/3.5.2.3 make each key an attribute to add or replace; unknown keys and
    readOnly ones (Okta's group rename carries the group's `id`) are ignored as RFC 7644 3.3
    ignores them in a POST, so a harmless echo never fails the whole request.
    """
    try:
        target = resolve_path(definition, key)
    except ScimError:
        return None
    if target.ignored or target.protected is not None:
        return None
    return target


def _attribute(definition: ResourceDefinition, urn: str | None, name: str, path: str) -> Attribute:
    schema = definition.schema_for_urn(urn) if urn is not None else None
    if urn is not None and schema is None:
        raise invalid_path(f"Path {shown(path)} names an unknown schema")
    if schema is None or schema is definition.core:
        attribute = definition.top_level(name) or _unqualified_extension(definition, name)
    else:
        attribute = schema.get(name)
    if attribute is None:
        raise invalid_path(f"Path {shown(path)} names no attribute of a {definition.name}")
    return attribute


def _unqualified_extension(definition: ResourceDefinition, name: str) -> Attribute | None:
    # RFC 7644 3.10 wants extension attributes URN-qualified, but Entra's documented manager
    # PATCH says just "manager"; an unambiguous bare name is accepted.
    found = [a for ext in definition.extensions.values() if (a := ext.get(name)) is not None]
    return found[0] if len(found) == 1 else None


def _sub_attribute(attribute: Attribute, name: str, path: str) -> Attribute:
    sub = attribute.sub(name)
    if sub is None:
        raise invalid_path(f"Path {shown(path)}: {attribute.name} has no sub-attribute {name!r}")
    return sub


def _container(definition: ResourceDefinition, attribute: Attribute) -> str | None:
    extension = definition.extensions.get(attribute.schema.lower())
    return extension.id if extension is not None else None


def _check_filter(attribute: Attribute, node: FilterNode, path: str) -> None:
    # Checked up front, so a bad filter fails whether or not the list has entries to test.
    if not attribute.multi_valued:
        raise invalid_path(f"Path {shown(path)}: a value filter needs a multi-valued attribute")
    for attr_path in _filter_paths(node, path):
        _filter_attribute(attribute, attr_path, path)


def _filter_paths(node: FilterNode, path: str) -> Iterator[AttrPath]:
    if isinstance(node, LogicalExpr):
        for term in node.terms:
            yield from _filter_paths(term, path)
    elif isinstance(node, Not):
        yield from _filter_paths(node.expr, path)
    elif isinstance(node, Comparison | Present):
        yield node.attr_path
    else:  # the grammar forbids nested value paths (RFC 7644 errata 4690); defensive
        raise invalid_path(f"Path {shown(path)}: value filters cannot nest")


def _filter_attribute(attribute: Attribute, attr_path: AttrPath, path: str) -> Attribute:
    # Inside brackets names are sub-attributes of the filtered attribute, nothing deeper.
    sub = attribute.sub(attr_path.attr) if attr_path.uri is None else None
    if sub is None or attr_path.sub_attr is not None:
        raise invalid_path(f"Path {shown(path)}: {attribute.name} has no {str(attr_path)!r}")
    return sub


def entry_view(entry: Any) -> Mapping[str, Any]:
    """An entry as an object: a bare scalar stands for its `value` (RFC 7643 2.4)."""
    return entry if isinstance(entry, Mapping) else {"value": entry}


def matches(attribute: Attribute, node: FilterNode, entry: Any) -> bool:
    """Whether an entry of a multi-valued attribute passes a (checked) value filter."""
    if isinstance(node, LogicalExpr):
        results = (matches(attribute, term, entry) for term in node.terms)
        return all(results) if node.op is LogicalOperator.and_ else any(results)
    if isinstance(node, Not):
        return not matches(attribute, node.expr, entry)
    assert isinstance(node, Comparison | Present)  # _check_filter refused anything else
    sub = _filter_attribute(attribute, node.attr_path, str(node))
    actual = entry_view(entry).get(sub.name)
    if isinstance(node, Present):
        return actual not in (None, "", [], {})
    return _compare(sub, node.op, actual, node.value)


def _compare(sub: Attribute, op: CompareOperator, actual: Any, expected: Any) -> bool:
    # RFC 7644 3.4.2.2: strings compare case-insensitively unless caseExact; `eq null` is our
    # reading of "unassigned" (RFC 7643 2.5).
    if expected is None or actual is None:
        same = actual is None and expected is None
        return same if op is CompareOperator.eq else not same if op is CompareOperator.ne else False
    left, right = _comparable(sub, actual), _comparable(sub, expected)
    if op in (CompareOperator.eq, CompareOperator.ne):
        same = isinstance(left, bool) == isinstance(right, bool) and left == right
        return same if op is CompareOperator.eq else not same
    if op in _STRING:
        return isinstance(left, str) and isinstance(right, str) and _STRING[op](left, right)
    return _orderable(left, right) and _ORDERING[op](left, right)


def _comparable(sub: Attribute, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if sub.type == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"  # Entra's "True"/"False"
    return comparison_key(sub, value)


def _orderable(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return True
    numbers = (int, float)
    return all(isinstance(v, numbers) and not isinstance(v, bool) for v in (left, right))


def filter_seed(attribute: Attribute, node: FilterNode | None) -> dict[str, Any] | None:
    """The entry a filter describes, when it is `eq` comparisons joined by `and`, else None.

    Entra replaces `emails[type eq "work"].value` on a user without a work email and expects
    the entry to be created; the filter is all it says about that entry.
    """
    if node is None:
        return {}
    is_and = isinstance(node, LogicalExpr) and node.op is LogicalOperator.and_
    terms = node.terms if isinstance(node, LogicalExpr) and is_and else (node,)
    seed: dict[str, Any] = {}
    for term in terms:
        if not (isinstance(term, Comparison) and term.op is CompareOperator.eq):
            return None
        sub = attribute.sub(term.attr_path.attr)
        if sub is None or term.value is None:
            return None
        seed[sub.name] = term.value
    return seed
