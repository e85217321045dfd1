"""IdP profiles: data files under `profiles/`, checked against `profile.schema.json`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml


class ProfileError(Exception):
    """A profile file is broken, or a profile name is unknown."""


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    family: str
    title: str
    ref: str
    headers: Mapping[str, str]
    verbs: Mapping[str, Mapping[str, Any]]
    options: Mapping[str, Any]

    def verb(self, name: str) -> Mapping[str, Any]:
        if name not in self.verbs:
            spoken = ", ".join(sorted(self.verbs))
            raise ProfileError(f"profile {self.id!r} does not speak {name!r}; it speaks: {spoken}")
        return self.verbs[name]


def _schema() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("profile.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _line_of(text: str, path: list[Any]) -> int:
    """The line (1-based) of the YAML node at `path`, or of the nearest parent that exists."""
    node: yaml.Node | None = yaml.compose(text)
    line = 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part]
            node = found[0] if found else None
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _load(name: str, text: str) -> Profile:
    data = yaml.safe_load(text)
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(_schema()).iter_errors(data)
    )
    if error is not None:
        pointer = "/" + "/".join(str(part) for part in error.absolute_path)
        line = _line_of(text, list(error.absolute_path))
        raise ProfileError(f"profile {name}:{line}: {pointer}: {error.message}")
    return Profile(
        id=data["id"],
        family=data["family"],
        title=data["title"],
        ref=data["ref"],
        headers=data["headers"],
        verbs=data["verbs"],
        options=data.get("options", {}),
    )


@cache
def all_profiles() -> dict[str, Profile]:
    folder = resources.files(__package__).joinpath("profiles")
    found: dict[str, Profile] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".yaml"):
            profile = _load(entry.name, entry.read_text("utf-8"))
            found[profile.id] = profile
    return found


def select_profiles(selection: str) -> list[Profile]:
    """`all`, a family (`okta`), or comma-separated profile ids; unknown names list valid ones."""
    profiles = all_profiles()
    if selection.strip() == "all":
        return list(profiles.values())
    chosen: dict[str, Profile] = {}
    for name in (part.strip() for part in selection.split(",") if part.strip()):
        matches = [p for p in profiles.values() if name in (p.id, p.family)]
        if not matches:
            families = sorted({p.family for p in profiles.values()})
            raise ProfileError(
                f"unknown IdP {name!r}; choose from profiles {', '.join(profiles)}, "
                f"families {', '.join(families)}, or all"
            )
        chosen.update((p.id, p) for p in matches)
    return list(chosen.values())
