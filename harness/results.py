"""The controller's end of the event stream: the results file, the gate, the console summary."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import reports.summary as summary
from reports.jsonl import RESULTS_FILE, JsonlWriter

from .baseline import Baseline
from .events import Event, ItemFinished, Outcome, RunFinished, RunStarted, to_record
from .session import RunSettings
from .verdict import exit_code

SUMMARY_FILE = "index.html"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("scimcert", "pytest", "requests", "jsonschema"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "unknown"
    return found


@dataclass
class ResultsSink:
    settings: RunSettings
    report_dir: Path | None
    fail_on_warn: bool
    baseline: Baseline
    scenario_ids: tuple[str, ...] = ()
    records: list[dict[str, Any]] = field(default_factory=list)
    finished: list[ItemFinished] = field(default_factory=list)
    _writer: JsonlWriter | None = None

    @classmethod
    def open(cls, config: Any, settings: RunSettings) -> ResultsSink:
        report_dir = config.getoption("scim_report_dir")
        baseline_file = config.getoption("scim_baseline")
        return cls(
            settings=settings,
            report_dir=Path(report_dir) if report_dir else None,
            fail_on_warn=config.getoption("scim_fail_on") == "warn",
            baseline=Baseline.load(Path(baseline_file)) if baseline_file else Baseline(),
        )

    def start(self) -> None:
        if self.report_dir is not None:
            self._writer = JsonlWriter(self.report_dir / RESULTS_FILE)
        self._write(
            RunStarted(
                run_id=self.settings.run_id,
                seed=self.settings.seed,
                target=self.settings.url,
                profiles=tuple(profile.id for profile in self.settings.profiles()),
                scenarios=self.scenario_ids,
                versions=_versions(),
                insecure=self.settings.insecure,
                started_at=_now(),
            )
        )

    def write_records(self, events: Iterable[Event]) -> None:
        for event in events:
            if isinstance(event, ItemFinished):
                self.finished.append(event)
            self._write(event)

    def _write(self, event: Event) -> None:
        record = to_record(event)
        self.records.append(record)
        if self._writer is not None:
            self._writer.write(record)

    def gated_outcomes(self) -> list[Outcome]:
        """Outcomes as the gate sees them: failures the baseline expects do not count."""
        return [
            Outcome.PASS if self.baseline.expects(item) else item.outcome for item in self.finished
        ]

    def finish(self) -> int:
        code = exit_code(self.gated_outcomes(), fail_on_warn=self.fail_on_warn)
        counts = Counter(item.outcome.value for item in self.finished)
        self._write(RunFinished(counts=dict(counts), exit_code=code, finished_at=_now()))
        if self._writer is not None:
            self._writer.close()
        if self.report_dir is not None:
            html = summary.render(self.records, baseline=self.baseline.entries())
            (self.report_dir / SUMMARY_FILE).write_text(html, encoding="utf-8")
        return code

    def summary_lines(self) -> list[str]:
        return summary.console_lines(self.records)
