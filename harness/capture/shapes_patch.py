"""What a PatchOp document says of its shape, and which verb it is.

The shapes are the ones IdPs are known to differ on (docs/idp/entra.md#dialects,
docs/idp/okta.md#deactivation): the op's case (`Replace` or `replace`), the form of each `path`
(none, a plain attribute, a valuePath filter, a full URN), the JSON type of each value (`false`
or the string `"False"`), what a path-less op carries, and how members are written and batched.
Values themselves (names, ids) are not shapes and are never compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

BOOLEAN_STRINGS = ("true", "false")


def operations(document: Any) -> list[dict[str, Any]]:
    """The document's operations (its `Operations` in any case), objects only."""
    if not isinstance(document, dict):
        return []
    found = next((v for k, v in document.items() if k.lower() == "operations"), None)
    return [op for op in found if isinstance(op, dict)] if isinstance(found, list) else []


def _field(operation: Mapping[str, Any], name: str) -> Any:
    return next((v for k, v in operation.items() if k.lower() == name), None)


def op_name(operation: Mapping[str, Any]) -> str:
    return str(_field(operation, "op") or "")


def op_path(operation: Mapping[str, Any]) -> str | None:
    path = _field(operation, "path")
    return str(path) if path is not None else None


def case_of(name: str) -> str:
    if name.islower():
        return "lowercase"
    if name[:1].isupper() and name[1:].islower():
        return "capitalised"
    return f"other ({name})"


def path_form(path: str | None) -> str:
    if path is None:
        return "none"
    if path.lower().startswith("urn:"):
        return "urn"
    return "valuePath" if "[" in path else "attribute"


def value_type(value: Any) -> str:
    """The JSON type, with a boolean written as a string told apart from a plain string."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "boolean string" if value.lower() in BOOLEAN_STRINGS else "string"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def attribute(path: str) -> str:
    """The attribute a path or a path-less value's key names, lower-cased: `name` for
    `name.familyName`, `emails` for `emails[type eq "work"].value`, `manager` for the enterprise
    extension's full URN."""
    if path.lower().startswith("urn:"):
        path = path.rsplit(":", 1)[-1]
    return path.split("[")[0].split(".")[0].lower()


def targets(operation: Mapping[str, Any]) -> list[str]:
    """The attributes an operation touches: its path's, or a path-less value's keys'."""
    path = op_path(operation)
    if path is not None:
        return [attribute(path)]
    value = _field(operation, "value")
    return [attribute(str(key)) for key in value] if isinstance(value, dict) else []


def is_member_op(operation: Mapping[str, Any]) -> bool:
    return targets(operation) == ["members"] and op_path(operation) is not None


def _member_values(operation: Mapping[str, Any]) -> list[Any]:
    value = _field(operation, "value")
    return value if isinstance(value, list) else []


def member_features(ops: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    members = [op for op in ops if is_member_op(op)]
    if not members:
        return {}
    fields = {",".join(sorted(entry)) for op in members for entry in _member_values(op)} - {""}
    batching = {
        "one op per member (filter path)" if path_form(op_path(op)) == "valuePath" else "a list"
        for op in members
    }
    features = {"member batching": tuple(sorted(batching))}
    if fields:
        features["member fields"] = tuple(sorted(fields))
    counts = sorted({str(len(_member_values(op))) for op in members if _member_values(op)})
    if counts:
        features["members per op"] = tuple(counts)
    return features


def patch_features(document: Any) -> dict[str, tuple[str, ...]]:
    ops = operations(document)
    if not ops:
        return {"operations": ("none (not a PatchOp document)",)}
    pathless = [op for op in ops if op_path(op) is None and op_name(op).lower() != "remove"]
    features: dict[str, tuple[str, ...]] = {
        "op case": tuple(sorted({case_of(op_name(op)) for op in ops})),
        "ops": tuple(sorted({op_name(op).lower() for op in ops})),
        "path forms": tuple(sorted({path_form(op_path(op)) for op in ops})),
        "ops per request": (str(len(ops)),),
    }
    typed = [value_type(_field(op, "value")) for op in ops if "value" in {k.lower() for k in op}]
    if typed:
        features["value types"] = tuple(sorted(set(typed)))
    if pathless:
        carried = {
            value_type(_field(op, "value")) if _has_value(op) else "nothing" for op in pathless
        }
        features["path-less value"] = tuple(sorted(carried))
        inner = {
            value_type(v)
            for op in pathless
            if isinstance(_field(op, "value"), dict)
            for v in _field(op, "value").values()
        }
        if inner:
            features["path-less value's member types"] = tuple(sorted(inner))
    return {**features, **member_features(ops)}


def _has_value(operation: Mapping[str, Any]) -> bool:
    return any(key.lower() == "value" for key in operation)


def _active(ops: Sequence[Mapping[str, Any]]) -> bool | None:
    """True or False when every op only sets `active` to that value, else None."""
    values = []
    for op in ops:
        if op_name(op).lower() not in ("replace", "add") or targets(op) != ["active"]:
            return None
        value = _field(op, "value")
        values.append(next(iter(value.values())) if isinstance(value, dict) else value)
    if not values or len({str(v).lower() for v in values}) != 1:
        return None
    return str(values[0]).lower() == "true"


def user_patch_kind(document: Any) -> str:
    ops = operations(document)
    active = _active(ops)
    if active is not None:
        return "reactivate user" if active else "deactivate user"
    touched = {name for op in ops for name in targets(op)}
    # A second pass of its own for Entra (docs/idp/entra.md#manager, #roles), kept apart so that
    # its shapes are compared with the profile's manager and role writes, not its updates.
    if touched == {"manager"}:
        return "patch manager"
    return "patch roles" if touched == {"roles"} else "patch user"


def group_patch_kind(document: Any) -> str:
    ops = operations(document)
    if any("displayname" in targets(op) for op in ops):
        return "rename group"
    if not ops or not all(is_member_op(op) for op in ops):
        return "patch group"
    names = {op_name(op).lower() for op in ops}
    by_name = {"add": "add members", "remove": "remove members", "replace": "replace members"}
    return by_name[names.pop()] if len(names) == 1 and names <= set(by_name) else "update members"
