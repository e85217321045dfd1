"""`junit.xml` from the records: one testsuite per IdP profile, one testcase per scenario x profile.

The layout is the one Jenkins, GitLab and pytest's own `xunit1` agree on: `testsuites` >
`testsuite` (properties, testcases) > `testcase` (properties, then skipped | failure | error, then
system-out). Text from the server may hold anything, so characters XML 1.0 cannot carry
(control characters, lone surrogates) are removed before ElementTree escapes the rest.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from . import suite as vendor_suite
from .difference import first_difference
from .model import Item, Record, RunView
from .text import describe

# XML 1.0 section 2.2: everything outside these ranges may not appear in a document at all.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MESSAGE_LIMIT = 1000


def clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def _element(parent: ElementTree.Element, kind: str, text: str = "", **attributes: object) -> None:
    child = ElementTree.SubElement(parent, kind, {k: clean(v) for k, v in attributes.items()})
    if text:
        child.text = clean(text)


def _properties(parent: ElementTree.Element, values: dict[str, object]) -> None:
    box = ElementTree.SubElement(parent, "properties")
    for name, value in values.items():
        if value not in ("", None, ()):
            _element(box, "property", name=name, value=value)


def _outcome(case: ElementTree.Element, item: Item) -> None:
    message = clean(first_difference(item))[:MESSAGE_LIMIT]
    if item.expected:
        # As pytest writes an xfail: the gate did not count it, so CI must not either.
        _element(case, "skipped", type="expected-failure", message=f"expected failure: {message}")
    elif item.outcome == "FAIL":
        _element(case, "failure", describe(item), type="FAIL", message=message)
    elif item.outcome == "ERROR":
        _element(case, "error", describe(item), type="ERROR", message=message)
    elif item.outcome == "SKIP":
        _element(case, "skipped", type="SKIP", message=message)
    elif not item.finished:
        # An error, not a skip: a consumer that only counts failures must not see the
        # interrupted run as green.
        _element(case, "error", item.reason, type="NOT RUN", message=f"not run: {item.reason}")


def _testcase(suite: ElementTree.Element, item: Item) -> None:
    case = ElementTree.SubElement(
        suite,
        "testcase",
        # Dotted, so CI servers file cases by profile, then scenario folder (not all at "root").
        classname=clean(f"scimcert.{item.profile}.{item.scenario.replace('/', '.')}"),
        name=clean(item.item),
        time=f"{item.duration_ms / 1000:.3f}",
    )
    _properties(
        case,
        {
            "scimcert.outcome": item.outcome,
            "scimcert.expected-failure": "true" if item.expected else "",
            "scimcert.profile": item.profile,
            "scimcert.scenario-file": item.source,
            "scimcert.reason": item.reason,
            "scimcert.warned-checks": " ".join(c["check"] for c in item.broken("SHOULD")),
            "scimcert.warning": first_difference(item) if item.outcome == "WARN" else "",
            "scimcert.rerun": item.rerun,
        },
    )
    _outcome(case, item)
    if item.outcome == "WARN" or item.expected:
        # They pass the gate, so no failure element carries their text: system-out does.
        # A FAIL or ERROR has it in its element already, and is not repeated.
        _element(case, "system-out", describe(item))


def _suite(root: ElementTree.Element, view: RunView, profile: str) -> None:
    items = view.of_profile(profile)
    counted = [item for item in items if not item.expected]
    suite = ElementTree.SubElement(
        root,
        "testsuite",
        name=clean(f"scimcert[{profile}]"),
        tests=str(len(items)),
        failures=str(sum(item.outcome == "FAIL" for item in counted)),
        errors=str(sum(item.outcome == "ERROR" or not item.finished for item in counted)),
        skipped=str(sum(item.outcome == "SKIP" or item.expected for item in items)),
        time=f"{sum(item.duration_ms for item in items) / 1000:.3f}",
        timestamp=clean(view.header.get("started_at", "")),
    )
    header, run = view.header, view.assessment.run
    verdict = view.assessment.profile(profile) or run
    _properties(
        suite,
        {
            "scimcert.run-id": header.get("run_id"),
            "scimcert.seed": header.get("seed"),
            "scimcert.target": header.get("target"),
            "scimcert.profile": profile,
            "scimcert.profile-verdict": verdict.verdict.value,
            "scimcert.profile-status": verdict.status.value,
            "scimcert.run-verdict": run.word,
            "scimcert.run-status": run.status.value,
            "scimcert.run-headline": run.headline(),
            "scimcert.exit-code": int(view.assessment.exit_code),
            "scimcert.gate": view.assessment.gate,
            **{f"scimcert.question.{q}": v.value for q, v in view.assessment.questions.items()},
            **_suite_properties(view.suite),
        },
    )
    for item in items:
        _testcase(suite, item)


def _suite_properties(record: Record | None) -> dict[str, object]:
    if record is None:
        return {}
    return {
        "scimcert.suite": record["suite"],
        "scimcert.suite-result": record["result"],
        "scimcert.suite-headline": vendor_suite.headline(record),
        "scimcert.suite-result-file": record["result_file"],
    }


def _vendor_suite(root: ElementTree.Element, record: Record) -> None:
    """The vendor's tests as testcases: FAILED a failure, SKIPPED skipped, WARNING in system-out."""
    tests = record["tests"]
    suite = ElementTree.SubElement(
        root,
        "testsuite",
        name=clean(f"scimcert-suite[{record['suite']}]"),
        tests=str(len(tests)),
        failures=str(sum(test["result"] == "FAILED" for test in tests)),
        errors="0",
        skipped=str(sum(test["result"] == "SKIPPED" for test in tests)),
    )
    _properties(suite, _suite_properties(record))
    for test in tests:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=clean(f"scimcert-suite.{record['suite']}"),
            name=clean(vendor_suite.test_label(test)),
        )
        _properties(
            case, {"scimcert.category": test["category"], "scimcert.result": test["result"]}
        )
        detail = clean(test["detail"])[:MESSAGE_LIMIT]
        if test["result"] == "FAILED":
            _element(case, "failure", detail, type="FAILED", message=detail)
        elif test["result"] == "SKIPPED":
            _element(case, "skipped", type="SKIPPED", message=detail)
        elif test["result"] == "WARNING":
            _element(case, "system-out", f"WARNING: {detail}")


def render(view: RunView) -> bytes:
    root = ElementTree.Element("testsuites", name="scimcert")
    for profile in view.profiles:
        _suite(root, view, profile)
    if view.suite is not None:
        _vendor_suite(root, view.suite)
    suites = list(root)
    for name in ("tests", "failures", "errors", "skipped"):
        root.set(name, str(sum(int(suite.get(name, "0")) for suite in suites)))
    ElementTree.indent(root)
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
