"""Scenario files: the model, and a loader whose every error names a file, a line and a pointer.

A scenario is one YAML file, IdP-neutral (profiles say how each IdP speaks it), checked in three
passes, each reporting its first problem as a `ScenarioError`:

1. YAML, parsed with safe-load semantics while recording the line of every node;
2. the format, pinned by `scenarios/scenario.schema.json` (JSON Schema 2020-12);
3. what a schema cannot see: variables used before a step saves them, comparator names and
   their arguments.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from harness.checks.registry import Level
from harness.scenario.interpolate import InterpolationError, root, variables_in
from harness.scenario.source import ScenarioError, escape, line_of, read, read_text, show

from . import comparators

# Variables every run provides; any other name must be saved by an earlier step.
RESERVED_ROOTS = frozenset({"run", "user", "users", "group", "groups", "env", "idp"})
DEFAULT_CHECK = "scenario-expectation"
_STEP_KEYS = frozenset({"do", "request", "setup", "expect", "save"})
Problem = tuple[str, str]  # (JSON pointer, what is wrong there)

__all__ = [
    "DEFAULT_CHECK",
    "RESERVED_ROOTS",
    "Expectation",
    "RawRequest",
    "Scenario",
    "ScenarioError",
    "Step",
    "checked_files",
    "load_scenario",
    "load_scenarios",
    "shown_path",
    "trust",
]


@dataclass(frozen=True)
class RawRequest:
    """A `request:` step's request; `path`, `params`, `headers` and `body` still hold `${...}`."""

    method: str
    path: str
    params: Mapping[str, Any]
    headers: Mapping[str, Any]
    body: Any
    raw: str | None
    auth: str
    has_body: bool  # `body: null` sends null; no `body` key sends nothing


@dataclass(frozen=True)
class Expectation:
    """One `expect:` block: what the exchange must show, graded as check `check` at `level`."""

    check: str
    level: Level
    ref: str | None
    status: tuple[int, ...] | None
    schema: str | None
    json: tuple[tuple[str, Any], ...]  # (JSON pointer, comparator spec), in file order
    headers: tuple[tuple[str, Any], ...]
    # What the mock IdP reports of the step (an import report...), graded like `json`.
    idp: tuple[tuple[str, Any], ...]
    checks: tuple[str, ...]
    max_ms: float | None
    # Capabilities the expectation needs: a rule of the app (roles, the status a new member
    # gets) is graded only where the app probe can show it.
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One step: an IdP or app-probe verb (`kind` verb) or a raw request (`kind` request)."""

    index: int  # 0-based, as in the pointer /steps/<index>
    kind: Literal["verb", "request"]
    verb: str | None
    args: Mapping[str, Any]
    request: RawRequest | None
    setup: bool
    expects: tuple[Expectation, ...]
    save: Mapping[str, Any]  # name -> JSON pointer (str) or {"header": name}
    line: int


@dataclass(frozen=True)
class Scenario:
    """One scenario file; `profiles` is "all" or the profile ids and families it runs on."""

    id: str
    title: str
    tags: tuple[str, ...]
    profiles: Literal["all"] | tuple[str, ...]
    exclusive: bool
    requires: tuple[str, ...]
    steps: tuple[Step, ...]
    source: Path

    @property
    def shown_source(self) -> str:
        """The file as reports show it: never a path of the machine that ran it."""
        return shown_path(self.source)


@functools.lru_cache(maxsize=1024)
def shown_path(path: Path) -> str:
    """`path` relative to its scenario root: the nearest folder holding `scenario.schema.json`
    (the shipped scenarios have one), else the working directory, else its folder and name."""
    resolved = path.resolve()
    for parent in resolved.parents:
        if (parent / "scenario.schema.json").is_file():
            return resolved.relative_to(parent).as_posix()
    if resolved.is_relative_to(Path.cwd()):
        return resolved.relative_to(Path.cwd()).as_posix()
    return Path(*resolved.parts[-2:]).as_posix()


# --- pass 3: what the schema cannot see ---------------------------------------------------------


def _strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer, text) for every string in `value`, mapping keys included."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{pointer}/{escape(key)}"
            yield child, key
            yield from _strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{index}")


def _unknown_variable(text: str, saved: set[str]) -> str | None:
    """Why `text` cannot be interpolated in this step, or None."""
    try:
        names = variables_in(text)
    except InterpolationError as error:
        return str(error)
    for name in sorted(names):
        if root(name) not in saved | RESERVED_ROOTS:
            known = ", ".join(sorted(saved)) or "none"
            reserved = ", ".join(sorted(RESERVED_ROOTS))
            return (
                f"unknown variable '{root(name)}' in '${{{name}}}': no earlier step saves it "
                f"(saved so far: {known}; always available: {reserved})"
            )
    return None


def _comparator_problem(spec: Any) -> tuple[str, str] | None:
    """(comparator name, message) for a spec naming an unknown comparator or a bad argument."""
    if not isinstance(spec, dict):
        return None  # a bare value: equals
    ((name, expected),) = spec.items()
    if name not in comparators.COMPARATORS:
        known = ", ".join(comparators.COMPARATORS)
        hint = "write a literal object as {equals: {...}}"
        return name, f"unknown comparator '{name}' (known: {known}); {hint}"
    if variables_in(expected):
        return None  # only known once the run interpolates it
    problem = comparators.argument_problem(name, expected)
    return (name, f"comparator '{name}' {problem}, got {show(expected)}") if problem else None


def _expect_blocks(step: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    expect = step.get("expect")
    if isinstance(expect, list):
        yield from ((f"{pointer}/expect/{i}", block) for i, block in enumerate(expect))
    elif expect is not None:
        yield f"{pointer}/expect", expect


def _step_problems(step: dict[str, Any], pointer: str, saved: set[str]) -> Iterator[Problem]:
    used = {key: value for key, value in step.items() if key not in ("do", "setup", "save")}
    for where, text in _strings(used, pointer):
        problem = _unknown_variable(text, saved)
        if problem:
            yield where, problem
    for block_pointer, block in _expect_blocks(step, pointer):
        for section in ("json", "headers", "idp"):
            for key, spec in block.get(section, {}).items():
                found = _comparator_problem(spec)
                if found:
                    yield f"{block_pointer}/{section}/{escape(key)}/{escape(found[0])}", found[1]


def _check_semantics(data: Mapping[str, Any], lines: Mapping[str, int], path: Path) -> None:
    saved: set[str] = set()
    for index, step in enumerate(data["steps"]):
        for pointer, message in _step_problems(step, f"/steps/{index}", saved):
            raise ScenarioError(path, line_of(lines, pointer), pointer, message)
        saved |= set(step.get("save", {}))


# --- the model --------------------------------------------------------------------------------


def _status(value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    return tuple(int(code) for code in (value if isinstance(value, list) else [value]))


def _expectation(block: Mapping[str, Any]) -> Expectation:
    return Expectation(
        check=block.get("check", DEFAULT_CHECK),
        level=Level(block.get("level", "MUST")),
        ref=block.get("ref"),
        status=_status(block.get("status")),
        schema=block.get("schema"),
        json=tuple(block.get("json", {}).items()),
        headers=tuple(block.get("headers", {}).items()),
        idp=tuple(block.get("idp", {}).items()),
        checks=tuple(block.get("checks", ())),
        max_ms=block.get("max_ms"),
        requires=tuple(block.get("requires", ())),
    )


def _request(request: Mapping[str, Any]) -> RawRequest:
    return RawRequest(
        method=request["method"].upper(),
        path=request["path"],
        params=request.get("params", {}),
        headers=request.get("headers", {}),
        body=request.get("body"),
        raw=request.get("raw"),
        auth=request.get("auth", "default"),
        has_body="body" in request,
    )


def _step(index: int, step: Mapping[str, Any], line: int) -> Step:
    expect = step.get("expect", [])
    request = step.get("request")
    return Step(
        index=index,
        kind="request" if request is not None else "verb",
        verb=step.get("do"),
        args={key: value for key, value in step.items() if key not in _STEP_KEYS},
        request=_request(request) if request is not None else None,
        setup=step.get("setup", False),
        expects=tuple(_expectation(b) for b in (expect if isinstance(expect, list) else [expect])),
        save=step.get("save", {}),
        line=line,
    )


def _scenario(data: Mapping[str, Any], lines: Mapping[str, int], path: Path) -> Scenario:
    profiles = data.get("profiles", "all")
    return Scenario(
        id=data["id"],
        title=data["title"],
        tags=tuple(data.get("tags", ())),
        profiles="all" if profiles == "all" else tuple(profiles),
        exclusive=data.get("exclusive", False),
        requires=tuple(data.get("requires", ())),
        steps=tuple(
            _step(i, step, line_of(lines, f"/steps/{i}") or 0)
            for i, step in enumerate(data["steps"])
        ),
        source=path,
    )


# --- loading ------------------------------------------------------------------------------------


def load_scenario(path: Path) -> Scenario:
    """One scenario file, checked; raises `ScenarioError` naming the first problem's line."""
    return _checked(path, read_text(path))


