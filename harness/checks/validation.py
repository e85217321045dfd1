"""Validation of what a SCIM server returns, against the JSON Schemas in `schemas/`.

`validate` is the JSON Schema tier of the checks: it
canonicalises attribute names (see `canonical.py`), drops null members (RFC 7643 2.5: null
is the same as unassigned), validates with the named schema, and, given the target's own
`/Schemas` documents, also holds each attribute they declare to its declared type, plurality,
`required` and `returned: "never"` (RFC 7643 2.2, 7). Every problem is one sentence at a JSON
Pointer into the canonical document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.protocols import Validator

from harness.checks.canonical import (
    URNS,
    canonicalise_as,
    escape,
    is_base64,
    is_datetime,
    is_uri,
    is_uri_reference,
    listed_schemas,
    lookup,
    registry,
    schema_uri,
)

SCHEMA_NAMES = (
    "User",
    "EnterpriseUser",
    "Group",
    "ListResponse",
    "PatchOp",
    "Error",
    "ServiceProviderConfig",
    "ResourceType",
    "Schema",
)


@dataclass(frozen=True, slots=True, order=True)
class SchemaProblem:
    """One way a document breaks a schema: where (a JSON Pointer) and what, in one sentence."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '(document)'}: {self.message}"


def _format_checker() -> FormatChecker:
    # jsonschema checks date-time and uri only with optional extras; these need none.
    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_datetime)
    checker.checks("uri")(is_uri)
    checker.checks("uri-reference")(is_uri_reference)
    return checker


@cache
def load_validator(name: str) -> Validator:
    """The validator of the named schema; an unknown name is a KeyError listing valid names."""
    if name not in SCHEMA_NAMES:
        raise KeyError(f"unknown schema {name!r}; choose one of: {', '.join(SCHEMA_NAMES)}")
    schema = registry().contents(schema_uri(name))
    return Draft202012Validator(schema, registry=registry(), format_checker=_format_checker())


def describe(value: Any) -> str:
    """A JSON value as a message names it: `the string "true"`, `the number 3`, `an object`."""
    if isinstance(value, bool) or value is None:
        return "null" if value is None else f"the boolean {json.dumps(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the string {json.dumps(shown)}"
    if isinstance(value, int | float):
        return f"the number {json.dumps(value)}"
    return "an array" if isinstance(value, list) else "an object"


_JSON_TYPES = {
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "array": "an array",
}
_FORMATS = {
    "date-time": 'a dateTime such as "2010-01-23T04:56:22Z"',
    "uri": "an absolute URI",
    "uri-reference": "a URI reference",
}


def _messages(error: ValidationError) -> Iterator[SchemaProblem]:
    """Plain sentences for the keywords the schemas use; jsonschema's own text otherwise."""
    at = "".join(f"/{escape(str(part))}" for part in error.absolute_path)
    kind, rule, value = error.validator, error.validator_value, error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if kind == "required" and isinstance(rule, list) and isinstance(value, Mapping):
        for name in (n for n in rule if n not in value):
            yield SchemaProblem(
                f"{at}/{escape(name)}", f'the required attribute "{name}" is missing'
            )
    elif kind == "not" and isinstance(rule, Mapping) and "required" in rule:
        for name in rule["required"]:
            yield SchemaProblem(f"{at}/{escape(name)}", str(rule.get("description")))
    elif kind == "not" and isinstance(rule, Mapping) and "description" in rule:
        yield SchemaProblem(at, str(rule["description"]))
    elif kind == "pattern" and "description" in schema:
        yield SchemaProblem(at, f"expected {schema['description']}, got {describe(value)}")
    elif kind == "type":
        yield SchemaProblem(
            at, f"expected {_JSON_TYPES.get(str(rule), rule)}, got {describe(value)}"
        )
    else:
        yield SchemaProblem(at, _sentence(str(kind), rule, value) or error.message)


def _sentence(kind: str, rule: Any, value: Any) -> str | None:
    got = describe(value)
    sentences = {
        "minLength": f"expected a non-empty string, got {got}",
        "minItems": "expected a non-empty array, got an empty array",
        "minimum": f"expected at least {rule}, got {got}",
        "contains": f"expected the array to contain {json.dumps(rule.get('const'))}"
        if isinstance(rule, Mapping)
        else None,
        "enum": f"expected one of {', '.join(json.dumps(v) for v in rule)}, got {got}"
        if isinstance(rule, list)
        else None,
        "pattern": f"expected a value matching {rule}, got {got}",
        "format": f"expected {_FORMATS.get(str(rule), rule)}, got {got}",
    }
    return sentences.get(kind)


def _without_nulls(value: Any) -> Any:
    """Drop null members: RFC 7643 2.5 makes null the same as unassigned."""
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def canonicalise(
    document: Any, target_schemas: Sequence[Mapping[str, Any]] | None = None
) -> tuple[Any, list[str]]:
    """A copy of `document` with attribute names in their canonical spelling.

    Returns it with the JSON Pointers (as originally spelled) of every name that was not
    canonical, for the separate SHOULD check. Unknown names are kept as they are.
    """
    return canonicalise_as(document, (), target_schemas)


