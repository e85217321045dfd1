"""SCIM filters (RFC 7644 3.4.2.2) and sortBy (3.4.2.3) as SQLAlchemy Core expressions.

A filter becomes one boolean SQL expression that SQLite evaluates on its own: no row is read into
Python to decide whether it matches. The text is parsed by scim2-models' grammar only, and the
semantics mirror its evaluator (`ScimFilter.match`), which the property tests use as the oracle:

- strings compare in their comparison form (`scim/folding.py`), so `userName eq "BJensen"` is
  case-insensitive and `externalId` (caseExact) is not;
- a comparison on a multi-valued attribute holds when any value satisfies it, and `ne` when no
  value equals the operand; a comparison on `emails` compares `emails.value` (RFC 7643 2.4);
- operands are converted to the attribute's type as scim2-models' `coerce_value` does (pydantic,
  lax), so `active eq "true"` means `active eq true`; anything else of the wrong type is refused;
- every leaf is strictly true or false, never NULL, so `not (...)` is the exact complement.

Refusals are 400 `invalidFilter` (RFC 7644 3.12): bad syntax, a filter longer than `max_length`
or nested deeper than the grammar allows, an unknown attribute, an ordering or substring operator
on a boolean or binary attribute (3.4.2.2), a substring operator on a non-string attribute or
with a non-string operand, an ordering operator against `null`, a comparison on a complex
attribute without a `value`, and attributes storage cannot evaluate (`password`, `meta.location`,
`$ref`: "the specified attribute and filter comparison combination is not supported").

A bad sortBy (unknown attribute, bad syntax, a complex attribute without a sub-attribute) is 400
`invalidValue`: RFC 7644 3.4.2.3 names no error, and Table 9 gives `invalidValue` to "the value
specified was not compatible with the operation"; sortBy is no filter, so not `invalidFilter`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from scim2_models import Path, SCIMException
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ScimFilter,
    ValuePath,
)
from sqlalchemy import Column, ColumnElement, Table, and_, func, literal, not_, or_, select, true

from reference_server.scim.attributes import ResourceDefinition
from reference_server.scim.errors import ScimError, ScimType, bad_request
from reference_server.scim.nesting import MAX_DEPTH, nesting_depth

from .filter_operands import STRING_TYPES, operand
from .filter_targets import (
    Elements,
    Node,
    Scalar,
    Target,
    element_scalar,
    invalid_filter,
    json_path,
    resolve,
)


def filter_clause(
    definition: ResourceDefinition,
    table: Table,
    expression: str,
    *,
    max_length: int = 4096,
    max_depth: int = MAX_DEPTH,
) -> ColumnElement[bool]:
    """The WHERE clause selecting the rows of `table` that `expression` matches."""
    if len(expression) > max_length:
        raise invalid_filter(f"the filter is longer than {max_length} characters")
    if nesting_depth(expression) > max_depth:
        raise invalid_filter(f"the filter nests deeper than {max_depth} levels")
    try:
        tree = ScimFilter(expression).ast
    except (SCIMException, ValueError, RecursionError) as exc:
        raise invalid_filter(f"invalid filter: {exc}") from exc
    return _Builder(_ResourceScope(definition, table), table).visit(tree)


# One `eq` against a string literal without escapes: `userName eq "bjensen@example.com"`.
_EQUALITY = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s+eq\s+"([^"\\]*)"\s*', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ColumnEquality:
    """A filter that is one `eq` on a column: the column's name and the operand as stored."""

    column: str
    value: Any


