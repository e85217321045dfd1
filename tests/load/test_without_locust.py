"""`scimcert load` on an install without the load extra says which extra to install."""

from __future__ import annotations

import argparse
import importlib.util

import pytest

from harness.load import command


def test_without_locust_the_load_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "locust" else real(name, *a)
    )
    assert command.main(argparse.Namespace()) == 2
    said = capsys.readouterr()
    assert "pip install 'scimcert[load]'" in said.out + said.err
    assert "Traceback" not in said.out + said.err