def validate(
    name: str, document: Any, target_schemas: Sequence[Mapping[str, Any]] | None = None
) -> list[SchemaProblem]:
    """Every problem of `document` against the named schema (and the target's own schemas)."""
    validator = load_validator(name)
    canonical, _ = canonicalise_as(document, (URNS[name],), target_schemas)
    canonical = _without_nulls(canonical)
    problems = {p for error in validator.iter_errors(canonical) for p in _messages(error)}
    if target_schemas and isinstance(canonical, Mapping):
        problems.update(declared_attribute_problems(canonical, target_schemas))
    return sorted(problems)


# Declared type (RFC 7643 2.3) -> what a message calls it, and the test of a single value.
_DECLARED: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "string": ("a string", lambda v: isinstance(v, str)),
    "boolean": ("a boolean", lambda v: isinstance(v, bool)),
    "decimal": (
        "a decimal number",
        lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    ),
    "integer": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "datetime": ('a dateTime such as "2010-01-23T04:56:22Z"', is_datetime),
    "reference": ("a reference (a URI string)", is_uri_reference),
    "binary": ("a base64-encoded string", is_base64),
    "complex": ("a complex value (a JSON object)", lambda v: isinstance(v, Mapping)),
}


def _characteristic(attribute: Mapping[str, Any], name: str, default: Any) -> Any:
    key = lookup(attribute, name)
    return default if key is None else attribute[key]


def _check_single(value: Any, attribute: Mapping[str, Any], pointer: str) -> list[SchemaProblem]:
    kind = str(_characteristic(attribute, "type", "string")).lower()  # RFC 7643 2.2 default
    if kind not in _DECLARED:
        return []  # an undefined type: nothing to hold the value to
    expected, test = _DECLARED[kind]
    if not test(value):
        return [SchemaProblem(pointer, f"expected {expected}, got {describe(value)}")]
    subs = _characteristic(attribute, "subAttributes", [])
    return _check_attributes(value, subs, pointer) if kind == "complex" else []


def _check_value(value: Any, attribute: Mapping[str, Any], pointer: str) -> list[SchemaProblem]:
    if _characteristic(attribute, "multiValued", False) is not True:
        if isinstance(value, list):
            return [
                SchemaProblem(pointer, "expected a single value (not multi-valued), got an array")
            ]
        return _check_single(value, attribute, pointer)
    if not isinstance(value, list):
        return [SchemaProblem(pointer, f"expected an array (multi-valued), got {describe(value)}")]
    return [p for i, v in enumerate(value) for p in _check_single(v, attribute, f"{pointer}/{i}")]


def _check_attribute(
    holder: Mapping[str, Any], attribute: Mapping[str, Any], at: str
) -> list[SchemaProblem]:
    name = str(_characteristic(attribute, "name", ""))
    key = lookup(holder, name)
    pointer = f"{at}/{escape(key or name)}"
    returned = str(_characteristic(attribute, "returned", "default")).lower()
    if key is None or holder[key] is None:
        # Only attributes a full representation returns can be missing from it (RFC 7643 2.2).
        missing = _characteristic(attribute, "required", False) is True
        if missing and returned not in ("never", "request"):
            return [SchemaProblem(pointer, f'the required attribute "{name}" is missing')]
        return []
    if returned == "never":
        return [SchemaProblem(pointer, f'"{name}" is declared returned "never" (RFC 7643 7)')]
    return _check_value(holder[key], attribute, pointer)


def _check_attributes(holder: Mapping[str, Any], attributes: Any, at: str) -> list[SchemaProblem]:
    declared = (
        [a for a in attributes if isinstance(a, Mapping)] if isinstance(attributes, list) else []
    )
    return [p for a in declared if lookup(a, "name") for p in _check_attribute(holder, a, at)]


def declared_attribute_problems(
    document: Mapping[str, Any], target_schemas: Sequence[Mapping[str, Any]]
) -> list[SchemaProblem]:
    """Check what the target's own schemas declare, for each schema the document lists.

    An extension's attributes are checked under its URN key, a core schema's at the top
    (RFC 7643 3.3): a listed URN without a key of its own is taken as core.
    """
    listed = {urn.lower() for urn in listed_schemas(document)}
    problems: list[SchemaProblem] = []
    for schema in target_schemas:
        urn = schema.get(lookup(schema, "id") or "id")
        if not isinstance(urn, str) or urn.lower() not in listed:
            continue
        attributes = schema.get(lookup(schema, "attributes") or "attributes")
        key = lookup(document, urn)
        if key is None:
            problems += _check_attributes(document, attributes, "")
        elif isinstance(document[key], Mapping):
            problems += _check_attributes(document[key], attributes, f"/{escape(key)}")
        else:  # worded as the JSON Schema type check words it, so the two coincide
            got = describe(document[key])
            problems.append(SchemaProblem(f"/{escape(key)}", f"expected an object, got {got}"))
    return sorted(problems)
