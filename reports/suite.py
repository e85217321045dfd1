"""A vendor suite's result (`SuiteJudged`, written by `scimcert run --suite`), in words.

The suite's overall result is its vendor's rule applied to scimcert's emulation of the vendor's
tests: every output names it with that qualification, never as a bare PASS, and beside (not
instead of) the run's own verdict, which stays PARTIAL because a suite is a subset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .html import Markup, table, tag

Record = Mapping[str, Any]
SUITE_JUDGED = "SuiteJudged"
PASSED = "PASSED"


def find(records: Sequence[Record]) -> Record | None:
    return next((r for r in records if r.get("event") == SUITE_JUDGED), None)


def headline(record: Record) -> str:
    """`entra-gallery: Succeeded (scimcert emulation; 3 test(s) need Microsoft's cloud: ...)`"""
    return f"{record['suite']}: {record['result']} ({record['caveat']})"


def test_label(test: Record) -> str:
    name = str(test["name"]).strip()
    return f"{test['part']}: {name}" if test.get("part") else name


def test_lines(record: Record) -> list[str]:
    """One line per vendor test, in the vendor's order: its result, name, category and why."""
    found = []
    for test in record["tests"]:
        why = f": {test['detail']}" if test["result"] != PASSED and test["detail"] else ""
        found.append(f"{test['result']:<8} {test_label(test)} ({test['category']}){why}")
    return found


def suite_summary(record: Record) -> dict[str, Any]:
    """For `scimcert run --json`."""
    return {
        "id": record["suite"],
        "result": record["result"],
        "passed": record["passed"],
        "headline": headline(record),
        "reasons": list(record["reasons"]),
        "result_file": record["result_file"],
        "tests": [
            {
                "name": test["name"],
                "part": test["part"],
                "category": test["category"],
                "result": test["result"],
                "detail": test["detail"],
            }
            for test in record["tests"]
        ],
    }


def _row(test: Record) -> list[object]:
    outcome = {"PASSED": "PASS", "FAILED": "FAIL", "WARNING": "WARN", "SKIPPED": "SKIP"}
    cell = tag("span", test["result"], class_=f"badge {outcome[test['result']]}")
    stand_in = ", ".join(test["items"]) or "none"
    return [
        test_label(test),
        test["category"],
        cell,
        test["detail"],
        f"{test['emulated']} ({stand_in})",
        test["cloud_only"],
    ]


def section(record: Record | None) -> Markup:
    """index.html's section: the headline, why, every test, and the vendor's sources."""
    if record is None:
        return Markup()
    reasons = [tag("li", reason) for reason in record["reasons"]]
    sources = [
        tag("li", tag("a", s["url"], href=s["url"]), f" ({s['revision']})")
        for s in record["sources"]
    ]
    heads = ["test", "category", "result", "why", "emulated by (items)", "only the vendor's cloud"]
    file_note = (
        tag("p", f"Result file in the vendor's shape: {record['result_file']}")
        if record["result_file"]
        else Markup()
    )
    return tag(
        "section",
        tag("h2", f"Vendor suite: {record['title']}"),
        tag("p", tag("strong", headline(record))),
        tag("ul", *reasons) if reasons else Markup(),
        file_note,
        table(heads, [_row(test) for test in record["tests"]]),
        tag("p", "Sources:"),
        tag("ul", *sources),
        id="suite",
    )
