"""Turn a client's resource body (POST, PUT, or the result of a PATCH) into the canonical document.

The canonical document is what storage keeps and the renderer serves: attribute names in the
schema's spelling, extension attributes under their schema URN, values of the declared type,
and nothing the client may not set. IdPs are lenient writers (Entra's string booleans, OneLogin's
SCIM 1.0 templates, Okta's round-tripped GET documents), so the rules tolerate what RFC 7644
tells a server to ignore and refuse only values it cannot store.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..behaviour import current
from ..limits import MAX_STRING_LENGTH
from .attributes import Attribute, ResourceDefinition, Schema
from .errors import ScimType, bad_request

_Lookup = Callable[[str], Attribute | None]
SCIM_1_CORE = "urn:scim:schemas:core:1.0"


def normalize_resource(
    definition: ResourceDefinition, body: object, *, require_schemas: bool = True
) -> dict[str, Any]:
    """The canonical document of `body`, or a 400 `ScimError` (the input is never mutated).

    `require_schemas=False` is for documents the server built itself (a PATCH result): there
    `schemas` is not checked. `schemas` never appears in the output; the renderer writes it.
    """
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object", ScimType.INVALID_SYNTAX)
    # A lone value for a multi-valued attribute is read as a list of one only where an IdP
    # sends it: OneLogin's SCIM 1.0 templates (`emails` as an object), and the server's own
    # PATCH results. A SCIM 2.0 body gives multi-valued attributes as arrays (RFC 7643 2.4).
    lone = _check_schemas(definition, body) if require_schemas else True
    document: dict[str, Any] = {}
    extensions: dict[str, dict[str, Any]] = {}
    for key, value in body.items():
        _place(definition, key, value, document, extensions, lone)
    document.update((urn, values) for urn, values in extensions.items() if values)
    _check_required(definition, document)
    return document


def _check_schemas(definition: ResourceDefinition, body: Mapping[str, Any]) -> bool:
    """Refuse a `schemas` that is no list of URNs or lacks the resource's core schema (RFC 7643
    3); True for a SCIM 1.0 document, which OneLogin's templates are (urn:scim:schemas:core:1.0).
    Unknown extra URNs are tolerated: Entra's documented create carries a malformed one."""
    value = next((item for key, item in body.items() if key.lower() == "schemas"), None)
    if not (isinstance(value, list) and value and all(isinstance(urn, str) for urn in value)):
        raise bad_request(
            "Attribute 'schemas' must be a non-empty list of schema URNs", ScimType.INVALID_SYNTAX
        )
    urns = {urn.lower() for urn in value}
    if any(urn.startswith(SCIM_1_CORE) for urn in urns):
        return True
    if definition.core.id.lower() not in urns:
        raise bad_request(
            f"Attribute 'schemas' must include {definition.core.id}", ScimType.INVALID_SYNTAX
        )
    for urn in value:
        if definition.schema_for_urn(urn) is None:
            _unknown(f"schema {urn!r}")
    return False


def _unknown(what: str) -> None:
    """Tolerated by default; a 400 where the server serves the interop profile's strict model
    (draft-zollner-scim-interop-profile-01 5.3)."""
    if current().refuses_unknown_attributes():
        raise bad_request(f"Unknown {what}: not defined in /Schemas", ScimType.INVALID_SYNTAX)


def _place(
    definition: ResourceDefinition,
    key: str,
    value: Any,
    document: dict[str, Any],
    extensions: dict[str, dict[str, Any]],
    lone: bool,
) -> None:
    """Put one top-level member of the body where its schema says it belongs."""
    if key.lower() == "schemas":
        return
    schema = definition.schema_for_urn(key)
    if schema is not None:  # {"<schema URN>": {...}}: the attributes of that schema
        if value is None:  # null is "unassigned" (RFC 7643 2.5), here as anywhere
            return
        if not isinstance(value, dict):
            raise bad_request(f"'{schema.id}' must hold a JSON object", ScimType.INVALID_SYNTAX)
        target, lookup, prefix = _target(definition, schema, document, extensions)
        for name, item in value.items():
            _put(target, _known(lookup(name), prefix + name), item, prefix, lone)
        return
    urn, _, name = key.rpartition(":")  # "<schema URN>:<attr>" (RFC 7644 3.10 full path)
    schema = definition.schema_for_urn(urn) if urn else None
    if schema is None:
        _put(document, _known(definition.top_level(key), key), value, "", lone)
        return
    target, lookup, prefix = _target(definition, schema, document, extensions)
    _put(target, _known(lookup(name), key), value, prefix, lone)


def _known(attribute: Attribute | None, name: str) -> Attribute | None:
    if attribute is None:
        _unknown(f"attribute {name!r}")
    return attribute


def _target(
    definition: ResourceDefinition,
    schema: Schema,
    document: dict[str, Any],
    extensions: dict[str, dict[str, Any]],
) -> tuple[dict[str, Any], _Lookup, str]:
    """Where a schema's attributes go, how their names resolve, and how errors name them."""
    if schema.id == definition.core.id:
        # Core attributes live at the top level; common ones (externalId) resolve there too.
        return document, definition.top_level, ""
    return extensions.setdefault(schema.id, {}), schema.get, f"{schema.id}:"


