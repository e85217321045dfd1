"""`junit.xml`: valid JUnit, one testcase per scenario x profile, WARN and SKIP reasons kept."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from reports.junit import render
from reports.model import build
from tests.support.reference import RunningServer
from tests.support.report_runs import ReportRun, failing_run
from tests.support.sample_records import check, one_item
from tests.support.xml_reading import attr, child, parse_xml, text_of

# The order of a testcase's children that JUnit readers (Jenkins, GitLab, pytest) agree on.
CASE_CHILDREN = ("properties", "skipped", "failure", "error", "system-out")


@pytest.fixture(scope="session")
def run(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> ReportRun:
    return failing_run(server, tmp_path_factory)


def _cases(xml: bytes) -> dict[str, ElementTree.Element]:
    root = parse_xml(xml)
    return {str(case.get("name")): case for case in root.iter("testcase")}


def _properties(case: ElementTree.Element) -> dict[str, str | None]:
    return {str(p.get("name")): p.get("value") for p in case.iter("property")}


@pytest.mark.slow
def test_one_testcase_per_item_in_a_suite_per_profile(run: ReportRun) -> None:
    root = parse_xml((run.report_dir / "junit.xml").read_bytes())
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "scimcert[rfc]"
    names = sorted(attr(case, "name") for case in suite.iter("testcase"))
    assert names == sorted(
        f"report/{name}[rfc]"
        for name in (
            "cascade",
            "harness-error",
            "known-gap",
            "needs-change-password",
            "passes",
            "warns",
            "wrong-display-name",
        )
    )
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("7", "2", "1")
    assert suite.get("skipped") == "2"  # the SKIP and the expected failure
    for case in suite.iter("testcase"):
        kinds = [child.tag for child in case]
        assert kinds == sorted(kinds, key=CASE_CHILDREN.index)
        assert case.get("classname") and float(str(case.get("time"))) >= 0


@pytest.mark.slow
def test_outcomes_and_their_reasons(run: ReportRun) -> None:
    cases = _cases((run.report_dir / "junit.xml").read_bytes())
    failed = cases["report/wrong-display-name[rfc]"]
    failure = child(failed, "failure")
    assert attr(failure, "message").startswith('/displayName: expected "Somebody Else", got ')
    assert "[MUST user-created, rfc]" in attr(failure, "message")
    assert failed.find("system-out") is None  # the failure element holds the text, once
    assert failed.get("classname") == "scimcert.rfc.report.wrong-display-name"
    assert "Somebody Else" in text_of(failure) and "$SCIM_TOKEN" in text_of(failure)
    skipped = child(cases["report/needs-change-password[rfc]"], "skipped")
    assert "changePassword" in attr(skipped, "message")
    error = child(cases["report/harness-error[rfc]"], "error")
    assert "step 1 (line 7)" in attr(error, "message")
    expected = child(cases["report/known-gap[rfc]"], "skipped")
    assert attr(expected, "type") == "expected-failure"


@pytest.mark.slow
def test_a_warning_passes_but_keeps_its_reason(run: ReportRun) -> None:
    warned = _cases((run.report_dir / "junit.xml").read_bytes())["report/warns[rfc]"]
    assert warned.find("failure") is None and warned.find("skipped") is None
    assert _properties(warned)["scimcert.outcome"] == "WARN"
    assert "SHOULD scenario-expectation" in text_of(child(warned, "system-out"))
    warning = str(_properties(warned)["scimcert.warning"])
    assert "[SHOULD scenario-expectation, robustness]" in warning


@pytest.mark.slow
def test_server_text_is_escaped(run: ReportRun) -> None:
    raw = (run.report_dir / "junit.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw


def test_characters_xml_cannot_hold_are_removed() -> None:
    hostile = '{"detail": "nul \\u0000 esc \\u001b bell \\u0007 lone \\ud800 ok \\u00e9"}'
    records = one_item("FAIL", [check("s/one[rfc]", "user-created")], body=hostile)
    records[2]["exchange"]["response"]["body"] = "nul \x00 esc \x1b lone \ud800 end"
    records[3]["findings"][0]["actual"] = "form feed \x0c"
    xml = render(build(records))
    text = xml.decode("utf-8")
    assert not any(ch in text for ch in "\x00\x1b\x07\x0c")
    case = _cases(xml)["s/one[rfc]"]
    assert "nul  esc  lone  end" in text_of(child(case, "failure"))


@pytest.mark.slow
def test_a_junit_consumer_reads_classnames_differences_and_warnings(run: ReportRun) -> None:
    """junitparser, as CI plugins read the file: dotted classnames, the difference as the
    failure message, warnings as a property and in system-out, the run status on the suite."""
    from junitparser import Failure, JUnitXml

    xml = JUnitXml.fromfile(str(run.report_dir / "junit.xml"))
    (suite,) = list(xml)
    cases = {case.name: case for case in suite}
    failed = cases["report/wrong-display-name[rfc]"]
    assert failed.classname == "scimcert.rfc.report.wrong-display-name"
    (failure,) = [r for r in failed.result if isinstance(r, Failure)]
    assert failure.message.startswith('/displayName: expected "Somebody Else", got ')
    warned = cases["report/warns[rfc]"]
    assert warned.is_passed and "SHOULD scenario-expectation" in (warned.system_out or "")
    properties = {p.name: p.value for p in suite.properties()}  # type: ignore[no-untyped-call]
    assert properties["scimcert.run-status"] in ("COMPLETE", "PARTIAL", "WAIVED")
    assert properties["scimcert.run-verdict"]
