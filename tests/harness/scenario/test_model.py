"""Scenario files load into the model; every kind of mistake names its file, line and pointer."""

from __future__ import annotations

import json
import textwrap
from importlib import resources
from pathlib import Path

import pytest
import yaml

from harness.checks.registry import Level
from harness.scenario import model as scenario_module
from harness.scenario.comparators import COMPARATORS
from harness.scenario.model import (
    DEFAULT_CHECK,
    RESERVED_ROOTS,
    ScenarioError,
    checked_files,
    load_scenario,
    load_scenarios,
    trust,
)
from tests.support.paths import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "scenarios"


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    return path


def _error(tmp_path: Path, text: str) -> ScenarioError:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}:")
    return caught.value


# --- valid files ------------------------------------------------------------------------------


def test_a_directory_loads_sorted_by_id() -> None:
    scenarios = load_scenarios(FIXTURES / "valid")
    assert [s.id for s in scenarios] == ["core/user-crud", "lifecycle/reactivate-resets-role"]


def test_every_part_of_the_format_reaches_the_model() -> None:
    scenario = load_scenario(FIXTURES / "valid" / "core" / "user-crud.yaml")
    assert scenario.title == "Create, read, replace and delete a user"
    assert scenario.tags == ("users", "crud")
    assert scenario.profiles == ("okta-oin", "entra")
    assert (scenario.exclusive, scenario.requires) == (True, ("filter",))
    assert scenario.source == FIXTURES / "valid" / "core" / "user-crud.yaml"
    assign, update = scenario.steps[0], scenario.steps[-1]
    assert (assign.kind, assign.verb, assign.setup) == ("verb", "assign", True)
    assert (assign.args, assign.request) == ({"user": "alice"}, None)
    assert assign.save == {"uid": "/id", "location": {"header": "Location"}}
    assert [step.line for step in scenario.steps] == [9, 13, 34, 41, 43]
    assert [step.index for step in scenario.steps] == [0, 1, 2, 3, 4]
    assert update.args == {"user": "alice", "with": {"title": "Boss"}}


def test_a_request_step_keeps_every_field() -> None:
    steps = load_scenario(FIXTURES / "valid" / "core" / "user-crud.yaml").steps
    request = steps[1].request
    assert request is not None and steps[1].verb is None and steps[1].args == {}
    assert (request.method, request.path, request.auth) == ("GET", "/Users/${uid}", "none")
    assert request.params == {"attributes": "userName", "count": 1}
    assert request.headers == {"Accept": "application/scim+json", "X-Remove-Me": None}
    assert (request.body, request.raw, request.has_body) == (None, None, False)
    put, raw = steps[2].request, steps[3].request
    assert put is not None and (put.body, put.has_body) == (None, True)  # `body: null` is a body
    assert raw is not None and (raw.raw, raw.has_body) == ("not json $${literal}", False)


def test_an_expectation_block_keeps_every_field() -> None:
    (expect,) = load_scenario(FIXTURES / "valid" / "core" / "user-crud.yaml").steps[1].expects
    assert (expect.check, expect.level) == ("user-readable", Level.SHOULD)
    assert expect.ref == "RFC 7644 3.4.1"
    assert (expect.status, expect.schema, expect.max_ms) == ((200, 401), "User", 600)
    assert expect.json == (
        ("", {"not_empty": True}),
        ("/active", False),
        ("/userName", {"equals_string": "${user.alice.userName}"}),
        ("/meta/location", {"equals": "${location}"}),
        ("/a~1b", {"absent": True}),
    )
    assert expect.headers == (("Content-Type", {"matches": "json"}),)
    assert expect.checks == ("error-has-detail",)


def test_defaults_and_a_list_of_expectations() -> None:
    scenario = load_scenario(FIXTURES / "valid" / "lifecycle" / "reactivate-resets-role.yaml")
    assert (scenario.profiles, scenario.exclusive) == ("all", False)
    first = scenario.steps[0].expects[0]
    assert (first.check, first.level, first.ref) == (DEFAULT_CHECK, Level.MUST, None)
    assert (first.status, first.schema) == ((201,), "User")
    assert (first.json, first.headers, first.checks, first.max_ms) == ((), (), (), None)
    assert scenario.steps[1].expects == ()
    replace = load_scenario(FIXTURES / "valid" / "core" / "user-crud.yaml").steps[2]
    assert [e.check for e in replace.expects] == [DEFAULT_CHECK, "no-password"]


