"""A suite run's rerun lines: the run again with its `--suite`, one item alone without it (a suite
chooses its own scenarios, so `--suite` beside `--scenario` would be a usage error)."""

from __future__ import annotations

import shlex

from reports.rerun import command, item_command

OPTIONS = {"--url": "http://127.0.0.1:8080/scim", "--suite": "okta-oin", "--seed": "7"}


def test_the_run_is_repeated_with_its_suite() -> None:
    assert shlex.split(command(OPTIONS))[2:] == [
        "--url",
        "http://127.0.0.1:8080/scim",
        "--suite",
        "okta-oin",
        "--seed",
        "7",
    ]


def test_one_item_is_rerun_without_the_suite() -> None:
    words = shlex.split(item_command(OPTIONS, "okta/spec-test", "okta-oin"))
    assert "--suite" not in words
    assert words[words.index("--scenario") + 1] == "okta/spec-test"
    assert words[words.index("--idp") + 1] == "okta-oin"
