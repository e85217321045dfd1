"""The live bar on a terminal: a running count of outcomes beside the item that just ended."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.plugin.progress import ProgressBar


def _teardown(nodeid: str, outcome: str) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid,
        ("x", 0, ""),
        {},
        "passed",
        None,
        "teardown",
        user_properties=[("scimcert.outcome", outcome)],
    )


def test_the_bar_counts_outcomes_as_items_end(tmp_path: Path) -> None:
    bar = ProgressBar(3, tmp_path)
    for name, outcome in (("a[rfc]", "PASS"), ("b[rfc]", "FAIL"), ("c[rfc]", "PASS")):
        bar.pytest_runtest_logreport(_teardown(f"f.yaml::{name}", outcome))
    task = bar.progress.tasks[0]
    assert task.completed == 3
    assert task.description == "PASS 2 FAIL 1  c[rfc]"
