"""A vendor suite (`suites/*.yaml`) as the harness uses it: its tests and what stands for them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SuiteTest:
    """One vendor test (or step), and what stands for it here."""

    name: str
    category: str
    emulated: str
    part: str = ""
    optional: bool = False  # a failure is a WARNING (the vendor says so)
    role: str = ""  # "auth": one of the tests of which one must pass (Microsoft)
    scenarios: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    cloud_only: str = ""
    skipped: str = ""
    line: int = 0

    @property
    def label(self) -> str:
        """The name a reader finds it by: the vendor's, after its part where there are several."""
        return f"{self.part}: {self.name.strip()}" if self.part else self.name.strip()

    @property
    def needs_cloud(self) -> bool:
        """Nothing local stands for it, because only the vendor's cloud can run it."""
        return not self.scenarios and not self.skipped


@dataclass(frozen=True, slots=True)
class Suite:
    id: str
    title: str
    vendor: str
    sources: tuple[dict[str, str], ...]
    profiles: tuple[str, ...]
    rule: str
    result_file: str
    tests: tuple[SuiteTest, ...]
    source: Path

    @property
    def scenario_ids(self) -> tuple[str, ...]:
        """Every scenario the suite runs, once, in the order its tests first name them."""
        return tuple(dict.fromkeys(s for test in self.tests for s in test.scenarios))
