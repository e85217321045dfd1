"""A broken profile stops `scimcert run --list` with exit 2 before anything is sent, naming the
profile file, the line and what is allowed there: an option value typo, an option no strategy
reads, a strategy no dialect registers. (A scenario's unknown verb, `do: deactivte`, is shown the
same way in tests/harness/test_plan_verbs.py.)"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli.main import main
from mock_idp import profile

SHIPPED = Path(profile.__file__).with_name("profiles")


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped profiles, which the run loads instead of them."""
    folder = tmp_path / "profiles"
    shutil.copytree(SHIPPED, folder)
    monkeypatch.setattr(profile, "PROFILES", folder)
    monkeypatch.chdir(tmp_path)  # no pyproject.toml settings of this checkout
    profile.all_profiles.cache_clear()
    yield folder
    profile.all_profiles.cache_clear()


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _run_list(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["run", "--url", "http://127.0.0.1:9/scim/v2", "--idp", "all", "--list"])
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing listed, nothing sent
    return code, captured.err


def test_the_copied_profiles_list(profiles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The fixture alone breaks nothing: the errors below are the edits'."""
    assert main(["run", "--url", "http://127.0.0.1:9/scim/v2", "--idp", "entra", "--list"]) == 0
    assert "nothing was sent" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "old", "new", "said"),
    [
        (
            "entra.yaml",
            "ops: capitalised",
            "ops: capitalized",
            "profile entra.yaml:17: /options/ops: 'capitalized' is not one of "
            "['lowercase', 'capitalised']",
        ),
        (
            "rfc.yaml",
            "    value: false",
            "    valu: false",
            "profile rfc.yaml:22: /verbs/deactivate/valu: unknown option 'valu' of strategy "
            "'patch-active'; "
            "it reads: booleans, op, ops, path, ref, strategy, value",
        ),
        (
            "ping.yaml",
            "strategy: ping-remove-user",
            "strategy: ping-remove-usr",
            "profile ping.yaml:40: /verbs/unassign/strategy: unknown strategy 'ping-remove-usr'; "
            "strategies: ",
        ),
    ],
)
def test_a_broken_profile_is_exit_2_with_file_line_and_choices(
    profiles: Path, capsys: pytest.CaptureFixture[str], name: str, old: str, new: str, said: str
) -> None:
    _edit(profiles, name, old, new)
    code, err = _run_list(capsys)
    assert code == 2
    assert err.startswith(f"scimcert run: {said}")
