"""The vendor suites are data under `suites/suite.schema.json`: every packaged one loads and
names scenarios, profiles and checks that exist; a broken one is a usage error with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks import load_all
from harness.checks.registry import registry
from harness.engine.session import RunSettings
from harness.scenario.model import default_scenarios, load_scenarios
from harness.scenario.source import ScenarioError
from harness.suites.loading import SuiteError, known_suites, load_suite, load_suite_file
from mock_idp.profile import all_profiles

GOOD = """\
id: tiny
title: A vendor's gate
vendor: Example
sources:
  - {url: "https://example.com/tests", revision: "v1"}
profiles: [rfc]
rule: runscope-every-step
result_file: okta-runscope-result
tests:
  - name: First step
    category: Required
    scenarios: [core/errors]
    emulated: the same request
"""


def test_the_packaged_suites_are_microsofts_and_oktas() -> None:
    assert known_suites() == ["entra-gallery", "okta-oin"]
    assert len(load_suite("entra-gallery").tests) == 25  # Microsoft's Final_TestResults


@pytest.mark.parametrize("name", known_suites())
def test_a_suite_names_what_exists(name: str) -> None:
    """Its profiles are profile ids, each scenario runs under one of them, and each check it
    judges by is registered and evaluated by one of the test's scenarios."""
    load_all()
    suite = load_suite(name)
    assert set(suite.profiles) <= set(all_profiles())
    settings = RunSettings(url="", profile_ids=suite.profiles, scenario_ids=suite.scenario_ids)
    by_id = {s.id: s for s in load_scenarios(default_scenarios())}
    for test in suite.tests:
        for scenario_id in test.scenarios:
            scenario = by_id[scenario_id]
            assert any(settings.selects(scenario, p) for p in settings.profiles()), scenario_id
        named = {
            c
            for scenario_id in test.scenarios
            for step in by_id[scenario_id].steps
            for e in step.expects
            for c in (e.check, *e.checks)
        }
        for check in test.checks:
            assert check in registry, check
            assert check in named, (test.name, check)


@pytest.mark.parametrize("name", known_suites())
def test_a_test_nothing_local_stands_for_says_why(name: str) -> None:
    for test in load_suite(name).tests:
        if not test.scenarios:
            assert test.skipped or test.cloud_only, test.name


def test_a_suite_selects_exactly_its_profiles() -> None:
    """`entra` names a profile and a family: the suite means the profile alone."""
    settings = RunSettings(url="", idp="entra", profile_ids=("entra",))
    assert [p.id for p in settings.profiles()] == ["entra"]
    assert len(RunSettings(url="", idp="entra").profiles()) > 1


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("    category: Required\n", ""), 10, "missing required key 'category'"),
        (("rule: runscope-every-step", "rule: best-of-three"), 7, "unknown suite rule"),
        (("result_file: okta-runscope-result", "result_file: pdf"), 8, "unknown result file"),
        (("    scenarios: [core/errors]\n", "    scenarios: []\n"), 10, "needs `cloud_only`"),
        (("id: tiny", "id: other"), 1, "must be its file name 'tiny'"),
        (('  - {url: "https://example.com/tests"', '  - {url: "ftp://x"'), 5, "https URL"),
        (("    category: Required\n", "    category: Required: yes\n"), 11, "invalid YAML"),
    ],
)
def test_a_broken_suite_file_names_its_line(
    tmp_path: Path, change: tuple[str, str], line: int, message: str
) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    assert GOOD.replace(*change) != GOOD
    with pytest.raises(ScenarioError) as caught:
        load_suite_file(path)
    assert f"{path}:{line}:" in str(caught.value)
    assert message in str(caught.value)


def test_the_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    suite = load_suite_file(path)
    assert suite.scenario_ids == ("core/errors",) and suite.tests[0].line == 10


def test_an_unknown_suite_lists_the_known_ones() -> None:
    with pytest.raises(
        SuiteError, match="unknown suite 'gallery'; suites: entra-gallery, okta-oin"
    ):
        load_suite("gallery")
