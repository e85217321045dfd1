"""IdP profiles: data files under `profiles/`, checked against `profile.schema.json` (their
shape) and against the options each verb's strategy declares (their values)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml

from . import dialects
from .options import Option
from .profile_model import DocumentedDifference, Profile, ProfileError
from .strategies import STRATEGIES

__all__ = ["Profile", "ProfileError", "all_profiles", "select_profiles"]

PROFILES = resources.files(__package__).joinpath("profiles")
# A verb's keys that are not options of its strategy.
VERB_KEYS = ("strategy", "ref")


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


def _refused(name: str, text: str, path: list[Any], message: str) -> ProfileError:
    pointer = "/" + "/".join(str(part) for part in path)
    return ProfileError(f"profile {name}:{_line_of(text, path)}: {pointer}: {message}")


def _check_verb(name: str, text: str, verb: str, spec: Mapping[str, Any]) -> dict[str, Option]:
    """The verb's strategy exists and every option it sets is one the strategy reads, with a
    value it takes; returns the strategy's options."""
    strategy = str(spec["strategy"])
    if strategy not in STRATEGIES:
        known = ", ".join(sorted(STRATEGIES))
        message = f"unknown strategy {strategy!r}; strategies: {known}"
        raise _refused(name, text, ["verbs", verb, "strategy"], message)
    declared = dict(STRATEGIES.get(strategy).options)
    for key, value in spec.items():
        if key in VERB_KEYS:
            continue
        if key not in declared:
            reads = ", ".join(sorted([*declared, *VERB_KEYS]))
            message = f"unknown option {key!r} of strategy {strategy!r}; it reads: {reads}"
            raise _refused(name, text, ["verbs", verb, key], message)
        problem = declared[key].problem(value)
        if problem is not None:
            raise _refused(name, text, ["verbs", verb, key], problem)
    for option in declared.values():
        if option.required and option.name not in spec:
            message = f"strategy {strategy!r} needs option {option.name!r}"
            raise _refused(name, text, ["verbs", verb], message)
    return declared


def _check_options(name: str, text: str, data: Mapping[str, Any]) -> None:
    """Profile-wide options are read by the verbs' strategies: each must be one some strategy of
    the profile reads, with a value every strategy reading it takes."""
    read: dict[str, list[Option]] = {}
    for verb, spec in data["verbs"].items():
        for option in _check_verb(name, text, verb, spec).values():
            read.setdefault(option.name, []).append(option)
    for key, value in (data.get("options") or {}).items():
        if key not in read:
            message = (
                f"unknown option {key!r}; this profile's strategies read: {', '.join(sorted(read))}"
            )
            raise _refused(name, text, ["options", key], message)
        problem = next(filter(None, (option.problem(value) for option in read[key])), None)
        if problem is not None:
            raise _refused(name, text, ["options", key], problem)


def _load(name: str, text: str) -> Profile:
    data = yaml.safe_load(text)
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(_schema()).iter_errors(data)
    )
    if error is not None:
        raise _refused(name, text, list(error.absolute_path), error.message)
    dialects.load()  # the strategies a profile names register when their dialect is imported
    _check_options(name, text, data)
    return Profile(
        id=data["id"],
        family=data["family"],
        title=data["title"],
        ref=data["ref"],
        headers=data["headers"],
        verbs=data["verbs"],
        options=data.get("options", {}),
        documented_differences=tuple(
            DocumentedDifference(**entry) for entry in data.get("documented_differences", [])
        ),
    )


@cache
def all_profiles() -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for entry in sorted(PROFILES.iterdir(), key=lambda item: item.name):
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