def test_yaml_dates_stay_strings_and_anchors_merge(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        id: core/dates
        title: Dates are plain strings; anchors and merge keys work
        steps:
          - request: &get {method: GET, path: /Users}
          - request: {<<: *get, body: {userName: 2024-01-01}}
        """,
    )
    request = load_scenario(path).steps[1].request
    assert request is not None and request.body == {"userName": "2024-01-01"}
    assert request.method == "GET"


def test_escaped_and_reserved_variables_need_no_save(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        id: core/reserved
        title: Reserved roots and escapes
        steps:
          - do: assign
            user: "${users.alice.userName}"
            group: "${group.admins.id}-${run.prefix}-${env.HOME}-${groups.a}-${user.b}"
            note: "a literal $${not_a_variable}"
        """,
    )
    assert load_scenario(path).steps[0].args["note"] == "a literal $${not_a_variable}"


def test_the_schema_ships_in_the_scenarios_package_and_matches_the_code() -> None:
    text = resources.files("scenarios").joinpath("scenario.schema.json").read_text("utf-8")
    schema = json.loads(text)
    assert set(schema["$defs"]["save"]["propertyNames"]["not"]["enum"]) == RESERVED_ROOTS
    for name in COMPARATORS:
        assert name in schema["$defs"]["comparator"]["description"]


def test_the_shipped_scenarios_load() -> None:
    """Whatever is under scenarios/ must load: the loader is the format's gate."""
    for scenario in load_scenarios(ROOT / "scenarios"):
        assert scenario.steps


# --- errors: file, line, pointer, message -----------------------------------------------------

