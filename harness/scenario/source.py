"""Reading one scenario file: YAML with the line of every node, then the format's schema.

`model.py` builds the model on top; this module only turns text into checked data and a
pointer -> line map, so every later error can name the line the author wrote.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError, best_match


class ScenarioError(Exception):
    """A scenario file that cannot be used, and where: `file:line: pointer: message`."""

    def __init__(self, file: Path, line: int | None, pointer: str, message: str) -> None:
        self.file, self.line, self.pointer, self.message = file, line, pointer, message
        where = f"{file}:{line}" if line is not None else str(file)
        super().__init__(f"{where}: {pointer}: {message}" if pointer else f"{where}: {message}")


# --- pass 1: YAML with line numbers -------------------------------------------------------------

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _StrictKeys(yaml.constructor.SafeConstructor):
    """Refuses duplicate keys: PyYAML keeps the last of two, so a second `expect:` would win."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in seen:
                    problem = f"duplicate key '{key.value}'"
                    raise yaml.constructor.ConstructorError(None, None, problem, key.start_mark)
                seen.add(key.value)
        return super().construct_mapping(node, deep)


class _Loader(_StrictKeys, yaml.SafeLoader):
    """PyYAML's own parser: the wording of every YAML error message comes from this one."""


# libyaml's parser, when PyYAML was built with it, reads the same files about eight times faster;
# a file it refuses is read again by `_Loader`, so errors keep their wording.
_FastLoader: type[Any] = (
    type("_FastLoader", (_StrictKeys, yaml.CSafeLoader), {}) if yaml.__with_libyaml__ else _Loader
)

# Dates are read as strings (JSON has none). Set after the classes: PyYAML keeps resolvers in a
# class attribute that subclasses copy on write.
_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = _RESOLVERS


def escape(part: object) -> str:
    """One JSON pointer segment (RFC 6901): ~ is written ~0 and / is written ~1."""
    return str(part).replace("~", "~0").replace("/", "~1")


def _record_lines(node: yaml.Node, pointer: str, lines: dict[str, int], active: set[int]) -> None:
    """Map each node's JSON pointer to its 1-based line; an entry's line is its key's line."""
    if id(node) in active:
        raise yaml.constructor.ConstructorError(None, None, "recursive alias", node.start_mark)
    lines.setdefault(pointer, node.start_mark.line + 1)
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{pointer}/{escape(key.value)}"
            lines[child] = key.start_mark.line + 1
            _record_lines(value, child, lines, active)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, f"{pointer}/{index}", lines, active)
    active.discard(id(node))


def read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeError) as error:
        raise ScenarioError(path, None, "", f"cannot read the file: {error}") from error


def read(
    path: Path, text: str | None = None, schema: jsonschema.Draft202012Validator | None = None
) -> tuple[Any, dict[str, int]]:
    """The file's data, valid against the schema (the scenario format's unless another is
    given: a vendor suite's), and the line of every JSON pointer in it."""
    data, lines = _parse(path, read_text(path) if text is None else text)
    found = _non_json(data, "")
    if found is not None:
        pointer, message = found
        raise ScenarioError(path, line_of(lines, pointer), pointer, message)
    _check_schema(data, lines, path, schema or _validator())
    return data, lines


def _parse(path: Path, text: str) -> tuple[Any, dict[str, int]]:
    if _FastLoader is not _Loader:
        try:
            return _compose(path, text, _FastLoader)
        except yaml.YAMLError:
            pass  # read again below, so the message is worded by PyYAML's own parser
    return _compose(path, text, _Loader)


