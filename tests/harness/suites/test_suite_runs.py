"""`scimcert run --suite` against the reference server, end to end: the vendor's result in every
output, the vendor-shaped file beside the reports, the exit code answering the suite, and never a
bare PASS (a suite is a subset of the scenarios: PARTIAL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from reports.jsonl import read_records
from reports.validate import problems
from tests.support.paths import ROOT
from tests.support.reference import (
    APP_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    SCIM_TOKEN,
    RunningServer,
    run_argv,
)

ENTRA_CLOUD = (
    "3 test(s) need Microsoft's cloud: Federated_Identity_Test, POD_User_Test, POD_Group_Test"
)
AUTH = (
    "neither Validate_Credentials_Test nor Federated_Identity_Test PASSED "
    "(one authentication test must pass)"
)
Done = tuple[subprocess.CompletedProcess[str], dict[str, Any]]


def scimcert_run(server: RunningServer, report: Path, *args: str) -> Done:
    env = {
        **os.environ,
        "SCIM_TOKEN": SCIM_TOKEN,
        "SCIM_APP_TOKEN": APP_TOKEN,
        "SCIM_CLIENT_SECRET": CLIENT_SECRET,
    }
    command = run_argv(server, report, *args)
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    return done, json.loads(done.stdout.strip().splitlines()[-1])


def outputs_name_the_suite(report: Path, summary: dict[str, Any], headline: str) -> None:
    """The terminal, --json, index.html and junit.xml all say the suite's qualified result, and
    the run's own verdict stays PARTIAL."""
    records = list(read_records(report / "results.jsonl"))
    assert problems(records) == []
    assert summary["status"] == "PARTIAL" and summary["suite"]["headline"] == headline
    assert headline in (report / "index.html").read_text(encoding="utf-8").replace("&#x27;", "'")
    junit = ElementTree.fromstring((report / "junit.xml").read_bytes())  # noqa: S314 - our own
    found = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert found["scimcert.suite-headline"] == headline


