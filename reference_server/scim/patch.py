"""SCIM PATCH (RFC 7644 3.5.2): apply a PatchOp request to a resource's canonical document.

This module moves values around and nothing more: it canonicalises the attribute names it
writes and drops unknown keys inside values, but leaves values un-coerced (Entra's `"False"`, a
bare-string `manager`); the caller re-validates the whole result with `normalize_resource`.
Where Okta and Entra depart from the RFC the departures are accepted on purpose (see the
comments, docs/idp/okta.md#group-push, docs/idp/entra.md#groups and docs/idp/entra.md#dialects).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..behaviour import current
from .attributes import Attribute, ResourceDefinition
from .errors import ScimError, ScimType, bad_request
from .folding import fold_value
from .patch_paths import (
    Target,
    entry_view,
    filter_seed,
    key_target,
    matches,
    resolve_path,
    shown,
)

PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
_OPS = ("add", "remove", "replace")


@dataclass(frozen=True, slots=True)
class _Operation:
    op: str
    path: str | None
    value: Any = None
    has_value: bool = False


def apply_patch(
    definition: ResourceDefinition,
    document: Mapping[str, Any],
    body: object,
    *,
    max_operations: int = 1000,
) -> dict[str, Any]:
    """The document after the PATCH `body`, or a 400 `ScimError`; the input is never mutated."""
    operations = _read_operations(body, max_operations)
    # RFC 7644 3.5.2: a PATCH "SHALL be treated as atomic": all operations run on a copy,
    # which is dropped when one of them fails.
    result = copy.deepcopy(dict(document))
    for index, operation in enumerate(operations):
        try:
            _apply(definition, result, operation)
        except ScimError as exc:
            raise ScimError(
                exc.status, f"Operations[{index}]: {exc.detail}", exc.scim_type
            ) from exc
    return result


def _syntax(detail: str) -> ScimError:
    return bad_request(detail, ScimType.INVALID_SYNTAX)


def _folded_keys(raw: Mapping[Any, Any]) -> dict[str, Any]:
    return {key.lower(): value for key, value in raw.items() if isinstance(key, str)}


def _read_operations(body: object, max_operations: int) -> list[_Operation]:
    if not isinstance(body, Mapping):
        raise _syntax("The PATCH body must be a JSON object")
    fields = _folded_keys(body)
    schemas = fields.get("schemas")
    urns = {s.lower() for s in schemas if isinstance(s, str)} if isinstance(schemas, list) else ()
    if PATCH_OP_SCHEMA.lower() not in urns:
        raise _syntax(f"The PATCH body must list {PATCH_OP_SCHEMA!r} in 'schemas' (RFC 7644 3.5.2)")
    raw = fields.get("operations")
    if not isinstance(raw, list) or not raw:
        raise _syntax("The PATCH body must carry 'Operations', a non-empty list (RFC 7644 3.5.2)")
    if len(raw) > max_operations:
        raise _syntax(
            f"The PATCH body carries {len(raw)} operations; the limit is {max_operations}"
        )
    return [_read_operation(index, item) for index, item in enumerate(raw)]


def _read_operation(index: int, raw: object) -> _Operation:
    where = f"Operations[{index}]"
    if not isinstance(raw, Mapping):
        raise _syntax(f"{where} must be a JSON object")
    fields = _folded_keys(raw)
    op = fields.get("op")
    # Entra writes "Add", "Replace", "Remove" and asks servers to match them case-insensitively.
    if not isinstance(op, str) or op.lower() not in _OPS:
        raise _syntax(f"{where}.op must be one of 'add', 'remove', 'replace'")
    path = fields.get("path")
    if path is not None and not isinstance(path, str):
        raise bad_request(f"{where}.path must be a string", ScimType.INVALID_PATH)
    has_value = "value" in fields
    if op.lower() != "remove" and not has_value:  # RFC 7644 3.5.2.1, 3.5.2.3: MUST
        raise _syntax(f"{where} ({op.lower()}) must carry a 'value'")
    path = path if path and path.strip() else None
    # A path-less remove keeps RFC 7644 3.5.2.2's noTarget, which the profile's invalidSyntax
    # (6.5.1.1) contradicts; both refuse it with 400.
    if path is None and op.lower() != "remove" and current().requires_patch_path():
        raise _syntax(f"{where} has no 'path' (draft-zollner-scim-interop-profile-01 6.5.1.1)")
    return _Operation(op.lower(), path, fields.get("value"), has_value)


def _apply(definition: ResourceDefinition, document: dict[str, Any], operation: _Operation) -> None:
    if operation.path is None:
        if operation.op == "remove":  # RFC 7644 3.5.2.2
            raise bad_request("'remove' needs a 'path'", ScimType.NO_TARGET)
        _apply_object(definition, document, None, operation.op, operation.value)
        return
    target = resolve_path(definition, operation.path)
    if target.ignored:
        return
    protected = target.protected
    if protected is not None:  # RFC 7644 3.5.2: the client MUST NOT modify it
        detail = f"Path {shown(operation.path)} is {protected.mutability} ({protected.name})"
        raise bad_request(detail, ScimType.MUTABILITY)
    if target.attribute is None:
        _apply_container(definition, document, target, operation)
    else:
        _apply_target(document, target, operation)


def _apply_container(
    definition: ResourceDefinition, document: dict[str, Any], target: Target, operation: _Operation
) -> None:
    """A path that is a schema URN: the resource itself, or a whole extension object."""
    if target.container is None and operation.op == "remove":
        raise bad_request("The resource itself cannot be removed", ScimType.NO_TARGET)
    if target.container is not None and (operation.op == "remove" or operation.value is None):
        document.pop(target.container, None)
        return
    _apply_object(definition, document, target.container, operation.op, operation.value)


def _apply_object(
    definition: ResourceDefinition,
    document: dict[str, Any],
    container: str | None,
    op: str,
    value: Any,
) -> None:
    """An add or replace whose value holds attributes (RFC 7644 3.5.2.1, 3.5.2.3: no path).

    Each key is applied as if it were the path: plain names, dotted `name.givenName` and
    `<URN>:<attr>` keys (Entra 2020), or an extension URN holding that extension's attributes.
    """
    if not isinstance(value, Mapping):
        raise _syntax(f"'{op}' without a path (or with a schema URN path) needs an object value")
    for key, item in value.items():
        name = key if container is None else f"{container}:{key}"
        target = key_target(definition, name) if isinstance(key, str) else None
        if target is None:
            continue
        if target.attribute is not None:
            _apply_target(document, target, _Operation(op, name, item, True))
        elif container is None and isinstance(item, Mapping):  # {"<schema URN>": {...}}
            _apply_object(definition, document, target.container, op, item)


def _apply_target(document: dict[str, Any], target: Target, operation: _Operation) -> None:
    attribute = target.attribute
    assert attribute is not None
    holder = _holder(document, target.container)
    if attribute.multi_valued:
        entries = _entries(holder.get(attribute.name))
        _put(holder, attribute.name, _apply_entries(attribute, target, operation, entries))
    elif target.sub is not None:
        _set_sub(holder, attribute, target.sub, _value_or_none(operation))
    else:
        _set_single(holder, attribute, _value_or_none(operation), operation.op)
    if target.container is not None and not holder:
        document.pop(target.container, None)  # no empty extension object is left behind


def _value_or_none(operation: _Operation) -> Any:
    return None if operation.op == "remove" else operation.value


def _holder(document: dict[str, Any], container: str | None) -> dict[str, Any]:
    if container is None:
        return document
    current = document.get(container)
    holder = current if isinstance(current, dict) else {}
    document[container] = holder
    return holder


def _set_single(holder: dict[str, Any], attribute: Attribute, value: Any, op: str) -> None:
    if isinstance(value, list) and len(value) <= 1:
        # MS-SCIM doc Example 5 sends `manager` as a one-element list.
        value = value[0] if value else None
    if value is None:  # null is "unassigned" (RFC 7643 2.5); remove drops the attribute
        holder.pop(attribute.name, None)
    elif attribute.is_complex and isinstance(value, Mapping):
        # RFC 7644 3.5.2.1, 3.5.2.3: sub-attributes given replace theirs, the others remain;
        # the interop profile (6.5.2.1) has a `replace` drop the others.
        before = holder.get(attribute.name)
        whole = op == "replace" and current().replace_drops_omitted_sub_attributes()
        kept = before if isinstance(before, dict) and not whole else {}
        _put(holder, attribute.name, _merge(attribute, kept, value))
    else:
        holder[attribute.name] = value  # un-coerced: the normalizer judges it


def _set_sub(holder: dict[str, Any], attribute: Attribute, sub: Attribute, value: Any) -> None:
    current = holder.get(attribute.name)
    merged = _merge(attribute, current if isinstance(current, dict) else {}, {sub.name: value})
    _put(holder, attribute.name, merged)


def _merge(
    attribute: Attribute, current: dict[str, Any], value: Mapping[str, Any]
) -> dict[str, Any]:
    """`current` with the sub-attributes of `value` set, or removed where they are null."""
    merged = dict(current)
    for key, item in value.items():
        sub = attribute.sub(key) if isinstance(key, str) else None
        if sub is None or sub.read_only:  # unknown or server-owned (manager.displayName)
            continue
        if item is None:
            merged.pop(sub.name, None)
        else:
            merged[sub.name] = item
    return merged


def _put(holder: dict[str, Any], name: str, value: dict[str, Any] | list[Any]) -> None:
    if value:
        holder[name] = value
    else:
        holder.pop(name, None)


def _entries(current: Any) -> list[Any]:
    if current is None:
        return []
    return list(current) if isinstance(current, list) else [current]


def _canonical(attribute: Attribute, value: Any) -> Any:
    """An entry with canonical sub-attribute names; unknown, readOnly and null ones dropped."""
    if not attribute.is_complex or not isinstance(value, Mapping):
        return value
    return _merge(attribute, {}, value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _apply_entries(
    attribute: Attribute, target: Target, operation: _Operation, entries: list[Any]
) -> list[Any]:
    """The entries of a multi-valued attribute after the operation."""
    if target.value_filter is not None or target.sub is not None:
        return _apply_selected(attribute, target, operation, entries)
    if operation.op == "remove":
        # Entra's legacy member removal names the members in `value`; reading it as RFC 7644
        # 3.5.2.2's "remove all values" would wipe the group (docs/idp/entra.md#groups).
        if operation.has_value and operation.value is not None:
            return _without(attribute, entries, _as_list(operation.value))
        return []
    given = [_canonical(attribute, item) for item in _as_list(operation.value)]
    kept = entries if operation.op == "add" else []
    added = _new_entries(attribute, kept, given)
    return _one_primary(kept + added, added)


def _reference(attribute: Attribute) -> Attribute | None:
    """The sub-attribute that alone identifies an entry, if any.

    A group member is the resource it points to (its immutable `value`, RFC 7643 4.2): the same
    `value` with another `display` or `$ref` is the same member.
    """
    value_sub = attribute.sub("value")
    return value_sub if value_sub is not None and value_sub.mutability == "immutable" else None


def _identity(attribute: Attribute, entry: Any) -> Any:
    """What makes two entries the same; RFC 7644 3.5.2.1 adds no duplicates."""
    view = entry_view(entry)
    reference = _reference(attribute)
    if reference is not None:
        return fold_value(reference, view.get(reference.name))
    return fold_value(attribute, dict(view))


def _new_entries(attribute: Attribute, existing: list[Any], given: list[Any]) -> list[Any]:
    seen = [_identity(attribute, entry) for entry in existing]
    added: list[Any] = []
    for entry in given:
        identity = _identity(attribute, entry)
        if entry not in (None, {}) and identity not in seen:
            seen.append(identity)
            added.append(entry)
    return added


def _without(attribute: Attribute, entries: list[Any], listed: list[Any]) -> list[Any]:
    doomed = [_canonical(attribute, item) for item in listed]
    doomed = [entry_view(item) for item in doomed if item not in (None, {})]
    return [entry for entry in entries if not any(_is_listed(attribute, d, entry) for d in doomed)]


def _is_listed(attribute: Attribute, listed: Mapping[str, Any], entry: Any) -> bool:
    """Whether a remove lists `entry`: same reference, or all the listed sub-attributes equal."""
    reference = _reference(attribute)
    if reference is not None:
        same = _identity(attribute, listed) == _identity(attribute, entry)
        return reference.name in listed and bool(same)
    view = entry_view(entry)
    return all(
        fold_value(attribute.sub(key), item) == fold_value(attribute.sub(key), view.get(key))
        for key, item in listed.items()
    )


def _apply_selected(
    attribute: Attribute, target: Target, operation: _Operation, entries: list[Any]
) -> list[Any]:
    """Entries chosen by a value filter (all of them for `emails.value`), or their sub-attribute."""
    node = target.value_filter
    chosen = [node is None or matches(attribute, node, entry) for entry in entries]
    if operation.op == "remove":  # no match is a no-op: RFC 7644 mandates noTarget for replace
        kept = [
            _update(attribute, target.sub, e, None) if c else e
            for e, c in zip(entries, chosen, strict=True)
        ]
        return [entry for entry in kept if entry is not None]
    if not any(chosen):
        if operation.op == "replace" and not current().replace_creates_unmatched():
            raise bad_request("The value filter matches no value", ScimType.NO_TARGET)
        created = _created(attribute, target, operation)
        return _one_primary([*entries, created], [created]) if created is not None else entries
    updated = [
        _update(attribute, target.sub, e, operation.value) if c else e
        for e, c in zip(entries, chosen, strict=True)
    ]
    touched = [entry for entry, c in zip(updated, chosen, strict=True) if c]
    return _one_primary([entry for entry in updated if entry is not None], touched)


def _update(attribute: Attribute, sub: Attribute | None, entry: Any, value: Any) -> Any:
    """A chosen entry after add/replace of `value` (None: remove); None drops the entry."""
    if sub is not None:
        updated = _merge(attribute, dict(entry_view(entry)), {sub.name: value})
        return updated or None
    if value is None:
        return None
    if attribute.is_complex and isinstance(value, Mapping):
        # The entry is a complex value: RFC 7644 3.5.2.3 replaces only the sub-attributes given.
        return _merge(attribute, dict(entry_view(entry)), value) or None
    return value


def _created(attribute: Attribute, target: Target, operation: _Operation) -> dict[str, Any] | None:
    """The entry an add/replace creates when its filter matched nothing (Entra's expectation)."""
    value = operation.value
    if value is None:
        return None  # nothing to set, nothing to remove: already the requested state
    seed = filter_seed(attribute, target.value_filter)
    if seed is not None and (target.sub is not None or isinstance(value, Mapping)):
        given = {target.sub.name: value} if target.sub is not None else value
        return _merge(attribute, _canonical(attribute, seed), given)
    # RFC 7644 3.5.2.3: a value filter matching no record is a 400 noTarget.
    raise bad_request("The value filter matches no value", ScimType.NO_TARGET)


def _is_primary(entry: Any) -> bool:
    primary = entry.get("primary") if isinstance(entry, dict) else None
    return primary is True or (isinstance(primary, str) and primary.lower() == "true")


def _one_primary(entries: list[Any], touched: list[Any]) -> list[Any]:
    """RFC 7643 2.4: one primary at most; an entry this operation made primary wins."""
    chosen = next((entry for entry in reversed(touched) if _is_primary(entry)), None)
    if chosen is None:
        return entries
    return [
        {**entry, "primary": False} if entry is not chosen and _is_primary(entry) else entry
        for entry in entries
    ]