def _put(
    target: dict[str, Any], attribute: Attribute | None, value: Any, prefix: str, lone: bool
) -> None:
    # Unknown attributes are ignored (Entra's suite PUTs a misspelled one and expects 200);
    # readOnly ones "SHALL be ignored" (RFC 7644 3.3, 3.5.1); writeOnly `password` is
    # accepted and discarded because the app signs in through SAML only.
    if attribute is None or not _writable(attribute):
        return
    normalized = _value(attribute, value, prefix + attribute.name, lone)
    if normalized is None:
        target.pop(attribute.name, None)  # null is "unassigned" (RFC 7643 2.5); last key wins
    else:
        target[attribute.name] = normalized


def _writable(attribute: Attribute) -> bool:
    return attribute.mutability not in ("readOnly", "writeOnly")


def _value(attribute: Attribute, value: Any, path: str, lone: bool = False) -> Any:
    """The normalized value, or None when it amounts to "unassigned"; `lone`: a single value
    of a multi-valued attribute is one value (OneLogin templates send `emails` as an object)."""
    if not attribute.multi_valued:
        return _single(attribute, value, path)
    if not (lone or isinstance(value, list) or value is None or value == {}):
        raise bad_request(
            f"Attribute '{path}' is multi-valued: give its values as an array",
            ScimType.INVALID_VALUE,
        )
    items = value if isinstance(value, list) else [value]
    kept = [v for v in (_single(attribute, item, path) for item in items) if v is not None]
    return _one_primary(kept) if kept else None


def _single(attribute: Attribute, value: Any, path: str) -> Any:
    if value is None:
        return None
    if attribute.is_complex:
        return _complex(attribute, value, path)
    return _scalar(attribute, value, path)


def _complex(attribute: Attribute, value: Any, path: str) -> dict[str, Any] | None:
    if isinstance(value, str) and attribute.sub("value") is not None:
        # Entra sends `manager` as a bare id; "" is how it clears one.
        return _complex(attribute, {"value": value}, path) if value else None
    if not isinstance(value, dict):
        raise bad_request(f"Attribute '{path}' must be a JSON object", ScimType.INVALID_VALUE)
    normalized: dict[str, Any] = {}
    for key, item in value.items():
        sub = attribute.sub(key)
        if sub is not None and _writable(sub):  # e.g. manager.displayName is readOnly
            result = _value(sub, item, f"{path}.{sub.name}")
            if result is not None:
                normalized[sub.name] = result
    return normalized or None


def _one_primary(items: list[Any]) -> list[Any]:
    """RFC 7643 2.4: `primary` is true at most once; the first one stays primary."""
    seen = False
    result: list[Any] = []
    for item in items:
        if isinstance(item, dict) and item.get("primary") is True:
            item = {**item, "primary": False} if seen else item
            seen = True
        result.append(item)
    return result


def _string(value: object) -> object | None:
    return value if isinstance(value, str) else None


def _boolean(value: object) -> object | None:
    if isinstance(value, bool):
        return value
    # Entra's default `active` mapping produces the strings "True"/"False".
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _integer(value: object) -> object | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _decimal(value: object) -> object | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date_time(value: object) -> object | None:
    # RFC 7643 2.3.5: xsd:dateTime; the original string is kept, only its syntax is checked.
    if not isinstance(value, str):
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return None
    return value


_SCALARS: dict[str, Callable[[object], object | None]] = {
    "string": _string,
    "reference": _string,
    "binary": _string,
    "boolean": _boolean,
    "integer": _integer,
    "decimal": _decimal,
    "dateTime": _date_time,
}


def _scalar(attribute: Attribute, value: Any, path: str) -> Any:
    """A value of the attribute's data type (RFC 7643 2.3), or a 400 invalidValue."""
    check = _SCALARS.get(attribute.type)
    normalized = check(value) if check is not None else value
    if normalized is None:
        raise bad_request(
            f"Attribute '{path}' must be of type {attribute.type}", ScimType.INVALID_VALUE
        )
    if isinstance(normalized, str):
        _check_string(attribute, normalized, path)
    return normalized


def _check_string(attribute: Attribute, value: str, path: str) -> None:
    """Bounded length; no NUL anywhere; no control characters in identifiers (RFC 7644 7.8,
    PRECIS IdentifierClass). The value itself is never echoed back."""
    if len(value) > MAX_STRING_LENGTH:
        raise bad_request(
            f"Attribute '{path}' is longer than {MAX_STRING_LENGTH} characters",
            ScimType.INVALID_VALUE,
        )
    identifier = attribute.uniqueness != "none" or attribute.name == "externalId"
    if "\x00" in value or (
        identifier and any(unicodedata.category(char) == "Cc" for char in value)
    ):
        raise bad_request(
            f"Attribute '{path}' must not contain control characters", ScimType.INVALID_VALUE
        )


def _check_required(definition: ResourceDefinition, document: Mapping[str, Any]) -> None:
    # RFC 7643 2.2 `required`; a blank string is no value for an identifier like userName.
    for attribute in definition.core.attributes.values():
        if not attribute.required or not _writable(attribute):
            continue
        value = document.get(attribute.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise bad_request(f"Attribute '{attribute.name}' is required", ScimType.INVALID_VALUE)
