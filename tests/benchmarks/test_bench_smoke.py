"""The benchmark modules import, and build their wrk scripts and arguments correctly (no timing)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from benchmarks import harness_bench, loads, profile, wrk
from benchmarks.population import user_name

MODULES = (
    "__main__",
    "findings",
    "harness_bench",
    "harness_profile",
    "hello_app",
    "import_bench",
    "import_run",
    "index_probe",
    "loads",
    "machine",
    "nodelay_server",
    "population",
    "processes",
    "profile",
    "report",
    "results",
    "seed_reference",
    "server_bench",
    "servers",
    "tables",
    "targets",
    "venvs",
    "wrk",
)


@pytest.mark.parametrize("name", MODULES)
def test_every_module_imports(name: str) -> None:
    importlib.import_module(f"benchmarks.{name}")


def test_lua_strings_escape_quotes_backslashes_and_non_ascii() -> None:
    assert wrk.lua_string('a"b\\c') == '"a\\34b\\92c"'
    assert wrk.lua_string("é") == '"\\195\\169"'


def test_the_script_cycles_through_the_paths_with_headers_and_body() -> None:
    load = wrk.Load("x", "PATCH", ["/a", "/b"], {"Authorization": "Bearer t"}, '{"k":1}')
    script = wrk.lua_script(load)
    assert 'local paths = {\n  "/a",\n  "/b"\n}' in script
    assert '["Authorization"] = "Bearer t"' in script
    assert 'local body = "{\\34k\\34:1}"' in script
    assert 'wrk.format("PATCH", paths[i], headers, body)' in script
    assert "i = i % #paths + 1" in script
    assert "done = function(summary, latency, requests)" in script


def test_a_load_without_paths_is_refused() -> None:
    with pytest.raises(ValueError, match="no paths"):
        wrk.lua_script(wrk.Load("empty", "GET", [], {}))


def test_wrk_arguments() -> None:
    argv = wrk.wrk_argv("http://127.0.0.1:9", Path("scripts/s.lua"), 5)
    assert argv[0] == "wrk"
    assert {"-t1", "-c8", "-d5s", "--latency"} <= set(argv)
    assert argv[-3:] == ["-s", "scripts/s.lua", "http://127.0.0.1:9"]


def test_the_done_hook_line_is_parsed() -> None:
    fields = {"requests": 10, "duration_us": 2_000_000, "p50_us": 1500, "status": 0}
    parsed = wrk.parse_result(f"Running...\nWRK_RESULT {json.dumps(fields)}\n")
    assert parsed["requests"] == 10 and parsed["p50_us"] == 1500
    with pytest.raises(ValueError, match="WRK_RESULT"):
        wrk.parse_result("no summary")


def test_the_five_loads_address_the_servers_paths() -> None:
    built = loads.build_loads("http://127.0.0.1:9/t/acme/scim/v2", "tok", ["i0", "i1"], 2)
    assert [load.name for load in built] == list(loads.LOAD_NAMES)
    by_name = {load.name: load for load in built}
    assert set(by_name["get-by-id"].paths) == {
        "/t/acme/scim/v2/Users/i0",
        "/t/acme/scim/v2/Users/i1",
    }
    hit = unquote(by_name["eq-hit"].paths[0])
    assert hit.startswith('/t/acme/scim/v2/Users?filter=userName eq "bench.user00000')
    assert user_name(0) in {unquote(p).split('"')[1] for p in by_name["eq-hit"].paths}
    assert all("nobody" in unquote(p) for p in by_name["eq-miss"].paths)
    assert by_name["page-100"].paths[0].endswith("startIndex=1&count=100")
    patch = by_name["patch-deactivate"]
    assert patch.method == "PATCH" and patch.headers["Content-Type"] == "application/scim+json"
    assert json.loads(patch.body or "")["Operations"] == [
        {"op": "replace", "path": "active", "value": False}
    ]
    assert all(load.headers["Authorization"] == "Bearer tok" for load in built)


def test_peer_outputs_are_counted_one_line_per_check() -> None:
    scim2 = "Performing...\nSUCCESS a\n  detail\nERROR b\nSKIPPED c\n"
    sanity = "  Phase 1\n  [PASS] x\n  [FAIL] y\n  [ERR ] z\n  28 passed\n"
    assert harness_bench.count_lines(harness_bench.SCIM2_LINE, scim2) == 3
    assert harness_bench.count_lines(harness_bench.SANITY_LINE, sanity) == 3


def test_py_spy_samples_are_split_by_innermost_frame() -> None:
    raw = (
        "main (reference_server/app.py:1);do (sqlalchemy/engine/base.py:2) 3\n"
        "main (reference_server/app.py:1);find (reference_server/scim/users.py:5) 1\n"
    )
    total, categories, hottest = profile.summarize(profile.parse_raw(raw))
    assert total == 4
    assert dict(categories)["SQLAlchemy (statement building, results)"] == 0.75
    assert hottest == [("find (reference_server/scim/users.py)", 0.25)]