def _compose(path: Path, text: str, loader_class: type[Any]) -> tuple[Any, dict[str, int]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(path, 1, "", "the file is empty; expected a mapping")
        data = loader.construct_document(node)
        lines: dict[str, int] = {}
        _record_lines(node, "", lines, set())
    except yaml.YAMLError as error:
        if loader_class is not _Loader:
            raise
        raise _yaml_error(path, error) from error
    finally:
        loader.dispose()
    return data, lines


def _yaml_error(path: Path, error: yaml.YAMLError) -> ScenarioError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    return ScenarioError(path, mark.line + 1 if mark else None, "", message)


def line_of(lines: Mapping[str, int], pointer: str) -> int | None:
    """The line of `pointer`, or of its nearest ancestor the file wrote down."""
    while pointer not in lines and pointer:
        pointer = pointer.rsplit("/", 1)[0]
    return lines.get(pointer)


def _non_json(value: Any, pointer: str) -> tuple[str, str] | None:
    """Where YAML produced something JSON cannot carry (a non-string key, binary, a set)."""
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{pointer}/{escape(key)}"
            if not isinstance(key, str):
                return child, f"keys must be strings, got {show(key)} (quote it)"
            found = _non_json(item, child)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _non_json(item, f"{pointer}/{index}")
            if found:
                return found
    elif not isinstance(value, str | int | float | bool | None):
        return pointer, f"expected a JSON value, got {type(value).__name__} (quote it)"
    return None


# --- pass 2: the schema ---------------------------------------------------------------------------


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    # From the package, not the source tree, so an installed wheel finds it too.
    text = resources.files("scenarios").joinpath("scenario.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


_TYPES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}
# Keywords that judge a value's shape: the schema's `x-expected` wording describes those.
_SHAPE = frozenset(
    {"type", "pattern", "enum", "const", "minimum", "maximum", "exclusiveMinimum"}
    | {"minLength", "minItems", "minProperties", "maxProperties", "not"}
)


def show(value: Any) -> str:
    """A value as an error message quotes it: YAML words for scalars, the kind for containers."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)


def _extra_keys(instance: Any, schema: Mapping[str, Any]) -> list[str]:
    return [key for key in instance if key not in schema.get("properties", {})]


def _schema_of(error: ValidationError) -> Mapping[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _schema_pointer(error: ValidationError) -> str:
    parts: list[Any] = list(error.absolute_path)
    # A key failed its propertyNames schema (nothing nests below one): point at that key.
    if "propertyNames" in error.absolute_schema_path:
        parts.append(error.instance)
    elif error.validator == "additionalProperties":
        parts.append(_extra_keys(error.instance, _schema_of(error))[0])
    return "".join(f"/{escape(part)}" for part in parts)


def _wanted_types(value: Any) -> str:
    return " or ".join(_TYPES[kind] for kind in ([value] if isinstance(value, str) else value))


# keyword -> (keyword's value in the schema, the instance, the schema) -> message
_WORDING: dict[str, Callable[[Any, Any, Mapping[str, Any]], str]] = {
    "required": lambda value, instance, _: (
        f"missing required key '{next(key for key in value if key not in instance)}'"
    ),
    "additionalProperties": lambda _, instance, schema: (
        f"unexpected key '{_extra_keys(instance, schema)[0]}' "
        f"(allowed: {', '.join(schema.get('properties', {}))})"
    ),
    "type": lambda value, instance, _: f"expected {_wanted_types(value)}, got {show(instance)}",
    "enum": lambda value, instance, _: (
        f"expected one of {', '.join(map(str, value))}, got {show(instance)}"
    ),
    "uniqueItems": lambda *_: "the list has a duplicate item",
    "minItems": lambda value, instance, _: (
        f"expected at least {value} item(s), got {len(instance)}"
    ),
}


def _schema_message(error: ValidationError) -> str:
    schema = _schema_of(error)
    if "x-message" in schema:
        return str(schema["x-message"])
    if error.validator in _SHAPE and "x-expected" in schema:
        return f"expected {schema['x-expected']}, got {show(error.instance)}"
    wording = _WORDING.get(str(error.validator))
    if wording is None:
        return str(error.message)
    return wording(error.validator_value, error.instance, schema)


def _check_schema(
    data: Any, lines: Mapping[str, int], path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    """Raise for the first problem in file order; best_match picks among those on that line."""
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    where = [line_of(lines, _schema_pointer(error)) or 0 for error in errors]
    first = min(where)
    on_first = [error for error, line in zip(errors, where, strict=True) if line == first]
    error = best_match(on_first) or on_first[0]
    pointer = _schema_pointer(error)
    raise ScenarioError(path, line_of(lines, pointer), pointer, _schema_message(error))