@pytest.mark.slow
def test_okta_oin_passes_on_the_reference_server(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    # A server of its own: the SPEC test reads whatever user the server lists first.
    server = server_factory(name="okta-suite.db")
    done, summary = scimcert_run(server, tmp_path, "--suite", "okta-oin")
    assert done.returncode == 0, done.stdout + done.stderr
    suite = summary["suite"]
    assert (suite["result"], suite["passed"], suite["reasons"]) == ("Passed", True, [])
    results = {(t["part"], t["name"]): t["result"] for t in suite["tests"]}
    assert len(suite["tests"]) == 26
    assert results[("SCIM 2.0 SPEC Test", "Required Test: Get Users/{{id}} ")] == "PASSED"
    skipped = sorted(name for (_, name), result in results.items() if result == "SKIPPED")
    assert skipped == ["Add new random user to Okta", "Check SCIM Apps instance in Okta "]
    # The reference server lists /Roles in /ResourceTypes: Okta's Entitlements test pages it.
    entitlements = (
        "SCIM 2.0 Entitlements Test",
        "Duplicate the request for multiple Entitlement Endpoints",
    )
    assert results[entitlements] == "PASSED"
    assert set(results.values()) == {"PASSED", "SKIPPED"}
    headline = suite["headline"]
    assert headline.startswith("okta-oin: Passed (scimcert emulation; 2 test(s) need Okta's cloud")
    assert headline in done.stdout
    outputs_name_the_suite(tmp_path, summary, headline)
    written = json.loads((tmp_path / suite["result_file"]).read_text(encoding="utf-8"))
    assert written["result"] == "pass" and suite["result_file"].startswith("okta-oin-result-")
    assert [t["name"] for t in written["tests"]] == [
        "SCIM 2.0 SPEC Test",
        "SCIM 2.0 CRUD Test",
        "SCIM 2.0 Entitlements Test",
    ]
    assert [r["result"] for r in written["tests"][0]["requests"]] == ["pass"] * 12
    assert [r["result"] for r in written["tests"][2]["requests"]] == ["pass"]


@pytest.mark.slow
def test_entra_gallery_succeeds_with_oauth_on_the_reference_server(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    """With the team's OAuth client, Validate_Credentials_Test passes, and so does Microsoft's
    overall rule; the three tests only Microsoft's cloud runs are SKIPPED and named."""
    server = server_factory(name="entra-oauth-suite.db")
    oauth = ("--auth", "oauth", "--token-url", server.token_url, "--client-id", CLIENT_ID)
    done, summary = scimcert_run(server, tmp_path, "--suite", "entra-gallery", *oauth)
    assert done.returncode == 0, done.stdout + done.stderr
    suite = summary["suite"]
    assert (suite["result"], suite["passed"], suite["reasons"]) == ("Succeeded", True, [])
    results = {t["name"]: t["result"] for t in suite["tests"]}
    skipped = sorted(name for name, result in results.items() if result == "SKIPPED")
    assert skipped == ["Federated_Identity_Test", "POD_Group_Test", "POD_User_Test"]
    assert results["Validate_Credentials_Test"] == "PASSED"
    assert suite["headline"] == f"entra-gallery: Succeeded (scimcert emulation; {ENTRA_CLOUD})"
    outputs_name_the_suite(tmp_path, summary, suite["headline"])
    text = (tmp_path / suite["result_file"]).read_text(encoding="utf-8")
    assert json.loads(text)["overallResultFromTests"] == "Succeeded"
    assert CLIENT_SECRET not in text and SCIM_TOKEN not in text


@pytest.mark.slow
def test_entra_gallery_fails_on_the_auth_rule_alone_without_oauth(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    """With a static bearer token, neither authentication test can pass: Microsoft's rule says
    Failed, and for that reason alone; every test a local stand-in runs passes."""
    server = server_factory(name="entra-suite.db")
    done, summary = scimcert_run(server, tmp_path, "--suite", "entra-gallery")
    assert done.returncode == 1, done.stdout + done.stderr
    suite = summary["suite"]
    assert (suite["result"], suite["passed"], suite["reasons"]) == ("Failed", False, [AUTH])
    assert {t["result"] for t in suite["tests"]} == {"PASSED", "SKIPPED"}
    oauth = next(t for t in suite["tests"] if t["name"] == "Validate_Credentials_Test")
    assert oauth["result"] == "SKIPPED"
    assert ENTRA_CLOUD in suite["headline"] and suite["headline"] in done.stdout
    assert "exit code 1: the suite's overall result is Failed" in done.stdout
    outputs_name_the_suite(tmp_path, summary, suite["headline"])
    # `scimcert report` renders it again from results.jsonl alone.
    again = tmp_path.parent / "again"
    command = [
        sys.executable,
        "-m",
        "harness.cli.main",
        "report",
        str(tmp_path),
        "--out",
        str(again),
    ]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, timeout=120)
    page = (again / "index.html").read_text(encoding="utf-8").replace("&#x27;", "'")
    assert suite["headline"] in page
    written = json.loads((tmp_path / suite["result_file"]).read_text(encoding="utf-8"))
    assert suite["result_file"] == f"validation-result-{summary['run_id']}.json"
    assert list(written)[:4] == [
        "validationResult",
        "runStatus",
        "overallResultFromTests",
        "validationChecks",
    ]
    assert (written["overallResultFromTests"], written["runStatus"]) == ("Failed", "Succeeded")
    assert (written["logicAppName"], written["subscriptionId"]) == ("scimcert", None)
    by_name = {t["testName"]: t for t in written["testResults"]}
    assert len(by_name) == 25 and by_name["Create_User_Test"]["testResult"] == "success"
    assert by_name["POD_User_Test"]["testResult"].startswith("SKIPPED - cloud only: Graph")
    assert all(t["message"].startswith("scimcert emulation: ") for t in written["testResults"])
    assert SCIM_TOKEN not in (tmp_path / suite["result_file"]).read_text(encoding="utf-8")


def test_a_suite_chooses_its_own_scenarios_profiles_and_gate(tmp_path: Path) -> None:
    """Found before anything is sent: --suite with --scenario, --idp or --gate is exit 2."""
    env = {**os.environ, "SCIM_TOKEN": SCIM_TOKEN}
    for extra in (["--scenario", "core/errors"], ["--idp", "okta"], ["--gate", "rfc"]):
        command = [
            sys.executable,
            "-m",
            "harness.cli.main",
            "run",
            "--url",
            "http://127.0.0.1:9/scim",
            "--suite",
            "okta-oin",
            "--report-dir",
            str(tmp_path),
            *extra,
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
        assert done.returncode == 2, done.stderr
        assert f"chooses the scenarios, the profiles and the gate itself; drop {extra[0]}" in (
            done.stderr
        )