HEAD = "id: core/x\ntitle: x\nsteps:\n"
CASES = {
    "yaml syntax": ("id: core/x\ntitle: [unclosed\nsteps: []\n", 3, "", "invalid YAML"),
    "duplicate key": (HEAD + "  - do: assign\n    do: update\n", 5, "", "duplicate key 'do'"),
    "two documents": (HEAD + "  - do: a\n---\nid: core/y\n", 5, "", "expected a single document"),
    "recursive alias": ("id: core/x\ntitle: x\nsteps: &s [*s]\n", 3, "", "recursive alias"),
    "empty file": ("# nothing\n", 1, "", "the file is empty"),
    "top level list": ("- id: core/x\n", 1, "", "expected a scenario: a mapping"),
    "missing id": ("title: x\nsteps:\n  - do: assign\n", 1, "", "missing required key 'id'"),
    "bad id": ("id: Core/X\ntitle: x\nsteps: [{do: a}]\n", 1, "/id", "expected a scenario id"),
    "no steps": ("id: core/x\ntitle: x\nsteps: []\n", 3, "/steps", "at least 1 item(s), got 0"),
    "unknown top key": (HEAD + "  - do: a\nowner: me\n", 5, "/owner", "unexpected key 'owner'"),
    "wrong status type": (
        HEAD + "  - do: assign\n  - request: {method: GET, path: /Users}\n"
        "    expect:\n      status: abc\n",
        7,
        "/steps/1/expect/status",
        "expected an integer or a list of integers, got 'abc'",
    ),
    "status out of range": (
        HEAD + "  - {do: a, expect: {status: [200, 999]}}\n",
        4,
        "/steps/0/expect/status/1",
        "expected an HTTP status code (100-599), got 999",
    ),
    "unknown request key": (
        HEAD + "  - request:\n      method: GET\n      path: /Users\n      bogus: 1\n",
        7,
        "/steps/0/request/bogus",
        "unexpected key 'bogus' (allowed: method, path",
    ),
    "neither do nor request": (HEAD + "  - user: alice\n", 4, "/steps/0", "needs `do`"),
    "both do and request": (
        HEAD + "  - do: assign\n    request: {method: GET, path: /}\n",
        4,
        "/steps/0/do",
        "unexpected key 'do'",
    ),
    "bad method": (
        HEAD + "  - request: {method: FETCH, path: /Users}\n",
        4,
        "/steps/0/request/method",
        "expected an HTTP method",
    ),
    "body and raw": (
        HEAD + "  - request: {method: POST, path: /Users, body: {}, raw: x}\n",
        4,
        "/steps/0/request",
        "body and raw are mutually exclusive",
    ),
    "bad verb argument name": (HEAD + "  - do: a\n    User: x\n", 5, "/steps/0/User", "snake_case"),
    "bad expectation key": (
        HEAD + "  - do: assign\n    expect:\n      - status: 200\n      - stauts: 200\n",
        7,
        "/steps/0/expect/1/stauts",
        "unexpected key 'stauts'",
    ),
    "unknown comparator": (
        HEAD + "  - do: assign\n    expect:\n      json:\n        /active: true\n"
        "        /userName: {equal: x}\n",
        8,
        "/steps/0/expect/json/~1userName/equal",
        "unknown comparator 'equal'",
    ),
    "two keys in a comparator": (
        HEAD + "  - do: a\n    expect:\n      json:\n        /name: {a: 1, b: 2}\n",
        7,
        "/steps/0/expect/json/~1name",
        "expected a comparator",
    ),
    "bad comparator argument": (
        HEAD + "  - do: a\n    expect: {headers: {ETag: {matches: '['}}}\n",
        5,
        "/steps/0/expect/headers/ETag/matches",
        "comparator 'matches' has an invalid regular expression",
    ),
    "pointer without slash": (
        HEAD + "  - do: a\n    expect:\n      json: {active: false}\n",
        6,
        "/steps/0/expect/json/active",
        "expected a JSON pointer",
    ),
    "bad save pointer": (
        HEAD + "  - do: a\n    save:\n      uid: id\n",
        6,
        "/steps/0/save/uid",
        "expected a JSON pointer",
    ),
    "reserved save name": (
        HEAD + "  - do: a\n    save:\n      user: /id\n",
        6,
        "/steps/0/save/user",
        "other than the reserved",
    ),
    "variable used before it is saved": (
        HEAD + "  - do: get_user\n    id: '${uid}'\n  - do: assign\n    save: {uid: /id}\n",
        5,
        "/steps/0/id",
        "unknown variable 'uid' in '${uid}': no earlier step saves it",
    ),
    "variable saved by the same step": (
        HEAD + "  - do: assign\n    expect:\n      json: {/id: '${uid}'}\n    save: {uid: /id}\n",
        6,
        "/steps/0/expect/json/~1id",
        "unknown variable 'uid'",
    ),
    "malformed variable": (
        HEAD + "  - do: a\n    user: '${oops'\n",
        5,
        "/steps/0/user",
        "malformed '${' reference",
    ),
    "non-string key": (
        HEAD + "  - request: {method: GET, path: /Users, params: {1: x}}\n",
        4,
        "/steps/0/request/params/1",
        "keys must be strings",
    ),
    "profiles containing all": (
        "id: core/x\ntitle: x\nprofiles: [okta-oin, all]\nsteps: [{do: a}]\n",
        3,
        "/profiles/1",
        "write `profiles: all`",
    ),
    "unknown capability": (
        "id: core/x\ntitle: x\nrequires: [groups, teleport]\nsteps: [{do: a}]\n",
        3,
        "/requires/1",
        "expected one of groups, patch",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_error_names_file_line_and_pointer(tmp_path: Path, case: str) -> None:
    text, line, pointer, message = CASES[case]
    error = _error(tmp_path, text)
    assert (error.line, error.pointer) == (line, pointer), str(error)
    assert message in error.message, str(error)
    where = f"{error.file}:{line}: {pointer}: " if pointer else f"{error.file}:{line}: "
    assert str(error) == where + error.message


def test_the_first_problem_in_the_file_is_reported(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        HEAD + "  - {do: a, expect: {status: x}}\n  - request: {method: GET, path: /, raw: 1}\n",
    )
    assert (error.line, error.pointer) == (4, "/steps/0/expect/status")


def test_duplicate_ids_across_files_name_both_files() -> None:
    first, second = FIXTURES / "duplicate" / "one", FIXTURES / "duplicate" / "two"
    with pytest.raises(ScenarioError) as caught:
        load_scenarios([first, second])
    assert str(caught.value) == (
        f"{second / 'second.yaml'}:2: /id: duplicate scenario id 'core/same', "
        f"also in {first / 'first.yaml'}"
    )


def test_a_file_listed_twice_is_a_duplicate(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "  - do: assign\n")
    with pytest.raises(ScenarioError, match="duplicate scenario id 'core/x'"):
        load_scenarios([path, path])


def test_a_file_is_checked_once_for_each_content(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "  - do: assign\n")
    assert load_scenario(path) is load_scenario(path)
    path.write_text(HEAD.replace("title: x", "title: y") + "  - do: assign\n", "utf-8")
    assert load_scenario(path).title == "y"


def test_a_worker_trusts_what_the_controller_checked_while_the_file_is_unchanged(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, HEAD + "  - do: assign\n")
    load_scenario(path)
    checked = json.loads(checked_files())
    checked[str(path)][1]["title"] = "as the controller read it"
    scenario_module._checked.cache_clear()  # as in a new process
    trust(json.dumps(checked))
    assert load_scenario(path).title == "as the controller read it"
    path.write_text(HEAD.replace("title: x", "title: changed") + "  - do: assign\n", "utf-8")
    assert load_scenario(path).title == "changed"


def test_yaml_errors_are_worded_by_pyyaml_itself(tmp_path: Path) -> None:
    """libyaml parses the files when it can; its messages would read differently."""
    text = CASES["yaml syntax"][0]
    with pytest.raises(yaml.MarkedYAMLError) as pure:
        yaml.load(text, Loader=yaml.SafeLoader)
    assert f"invalid YAML: {pure.value.problem}" in _error(tmp_path, text).message


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such scenario file or directory"):
        load_scenarios(tmp_path / "nowhere")


def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(path)
