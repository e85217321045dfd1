"""Filter operands (RFC 7644 3.4.2.2) in the form storage compares them in, for `filters.py`.

An operand is converted to its attribute's type the way scim2-models' `coerce_value` does
(pydantic, lax mode), so both agree on what a filter means: `active eq "true"` and `active eq 1`
are `active eq true`, `userName eq 3` is refused. Strings then take their comparison form
(`scim/folding.py`) and dateTimes the stored text form, so SQLite compares them as stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from scim2_models.path import ORDERING_OPERATORS, STRING_OPERATORS, CompareOperator

from reference_server.scim.attributes import Attribute
from reference_server.scim.folding import comparison_key

from .filter_targets import invalid_filter

STRING_TYPES = frozenset({"string", "reference", "binary"})
_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "string": TypeAdapter(str),
    "reference": TypeAdapter(str),
    "binary": TypeAdapter(str),
    "boolean": TypeAdapter(bool),
    "integer": TypeAdapter(int),
    "decimal": TypeAdapter(float),
    "dateTime": TypeAdapter(datetime),
}


def operand(attribute: Attribute, op: CompareOperator, raw: Any) -> Any:
    """The operand in the stored comparison form, or invalidFilter when it cannot be one."""
    # RFC 7644 3.4.2.2 refuses gt/ge/lt/le on boolean and binary; scim2-models co/sw/ew too.
    if attribute.type in ("boolean", "binary") and op in ORDERING_OPERATORS | STRING_OPERATORS:
        raise invalid_filter(f"'{op.value}' does not apply to {attribute.type} '{attribute.name}'")
    if raw is None:
        # `eq null` is "unassigned" (RFC 7643 2.5); nothing orders against null.
        if op != CompareOperator.eq and op != CompareOperator.ne:
            raise invalid_filter(f"'{op.value}' cannot compare with null")
        return None
    if op in STRING_OPERATORS:
        # scim2-models lets these through and never matches; a substring of a dateTime or of a
        # number has no meaning, so the filter is refused as one with a value of the wrong type.
        if attribute.type not in STRING_TYPES or not isinstance(raw, str):
            raise invalid_filter(f"'{op.value}' needs a string attribute and a string operand")
        return comparison_key(attribute, raw)
    adapter = _ADAPTERS.get(attribute.type)
    if adapter is None:
        raise invalid_filter(f"'{attribute.name}' is {attribute.type}; compare a sub-attribute")
    try:
        value = adapter.validate_python(raw)
    except ValidationError as exc:
        raise invalid_filter(
            f"{raw!r} is not a valid {attribute.type} for '{attribute.name}'"
        ) from exc
    if isinstance(value, str):
        return comparison_key(attribute, value)
    if isinstance(value, datetime):
        return stored_datetime(value)
    return value


def stored_datetime(value: datetime) -> str:
    """The stored text form of `meta.created`/`meta.lastModified`, which orders like time.

    A value without an offset is taken as UTC (xsd:dateTime allows one, RFC 7643 2.3.5).
    """
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
