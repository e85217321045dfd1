"""tools/crosscheck.py without installing anything: results.jsonl in, table and flags out."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.checks import load_all
from harness.checks.registry import registry

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))  # crosscheck imports its siblings
crosscheck = importlib.import_module("crosscheck")
explain = importlib.import_module("crosscheck_explain")
targets = importlib.import_module("crosscheck_targets")

TARGET = "http://127.0.0.1:9/v2"


def exchange(method: str, path: str, status: int, body: Any = None) -> dict[str, Any]:
    return {
        "request": {"method": method, "url": f"{TARGET}{path}", "headers": {}, "body": None},
        "response": {"status": status, "headers": {}, "body": json.dumps(body), "truncated": False},
        "elapsed_ms": 1.0,
        "error": None,
    }


def check(item: str, sequence: int, check_id: str, level: str = "MUST") -> dict[str, Any]:
    return {
        "event": "CheckEvaluated",
        "item": item,
        "step": 1,
        "sequence": sequence,
        "check": check_id,
        "level": level,
        "ref": "x",
        "title": "x",
        "passed": False,
        "findings": [{"message": f"{check_id} broke"}],
        "line": 12,
    }


def started(item: str) -> dict[str, Any]:
    scenario, _, profile = item.partition("[")
    return {"event": "ItemStarted", "item": item, "scenario": scenario, "profile": profile[:-1]}


def finished(item: str, outcome: str, reason: str = "") -> dict[str, Any]:
    scenario, _, profile = item.partition("[")
    return {
        "event": "ItemFinished",
        "item": item,
        "scenario": scenario,
        "profile": profile[:-1],
        "outcome": outcome,
        "reason": reason,
    }


NO_TARGET = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
    "status": "400",
    "scimType": "noTarget",
    "detail": "no value matches the path filter",
}
ENTRA, FLAG = "entra/attribute-update[entra]", "entra/attribute-update[entra-2020]"
RECORDS: list[dict[str, Any]] = [
    {"event": "RunStarted", "target": TARGET, "versions": {"scimcert": "0.1.0"}},
    started(ENTRA),
    {
        "event": "ExchangeRecorded",
        "item": ENTRA,
        "step": 1,
        "sequence": 3,
        "exchange": exchange("PATCH", "/Users/abc123?aadOptscim062020", 400, NO_TARGET),
    },
    check(ENTRA, 3, "entra-attribute-update"),
    check(ENTRA, 3, "no-such-explanation", "SHOULD"),
    {
        "event": "CheckEvaluated",
        "item": ENTRA,
        "step": 1,
        "sequence": 3,
        "check": "passing",
        "level": "MUST",
        "ref": "x",
        "title": "x",
        "passed": True,
        "findings": [],
        "line": 3,
    },
    finished(ENTRA, "FAIL"),
    started(FLAG),
    {
        "event": "ExchangeRecorded",
        "item": FLAG,
        "step": 1,
        "sequence": 4,
        "exchange": exchange("PATCH", "/Users/def456", 400, NO_TARGET),
    },
    check(FLAG, 4, "entra-attribute-update"),
    finished(FLAG, "FAIL"),
    started("core/groups[rfc]"),
    check("core/groups[rfc]", 5, "entra-attribute-update"),  # explained, but not for this scenario
    finished("core/groups[rfc]", "FAIL"),
    started("core/user-put[ping]"),
    {
        "event": "ExchangeRecorded",
        "item": "core/user-put[ping]",
        "step": 1,
        "sequence": 1,
        "exchange": exchange("POST", "/Users", 400, {"status": "400", "detail": "bad email"}),
    },
    finished("core/user-put[ping]", "ERROR", "setup step 1 (line 5) failed: 400"),
    started("lifecycle/member-lifecycle[rfc]"),
    finished("lifecycle/member-lifecycle[rfc]", "SKIP", "not verified: no app probe"),
    {"event": "RunFinished", "counts": {"FAIL": 3, "SKIP": 1, "ERROR": 1}, "exit_code": 3},
]


NO_TARGET_EXPLAINED = explain.explain(
    "RFC",
    "The server answers noTarget.",
    ref="RFC 7644 3.5.2.3",
    cause="no-target",
    checks=["entra-attribute-update"],
    scenarios=["entra/attribute-update"],
    did=r"-> 400 noTarget",
)
SETUP_EXPLAINED = explain.explain(
    "IdP",
    "The server refuses the address.",
    ref="https://example.com/idp-doc",
    cause="email-refused",
    checks=[explain.SETUP],
    scenarios=["core/user-put"],
    did=r"POST /Users -> 400: bad email",
)
KNOWN = (NO_TARGET_EXPLAINED, SETUP_EXPLAINED)


@pytest.fixture
def summary() -> Any:
    return crosscheck.summarise(RECORDS)


def server_run(summary: Any, explanations: Any = KNOWN) -> Any:
    target = next(t for t in targets.TARGETS if t.name == "scim2-server")
    return crosscheck.ServerRun(
        target, {"scim2-server": "0.8.3"}, summary, {"passed": 1, "failed": 4}, explanations
    )


def test_failures_are_grouped_by_check_and_scenario_over_profiles(summary: Any) -> None:
    found = {(f.check, f.scenario): f for f in summary.failures}
    assert set(found) == {
        ("entra-attribute-update", "entra/attribute-update"),
        ("no-such-explanation", "entra/attribute-update"),
        ("entra-attribute-update", "core/groups"),
        (explain.SETUP, "core/user-put"),
    }
    update = found[("entra-attribute-update", "entra/attribute-update")]
    assert update.profiles == ["entra", "entra-2020"] and update.line == 12
    # Ids and the query are dropped, so the document does not change from run to run.
    assert update.did == (
        "PATCH /Users/{id} -> 400 noTarget: no value matches the path filter; "
        "entra-attribute-update broke"
    )
    assert summary.counts == {"FAIL": 3, "SKIP": 1, "ERROR": 1}
    assert summary.not_verified == {"not verified: no app probe": 1}


def test_an_item_in_error_is_a_row_with_its_last_exchange_and_reason(summary: Any) -> None:
    setup = next(f for f in summary.failures if f.check == explain.SETUP)
    assert setup.level == "ERROR" and setup.profiles == ["ping"]
    assert setup.did == "POST /Users -> 400: bad email; setup step 1 (line 5) failed: 400"
    assert summary.failures[0] is setup  # errors first, then MUST, then the rest


def test_a_failure_is_explained_only_in_its_scenarios_and_by_its_exchange(summary: Any) -> None:
    missing = {(f.check, f.scenario) for f in crosscheck.unexplained(summary.failures, KNOWN)}
    assert missing == {
        ("no-such-explanation", "entra/attribute-update"),
        ("entra-attribute-update", "core/groups"),  # explained, but not for this scenario
    }
    other_answer = crosscheck.Failure(
        "entra-attribute-update", "MUST", "entra/attribute-update", 3, "PATCH /Users/{id} -> 500"
    )
    assert crosscheck.unexplained([other_answer], KNOWN) == [other_answer]


def test_an_explanation_for_some_profiles_covers_no_other(summary: Any) -> None:
    narrow = explain.explain(
        "IdP",
        "y",
        cause="narrow",
        checks=["entra-attribute-update"],
        scenarios=["entra/attribute-update"],
        did="noTarget",
        profiles=["entra"],
    )
    update = next(f for f in summary.failures if f.scenario == "entra/attribute-update")
    assert crosscheck.unexplained([update], [narrow]) == [update]  # entra-2020 too


def test_the_table_gives_the_reference_or_says_unexplained(summary: Any) -> None:
    table = crosscheck.render_table(summary.failures, KNOWN)
    assert len(table.splitlines()) == 2 + 4
    explained = next(r for r in table.splitlines() if "[entra, entra-2020]" in r)
    assert "rfc7644#section-3.5.2.3" in explained and "[no-target](#-no-target)" in explained
    unexplained = next(r for r in table.splitlines() if "`no-such-explanation`" in r)
    assert "**unexplained**" in unexplained


def test_the_document_has_the_matrix_a_section_per_server_and_the_unexplained(
    summary: Any,
) -> None:
    doc = crosscheck.render_doc(
        [server_run(summary)],
        run_command="scimcert run ...",
        scimcert="0.1.0",
        report_dirs={"scim2-server": "out/crosscheck/scim2-server/report"},
        when="2026-01-01T00:00:00+00:00",
    )
    assert "PASS 0, WARN 0, FAIL 3, SKIP 1, ERROR 1" in doc and "1 passed, 4 failed" in doc
    assert "make crosscheck" in doc and "pip install scim2-server==0.8.3" in doc
    assert "| `entra-attribute-update` | MUST | 2 |" in doc  # two scenarios, in the matrix
    assert f"| `{explain.SETUP}` | ERROR | 1 |" in doc
    unexplained = doc.split("**Unexplained**")[1]
    assert "`no-such-explanation` in `entra/attribute-update`" in unexplained
    assert '<a id="scim2-server-no-target"></a>**no-target** (RFC):' in doc
    for private in ("../", "entra_onelogin", "DESIGN.md", "shared/"):  # public links only
        assert private not in doc


def test_the_console_exit_code_flags_unexplained_failures(
    summary: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert crosscheck.report_to_console(server_run(summary)) == 1
    assert "UNEXPLAINED no-such-explanation" in capsys.readouterr().out
    summary.failures = [f for f in summary.failures if not crosscheck.unexplained([f], KNOWN)]
    assert crosscheck.report_to_console(server_run(summary)) == 0


def test_explanations_that_explain_nothing_are_reported_stale(summary: Any) -> None:
    unused = explain.explain(
        "RFC",
        "y",
        cause="gone",
        checks=["put-replaces"],
        scenarios=["core/user-put"],
        did=".",
    )
    assert crosscheck.stale(summary.failures, (*KNOWN, unused)) == ["gone"]


def test_a_pin_holds_only_the_exact_versions() -> None:
    npm = next(t for t in targets.TARGETS if t.registry == "npm")
    wanted = {name: version for name, _, version in (p.rpartition("@") for p in npm.pins)}
    assert targets._pinned(npm, wanted)
    assert not targets._pinned(npm, {**wanted, "scimmy": "9.9.9"})
    assert not targets._pinned(npm, {})


def test_every_server_is_pinned_on_loopback_in_its_own_environment() -> None:
    names = [t.name for t in targets.TARGETS]
    assert len(set(names)) == len(names) >= 4
    for target in targets.TARGETS:
        sep = "==" if target.registry == "PyPI" else "@"
        assert all(sep in pin.lstrip("@") for pin in target.pins), target.name
        assert target.home == ROOT / ".venv-crosscheck" / target.name
        argv = " ".join(target.launch(target.home, 4242, "tok"))
        # Loopback: the address is given, or the glue binds it (node, Django's runserver arg).
        assert "127.0.0.1" in argv or target.script, target.name
        assert target.base_path.startswith("/")
        if target.script:
            assert (ROOT / "tools" / "crosscheck_servers" / target.script).is_file()


SETUP_ROW = explain.SETUP


def test_a_row_cites_the_explanation_ref_or_else_the_check_own() -> None:
    assert crosscheck.check_ref("robustness-delete-twice").startswith("RFC 7644")
    row = crosscheck.Failure(
        "robustness-delete-twice",
        "MUST",
        "robustness/ids-and-methods",
        5,
        "DELETE /Users/{id} -> 204",
    )
    own = explain.explain(
        "RFC", "y", cause="c", checks=[row.check], scenarios=[row.scenario], did="204"
    )
    assert "rfc7644#section-3.6" in crosscheck.render_table([row], [own])
    assert "[docs/idp/entra.md](idp/entra.md)" in explain.linked("docs/idp/entra.md")


def test_every_explanation_names_a_server_known_checks_and_known_scenarios() -> None:
    load_all()
    scenarios = {
        yaml.safe_load(path.read_text("utf-8"))["id"]
        for path in (ROOT / "scenarios").rglob("*.yaml")
    }
    explanations = importlib.import_module("crosscheck_explanations").EXPLANATIONS
    assert set(explanations) <= {t.name for t in targets.TARGETS}
    for server, known in explanations.items():
        causes = [e.cause for e in known]
        assert len(set(causes)) == len(causes), server
        for e in known:
            assert all(c == explain.SETUP or c in registry for c in e.checks), (server, e.cause)
            assert e.scenarios and e.scenarios <= scenarios, (server, e.cause)
            assert e.why and "../" not in e.ref + e.why, (server, e.cause)
            # Without a check of its own, a setup row cites what the server breaks itself.
            assert e.ref or SETUP_ROW not in e.checks, (server, e.cause)


def _slugs(path: Path) -> set[str]:
    headings = [
        line.lstrip("#").strip()
        for line in path.read_text("utf-8").splitlines()
        if line.startswith("#")
    ]
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_project_doc_an_explanation_cites_resolves() -> None:
    explanations = importlib.import_module("crosscheck_explanations").EXPLANATIONS
    cited = {
        m[0]
        for known in explanations.values()
        for e in known
        for m in re.finditer(r"(?<![\w/])docs/[\w./-]+\.md(?:#[\w-]+)?", e.ref + " " + e.why)
    }
    assert cited
    for ref in cited:
        name, _, anchor = ref.partition("#")
        assert (ROOT / name).is_file(), ref
        assert not anchor or anchor in _slugs(ROOT / name), ref


def test_a_missing_tool_is_a_run_that_could_not_be_carried_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def no_npm(target: Any, out: Path) -> Any:
        raise FileNotFoundError(2, "No such file or directory", "npm")

    monkeypatch.setattr(crosscheck, "grade", no_npm)
    argv = [
        "crosscheck",
        "--server",
        "scimmy",
        "--out",
        str(tmp_path),
        "--doc",
        str(tmp_path / "d"),
    ]
    monkeypatch.setattr(sys, "argv", argv)
    assert crosscheck.main() == 2
    assert "scimmy: [Errno 2] No such file or directory: 'npm'" in capsys.readouterr().out
    assert not (tmp_path / "d").exists()


def test_an_open_harness_bug_is_shown_apart_never_as_the_servers(summary: Any) -> None:
    ours = explain.explain(
        explain.OPEN,
        "scimcert blames the wrong check.",
        cause="ours",
        checks=["no-such-explanation"],
        scenarios=["entra/attribute-update"],
        did=".",
    )
    run = server_run(summary, (*KNOWN, ours))
    assert [
        f.check for f, _ in crosscheck.open_harness_bugs(summary.failures, run.explanations)
    ] == ["no-such-explanation"]
    doc = crosscheck.render_doc(
        [run],
        run_command="x",
        scimcert="0",
        report_dirs={"scim2-server": "out"},
        when="2026-01-01T00:00:00+00:00",
    )
    assert "| 4 | 1 | 1 |" in doc  # four rows: one unexplained, one open harness bug
    opened = doc.split("## Harness mistakes this cross-check found")[1]
    assert "**ours** (`no-such-explanation` on scim2-server): scimcert blames" in opened
