"""A verb a scenario misspells, or a profile verb no strategy serves, is a usage error (exit 2)
found before anything is sent, naming the file and line and the valid names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mock_idp import strategies
from mock_idp.profile import all_profiles
from tests.support.paths import ROOT

TYPO = """id: typo/verb
title: A verb spelled wrong
steps:
  - {do: assign, user: alice, save: {uid: /id}}
  - {do: deactivte, user: alice}
"""


def test_a_misspelt_verb_is_exit_2_with_file_line_and_the_verbs(tmp_path: Path) -> None:
    (tmp_path / "typo").mkdir()
    (tmp_path / "typo" / "verb.yaml").write_text(TYPO, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli.main",
            "run",
            "--url",
            "http://127.0.0.1:9/scim/v2",
            "--scenarios",
            str(tmp_path),
            "--list",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert f"{tmp_path / 'typo' / 'verb.yaml'}:5: unknown verb 'deactivte'" in done.stderr
    assert "deactivate" in done.stderr and done.stdout == ""


def test_every_profile_verb_has_a_strategy() -> None:
    """Loading held each verb to a registered strategy; this says so of the shipped profiles."""
    named = {str(o["strategy"]) for p in all_profiles().values() for o in p.verbs.values()}
    assert named <= set(strategies.STRATEGIES)


def test_a_strategy_name_cannot_be_registered_twice() -> None:
    taken = next(iter(strategies.STRATEGIES))
    with pytest.raises(ValueError, match="registered twice"):
        strategies.strategy(taken)(strategies.STRATEGIES[taken].run)