def column_equality(
    definition: ResourceDefinition, table: Table, expression: str
) -> ColumnEquality | None:
    """The filter as a column lookup, when it is one `eq` on a string attribute kept in a column.

    IdPs look users and groups up this way before every assignment and push (`userName`,
    `externalId`, `displayName`: docs/idp/okta.md#create-and-assign, docs/idp/entra.md#matching), so
    the lookup is answered by a prepared statement without parsing the filter. It means what
    `filter_clause` makes of the same text (tests/reference_server/storage/test_filters.py holds
    them equal); None for every other filter, which `filter_clause` then parses, refusing what it
    must."""
    found = _EQUALITY.fullmatch(expression)
    if found is None:
        return None
    try:
        target = resolve(definition, table, AttrPath(attr=found[1]))
    except ScimError:
        return None
    if not isinstance(target, Scalar) or not isinstance(target.expr, Column):
        return None
    if target.attribute.type not in STRING_TYPES:
        return None
    value = operand(target.attribute, CompareOperator.eq, found[2])
    return ColumnEquality(target.expr.name, value)


def sort_key(definition: ResourceDefinition, table: Table, sort_by: str) -> ColumnElement[Any]:
    """The comparison form of the sortBy attribute; NULL when a row has no value for it.

    The caller orders NULLs last when ascending and first when descending (RFC 7644 3.4.2.3).
    """
    try:
        node = Path(sort_by).ast
    except (SCIMException, ValueError) as exc:
        raise _invalid_sort(f"invalid sortBy: {exc}") from exc
    if not isinstance(node, AttrPath):
        raise _invalid_sort(f"sortBy must name an attribute, not {sort_by!r}")
    try:
        target = resolve(definition, table, node)
    except ScimError as exc:
        raise _invalid_sort(exc.detail) from exc
    if isinstance(target, Scalar):
        return target.expr
    if isinstance(target, Node):
        raise _invalid_sort("sortBy on a complex attribute must name a sub-attribute")
    return _first_value(_valued(target, _invalid_sort), table)


def _invalid_sort(detail: str) -> ScimError:
    return bad_request(detail, ScimType.INVALID_VALUE)


def _first_value(target: Elements, table: Table) -> ColumnElement[Any]:
    """RFC 7644 3.4.2.3: "the primary value, if any, or else the first value in the list"."""
    each = target.source.each()
    order: list[Any] = [each.c.key]
    if target.attribute.sub("primary") is not None:
        is_primary = func.coalesce(func.json_extract(each.c.value, json_path("primary")), 0)
        order.insert(0, is_primary.desc())
    assert target.sub is not None
    value = func.json_extract(each.c.value, json_path(target.sub.name))
    return (
        select(value).select_from(each).order_by(*order).limit(1).correlate(table).scalar_subquery()
    )


def _valued(target: Elements, error: Callable[[str], ScimError] = invalid_filter) -> Elements:
    """A multi-valued attribute named without a sub-attribute means its `value` (RFC 7643 2.4)."""
    if target.sub is not None:
        return target
    if target.attribute.sub("value") is None:
        raise error(f"'{target.attribute.name}' has no value to compare; name a sub-attribute")
    return target.child("value")


class _Scope(Protocol):
    def resolve(self, path: AttrPath) -> Target: ...


class _ResourceScope:
    def __init__(self, definition: ResourceDefinition, table: Table) -> None:
        self.definition = definition
        self.table = table

    def resolve(self, path: AttrPath) -> Target:
        return resolve(self.definition, self.table, path)


class _ElementScope:
    """Inside `attr[...]` names are sub-attributes of the same element (RFC 7644 3.4.2.2)."""

    def __init__(self, elements: Elements, element: ColumnElement[Any]) -> None:
        self.elements = elements
        self.element = element

    def resolve(self, path: AttrPath) -> Target:
        if path.uri is not None or path.sub_attr is not None:
            raise invalid_filter(
                f"'{path}' is not a sub-attribute of '{self.elements.attribute.name}'"
            )
        return element_scalar(self.element, self.elements.element_attribute(path.attr))


