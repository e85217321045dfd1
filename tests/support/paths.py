"""The project's folders, found from this file so a test's own depth never matters."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
TESTS = ROOT / "tests"
