"""The controller's end of the event stream: the results file, the gate, the derived reports.

`results.jsonl` is the canonical record; `index.html` and `junit.xml` are rendered from exactly
the records written to it (so `scimcert report` can rebuild them from the file alone). Two records
are the sink's own: `ChecksRegistered` (every check, with its former ids) after the header, and
`BaselineApplied` (the expected failures and the items they excused) before the end.
"""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from reports import console
from reports.build import SUMMARY_FILE, write_junit, write_summary
from reports.jsonl import RESULTS_FILE, JsonlWriter
from reports.model import build

from .baseline import Baseline
from .checks.references import links
from .checks.registry import registry
from .events import (
    FORMAT_VERSION,
    Event,
    ItemFinished,
    Outcome,
    RunFinished,
    RunStarted,
    to_record,
)
from .session import RunSettings
from .verdict import exit_code

Record = dict[str, Any]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("scimcert", "pytest", "requests", "jsonschema"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "unknown"
    return found


def checks_record() -> Record:
    """Every registered check, so a results file names its checks' levels and former ids."""
    checks = [
        {"id": c.id, "level": c.level.value, "ref": c.ref, "title": c.title, "quote": c.quote,
         "links": [{"text": link.text, "url": link.url} for link in links(c.ref)],
         "aliases": list(c.aliases), "always_on": c.always_on}
        for c in registry
    ]  # fmt: skip
    return {"event": "ChecksRegistered", "v": FORMAT_VERSION, "checks": checks}


@dataclass
class ResultsSink:
    settings: RunSettings
    report_dir: Path | None
    fail_on_warn: bool
    baseline: Baseline
    scenario_ids: tuple[str, ...] = ()
    junit_path: Path | None = None
    records: list[Record] = field(default_factory=list)
    finished: list[ItemFinished] = field(default_factory=list)
    _writer: JsonlWriter | None = None

    @classmethod
    def open(
        cls,
        config: Any,
        settings: RunSettings,
        scenario_ids: tuple[str, ...] = (),
        junit_path: Path | None = None,
    ) -> ResultsSink:
        report_dir = config.getoption("scim_report_dir")
        baseline_file = config.getoption("scim_baseline")
        return cls(
            settings=settings,
            report_dir=Path(report_dir) if report_dir else None,
            fail_on_warn=config.getoption("scim_fail_on") == "warn",
            baseline=Baseline.load(Path(baseline_file)) if baseline_file else Baseline(),
            scenario_ids=scenario_ids,
            junit_path=junit_path,
        )

    def start(self) -> None:
        if self.report_dir is not None:
            self._writer = JsonlWriter(self.report_dir / RESULTS_FILE)
        self.write_records([
            RunStarted(
                run_id=self.settings.run_id,
                seed=self.settings.seed,
                target=self.settings.url,
                profiles=tuple(profile.id for profile in self.settings.profiles()),
                scenarios=self.scenario_ids,
                versions=_versions(),
                insecure=self.settings.insecure,
                started_at=now(),
            )
        ])  # fmt: skip
        self._write(checks_record())

    def write_records(self, events: Iterable[Event]) -> None:
        for event in events:
            if isinstance(event, ItemFinished):
                self.finished.append(event)
            self._write(to_record(event))

    def _write(self, record: Record) -> None:
        self.records.append(record)
        if self._writer is not None:
            self._writer.write(record)

    def gated_outcomes(self) -> list[Outcome]:
        """Outcomes as the gate sees them: failures the baseline expects do not count."""
        return [
            Outcome.PASS if self.baseline.expects(item) else item.outcome for item in self.finished
        ]

    def _baseline_record(self) -> Record:
        expected = [item.item for item in self.finished if self.baseline.expects(item)]
        rules = self.baseline.entries()
        return {
            "event": "BaselineApplied",
            "v": FORMAT_VERSION,
            "rules": rules,
            "expected": expected,
        }

    def finish(self) -> int:
        code = exit_code(self.gated_outcomes(), fail_on_warn=self.fail_on_warn)
        counts = Counter(item.outcome.value for item in self.finished)
        self._write(self._baseline_record())
        self._write(to_record(RunFinished(counts=dict(counts), exit_code=code, finished_at=now())))
        if self._writer is not None:
            self._writer.close()
        if self.report_dir is not None:
            write_summary(self.records, self.report_dir / SUMMARY_FILE, now(), registry.aliases)
        if self.junit_path is not None:
            write_junit(self.records, self.junit_path, registry.aliases)
        return code

    def summary_lines(self) -> list[console.Line]:
        return console.lines(build(self.records, registry.aliases))
