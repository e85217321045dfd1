"""Reading a suite file (`suites/*.yaml`, under `suites/suite.schema.json`).

Read like a scenario file (YAML with the line of every node, then the schema), so a broken suite
is a usage error naming its file and line; `rule` and `result_file` must name registered code.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from harness.scenario.source import ScenarioError, line_of, read

from .files import WRITERS
from .model import Suite, SuiteTest
from .rules import RULES


class SuiteError(Exception):
    """A `--suite` that names no packaged suite."""


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files("suites").joinpath("suite.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def suites_dir() -> Path:
    return Path(str(resources.files("suites"))).resolve()


def known_suites() -> list[str]:
    """The packaged suites' ids: their file names."""
    return sorted(path.stem for path in suites_dir().glob("*.yaml"))


def _test(data: dict[str, Any], line: int) -> SuiteTest:
    return SuiteTest(
        name=data["name"],
        category=data["category"],
        emulated=data["emulated"],
        part=data.get("part", ""),
        optional=data.get("optional", False),
        role=data.get("role", ""),
        scenarios=tuple(data.get("scenarios", ())),
        checks=tuple(data.get("checks", ())),
        cloud_only=data.get("cloud_only", ""),
        skipped=data.get("skipped", ""),
        line=line,
    )


def load_suite_file(path: Path) -> Suite:
    """One suite file, checked against the schema and against the names registered in code."""
    data, lines = read(path, schema=_validator())
    if data["id"] != path.stem:
        message = f"the suite's id {data['id']!r} must be its file name {path.stem!r}"
        raise ScenarioError(path, line_of(lines, "/id"), "/id", message)
    for key, registry in (("rule", RULES), ("result_file", WRITERS)):
        if data[key] not in registry:
            known = ", ".join(sorted(registry))
            message = f"unknown {registry.kind} {data[key]!r}; known: {known}"
            raise ScenarioError(path, line_of(lines, f"/{key}"), f"/{key}", message)
    tests = tuple(
        _test(test, line_of(lines, f"/tests/{index}") or 0)
        for index, test in enumerate(data["tests"])
    )
    return Suite(
        id=data["id"],
        title=data["title"],
        vendor=data["vendor"],
        sources=tuple(data["sources"]),
        profiles=tuple(data["profiles"]),
        rule=data["rule"],
        result_file=data["result_file"],
        tests=tests,
        source=path,
    )


def load_suite(name: str) -> Suite:
    """A packaged suite by its id; `SuiteError` lists the known ones on a miss."""
    if name not in known_suites():
        raise SuiteError(f"unknown suite {name!r}; suites: {', '.join(known_suites())}")
    return load_suite_file(suites_dir() / f"{name}.yaml")