class _Builder(FilterVisitor[ColumnElement[bool]]):
    def __init__(self, scope: _Scope, table: Table) -> None:
        self.scope = scope
        self.table = table

    def visit_logical_expr(self, node: LogicalExpr) -> ColumnElement[bool]:
        terms = [self.visit(term) for term in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)

    def visit_not(self, node: Not) -> ColumnElement[bool]:
        return not_(self.visit(node.expr))

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        target = self.scope.resolve(node.attr_path)
        if isinstance(target, Scalar):
            return _scalar_present(target)
        if isinstance(target, Node):
            return target.present
        if target.sub is None:
            return target.source.has_leaf(self.table)
        return self._any(target, _scalar_present)

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        target = self.scope.resolve(node.attr_path)
        if isinstance(target, Node):
            raise invalid_filter(f"'{node.attr_path}' is complex; compare a sub-attribute")
        if isinstance(target, Elements):
            target = _valued(target)
        attribute = target.attribute if isinstance(target, Scalar) else target.sub
        assert attribute is not None
        value = operand(attribute, node.op, node.value)
        # ne is the exact complement of eq, also on multi-valued attributes: "no value equals".
        op = CompareOperator.eq if node.op == CompareOperator.ne else node.op
        clause = self._compare(target, op, value)
        return not_(clause) if node.op == CompareOperator.ne else clause

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        target = self.scope.resolve(node.attr_path)
        if not isinstance(target, Elements) or not target.attribute.is_complex:
            raise invalid_filter(f"'{node.attr_path}' is not a multi-valued complex attribute")
        each = target.source.each()
        inner = _Builder(_ElementScope(target, each.c.value), self.table).visit(node.val_filter)
        return select(literal(1)).select_from(each).where(inner).correlate(self.table).exists()

    def _compare(
        self, target: Scalar | Elements, op: CompareOperator, value: Any
    ) -> ColumnElement[bool]:
        if isinstance(target, Scalar):
            return _leaf(target.expr, op, value)
        if value is None:
            # Unassigned and empty arrays are the same state (RFC 7643 2.5).
            missing = self._any(target, lambda element: element.expr.is_(None))
            return or_(target.source.length() == 0, missing)
        return self._any(target, lambda element: _leaf(element.expr, op, value))

    def _any(
        self, target: Elements, test: Callable[[Scalar], ColumnElement[bool]]
    ) -> ColumnElement[bool]:
        """EXISTS an element of `target` whose sub-attribute passes `test`."""
        each = target.source.each()
        assert target.sub is not None
        condition = test(element_scalar(each.c.value, target.sub))
        return select(literal(1)).select_from(each).where(condition).correlate(self.table).exists()


def _scalar_present(target: Scalar) -> ColumnElement[bool]:
    """RFC 7644 3.4.2.2 `pr`: a non-null value, and a string must not be empty."""
    if target.attribute.type in STRING_TYPES:
        return and_(target.expr.is_not(None), target.expr != "")
    return target.expr.is_not(None)


def _leaf(expr: ColumnElement[Any], op: CompareOperator, value: Any) -> ColumnElement[bool]:
    """One comparison, strictly true or false even when `expr` is NULL."""
    if value is None:
        return expr.is_(None)
    predicate = _predicate(expr, op, value)
    if isinstance(expr, Column) and not expr.nullable:
        return predicate  # plain `column = ?`, which the column's index serves
    return and_(expr.is_not(None), predicate)


def _predicate(expr: ColumnElement[Any], op: CompareOperator, value: Any) -> ColumnElement[bool]:
    # instr/substr rather than LIKE, whose `%` and `_` would not match literally.
    if op == CompareOperator.co:
        return func.instr(expr, value) > 0
    if op == CompareOperator.sw:
        return _equals(func.substr(expr, 1, len(value)), value)
    if op == CompareOperator.ew:
        return _equals(func.substr(expr, -len(value)), value) if value else true()
    comparisons: dict[CompareOperator, Callable[[Any], ColumnElement[bool]]] = {
        CompareOperator.eq: expr.__eq__,
        CompareOperator.gt: expr.__gt__,
        CompareOperator.ge: expr.__ge__,
        CompareOperator.lt: expr.__lt__,
        CompareOperator.le: expr.__le__,
    }
    return comparisons[op](value)


def _equals(left: ColumnElement[Any], right: Any) -> ColumnElement[bool]:
    equal: ColumnElement[bool] = left == right  # typed Any by SQLAlchemy's stubs
    return equal
