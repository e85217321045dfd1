"""The README and docs/verdict.md state the exit codes and status words the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verdict.status import ExitCode, Status

ROOT = Path(__file__).resolve().parents[2]


def _first_cells(text: str, header: str) -> list[str]:
    """The first column of the markdown table whose header row starts with `header`."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"| {header} |"))
    cells = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells.append(re.sub(r"`", "", line.split("|")[1]).strip())
    return cells


@pytest.mark.parametrize("document", ["README.md", "docs/verdict.md"])
def test_the_exit_code_table_is_the_code(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    header = "exit code" if document == "README.md" else "code"
    assert _first_cells(text, header) == [str(int(code)) for code in ExitCode]


def test_the_status_table_is_the_code() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(_first_cells(text, "status")) == sorted(status.value for status in Status)


def test_the_table_reader_can_fail() -> None:
    assert _first_cells("| code | x |\n|---|---|\n| `9` | y |\n", "code") == ["9"]
