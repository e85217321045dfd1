"""Which attributes a response carries (RFC 7644 3.4.2.5, 3.9; RFC 7643 2.4 `returned`).

A name in `attributes` or `excludedAttributes` becomes a path of folded segments through the
rendered resource: `("name", "givenname")`, or `("<extension urn>", "manager", "value")` for an
extension attribute, whose object sits under its URN key. Multi-valued complex attributes apply
the same path to every entry, so `emails.value` keeps only `value` in each email.

When `attributes` is given, `excludedAttributes` is ignored: RFC 7644 3.4.2.5 says `attributes`
"overrides the list of attributes that would be returned by default", and a client asking for a
set of attributes gets exactly that set (plus `returned: always`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .attributes import Attribute, ResourceDefinition

Path = tuple[str, ...]

# `schemas` is no attribute of any schema, yet a response without it is no SCIM resource.
_SCHEMAS = Attribute(name="schemas", type="reference", multi_valued=True, returned="always")


@dataclass(frozen=True, slots=True)
class _Rules:
    include: bool  # True: only what `paths` names; False: everything but what `paths` names
    paths: frozenset[Path]

    def covers(self, path: Path) -> bool:
        """Whether a listed name is this path or one of its ancestors."""
        return any(path[: len(listed)] == listed for listed in self.paths)

    def enters(self, path: Path) -> bool:
        """Whether a listed name lies below this path."""
        return any(len(listed) > len(path) and listed[: len(path)] == path for listed in self.paths)

    def returns(self, attribute: Attribute | None, path: Path) -> bool:
        returned = attribute.returned if attribute is not None else "default"
        if returned == "never":  # RFC 7643 2.4: e.g. `password`, whatever the client asks
            return False
        if returned == "always":  # RFC 7644 3.4.2.5: returned even when excluded or unnamed
            return True
        if self.include:
            return self.covers(path) or self.enters(path)
        # RFC 7643 2.4: `request` attributes appear only when named in `attributes`.
        return returned != "request" and not self.covers(path)


def project(
    definition: ResourceDefinition,
    resource: Mapping[str, Any],
    attributes: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> dict[str, Any]:
    """A copy of `resource` with only the attributes the response may carry, in input order.

    Asked for nothing, a resource holding no attribute that is never or only on request
    returned is answered as it is: the common case, on every read (benchmarks/RESULTS.md).
    """
    include = any(name.strip() for name in attributes)
    listed = attributes if include else excluded
    if not include and not any(name.strip() for name in excluded):
        hidden = _withheld_roots(definition)
        if not any(key.lower() in hidden for key in resource):
            return dict(resource)
    root = _root_attributes(definition)
    paths = frozenset(
        path for name in listed if (path := _path(definition, root, name)) is not None
    )
    # Unknown names are ignored, yet `attributes` naming only unknown names still selects
    # nothing beyond `returned: always`: the client asked for that set, not the default one.
    rules = _Rules(include=include, paths=paths)
    return _project_object(resource, root, (), rules)


_WITHHELD: dict[str, frozenset[str]] = {}  # resource type name -> its withheld roots


def _withheld_roots(definition: ResourceDefinition) -> frozenset[str]:
    """Top-level keys under which some attribute is `returned: never` or `request`."""
    if definition.name not in _WITHHELD:
        root = _root_attributes(definition)
        _WITHHELD[definition.name] = frozenset(key for key, a in root.items() if _withholds(a))
    return _WITHHELD[definition.name]


def _withholds(attribute: Attribute) -> bool:
    if attribute.returned in ("never", "request"):
        return True
    return any(_withholds(sub) for sub in attribute.sub_attributes.values())


def _root_attributes(definition: ResourceDefinition) -> dict[str, Attribute]:
    """The top-level keys of a resource; an extension object acts as one complex attribute."""
    root: dict[str, Attribute] = {**definition.common.attributes, **definition.core.attributes}
    for urn, schema in definition.extensions.items():
        root[urn] = Attribute(
            name=schema.id, type="complex", sub_attributes=schema.attributes, schema=schema.id
        )
    root["schemas"] = _SCHEMAS
    return root


def _path(definition: ResourceDefinition, root: Mapping[str, Attribute], name: str) -> Path | None:
    """The folded path an attribute name designates, or None for a name the server lacks."""
    folded = name.strip().lower()
    prefix: Path = ()
    attributes = root
    # Longest URN first, so that a URN extending another one is not taken for an attribute path.
    for urn in sorted((urn.lower() for urn in definition.schema_urns), key=len, reverse=True):
        extension = definition.extensions.get(urn)
        if extension is not None and folded == urn:
            return (urn,)  # a bare extension URN: the whole extension object
        if folded.startswith(urn + ":"):  # RFC 7644 3.10: "urn:...:User:manager.value"
            folded = folded[len(urn) + 1 :]
            if extension is not None:
                prefix, attributes = (urn,), extension.attributes
            break
    else:
        if folded.startswith("urn:"):  # an unknown schema, or a bare core URN
            return None
    # Once the URN prefix is gone, at most `attribute.subAttribute` (RFC 7644 3.10).
    segments = folded.split(".")
    attribute = attributes.get(segments[0])
    if attribute is None or len(segments) > 2:
        return None
    if len(segments) == 2 and attribute.sub(segments[1]) is None:
        return None
    return (*prefix, *segments)


def _project_object(
    value: Mapping[str, Any], children: Mapping[str, Attribute], path: Path, rules: _Rules
) -> dict[str, Any]:
    projected: dict[str, Any] = {}
    for key, item in value.items():
        child_path = (*path, key.lower())
        attribute = children.get(key.lower())
        if not rules.returns(attribute, child_path):
            continue
        subs = attribute.sub_attributes if attribute is not None else {}
        kept = _project_value(item, subs, child_path, rules)
        if kept or not item:  # drop what projection emptied, e.g. an extension left empty
            projected[key] = kept
    return projected


def _project_value(value: Any, children: Mapping[str, Attribute], path: Path, rules: _Rules) -> Any:
    if not children:  # a simple attribute: nothing below it to select
        return copy.deepcopy(value)  # the answer shares nothing with the stored resource
    if isinstance(value, Mapping):
        return _project_object(value, children, path, rules)
    if isinstance(value, list):
        # Each entry of a multi-valued complex attribute answers the same path.
        entries = [_project_value(entry, children, path, rules) for entry in value]
        return [kept for kept, entry in zip(entries, value, strict=True) if kept or not entry]
    return copy.deepcopy(value)