# Checked files by path: (SHA-256 of the text, data, lines). `_trusted` holds those another
# process checked (an xdist worker gets the controller's), `_seen` those this process used.
Checked = tuple[str, Any, dict[str, int]]
_trusted: dict[str, Checked] = {}
_seen: dict[str, Checked] = {}


# A run reads every file up to three times in one process (planning, the results header,
# collection): the checked model is kept per path and content, so only the first pays for it.
@functools.lru_cache(maxsize=1024)
def _checked(path: Path, text: str) -> Scenario:
    digest = hashlib.sha256(text.encode()).hexdigest()
    known = _trusted.get(str(path))
    if known is not None and known[0] == digest:
        _, data, lines = known
    else:
        data, lines = read(path, text)
        _check_semantics(data, lines, path)
    _seen[str(path)] = (digest, data, lines)
    return _scenario(data, lines, path)


def checked_files() -> str:
    """Every file this process has checked, as JSON, for `trust` in another process."""
    return json.dumps(_seen)


def trust(checked: str) -> None:
    """Take files another process checked (`checked_files`): xdist workers would otherwise
    parse and check every file the controller just did. A file changed since is checked again.
    """
    for path, (digest, data, lines) in json.loads(checked).items():
        _trusted[path] = (digest, data, lines)


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.yaml"))
        elif path.is_file():
            yield path
        else:
            raise ScenarioError(path, None, "", "no such scenario file or directory")


def default_scenarios() -> Path:
    """The packaged scenario set: the full set a certification runs."""
    return Path(str(resources.files("scenarios"))).resolve()


def load_scenarios(directory: Path | Sequence[Path]) -> list[Scenario]:
    """Every `*.yaml` under the directories (or the files given), sorted by id; ids are unique."""
    paths = [directory] if isinstance(directory, str | Path) else list(directory)
    found: dict[str, Scenario] = {}
    for path in _files([Path(p) for p in paths]):
        scenario = load_scenario(path)
        first = found.get(scenario.id)
        if first is not None:  # a file listed twice too: its items would run twice
            _, lines = read(path)
            message = f"duplicate scenario id '{scenario.id}', also in {first.source}"
            raise ScenarioError(path, line_of(lines, "/id"), "/id", message)
        found[scenario.id] = scenario
    return sorted(found.values(), key=lambda scenario: scenario.id)
