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

from harness.checks.baseline import Baseline
from harness.checks.references import links
from harness.checks.registry import registry
from harness.engine.session import RunSettings
from harness.suites.conclude import Conclusion, conclude
from harness.suites.model import Suite
from reports import console
from reports.build import SUMMARY_FILE, write_junit, write_summary
from reports.jsonl import RESULTS_FILE, JsonlWriter
from reports.model import build
from verdict.events import (
    FORMAT_VERSION,
    Event,
    ItemFinished,
    RunFinished,
    RunStarted,
    to_record,
)
from verdict.questions import Graded
from verdict.status import SUITE, Assessment, Finished, Scope, assess

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
        {
            "id": c.id,
            "level": c.level.value,
            "ref": c.ref,
            "title": c.title,
            "quote": c.quote,
            "links": [{"text": link.text, "url": link.url} for link in links(c.ref)],
            "aliases": list(c.aliases),
            "always_on": c.always_on,
        }
        for c in registry
    ]
    return {"event": "ChecksRegistered", "v": FORMAT_VERSION, "checks": checks}


@dataclass
class ResultsSink:
    settings: RunSettings
    report_dir: Path | None
    fail_on_warn: bool
    baseline: Baseline
    # item -> profile: everything the selection will run; a run missing any is INCOMPLETE.
    planned: dict[str, str] = field(default_factory=dict)
    filters: tuple[str, ...] = ()
    invocation: dict[str, Any] = field(default_factory=dict)
    gate: str = "all"
    junit_path: Path | None = None
    suite: Suite | None = None  # `--suite`: its vendor's rule answers the exit code
    records: list[Record] = field(default_factory=list)
    finished: list[ItemFinished] = field(default_factory=list)
    assessment: Assessment | None = None
    _writer: JsonlWriter | None = None

    def start(self) -> None:
        if self.report_dir is not None:
            self._writer = JsonlWriter(self.report_dir / RESULTS_FILE)
        self.write_records(
            [
                RunStarted(
                    run_id=self.settings.run_id,
                    seed=self.settings.seed,
                    target=self.settings.url,
                    profiles=tuple(profile.id for profile in self.settings.profiles()),
                    scenarios=tuple(dict.fromkeys(name.rsplit("[", 1)[0] for name in self.planned)),
                    versions=_versions(),
                    insecure=self.settings.insecure,
                    started_at=now(),
                    planned=self.planned,
                    filters=self.filters,
                    invocation=self.invocation,
                )
            ]
        )
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

    def assess(self, interruption: str, suite: Conclusion | None = None) -> Assessment:
        """The verdict and status, decided once; failures the baseline expects are waived. A
        suite's overall result is what the gate reads, when the run was a suite's."""
        finished = [
            Finished(item.item, item.profile, item.outcome, self.baseline.expects(item))
            for item in self.finished
        ]
        waived = {one.item for one in finished if one.waived}
        families = {profile.id: profile.family for profile in self.settings.profiles()}
        graded = [
            Graded(
                str(r["ref"]),
                str(r["level"]),
                bool(r["passed"]),
                r["item"] in waived,
                families.get(self.planned.get(str(r["item"]), ""), ""),
            )
            for r in self.records
            if r.get("event") == "CheckEvaluated"
        ]
        scope = Scope(planned=self.planned, filters=self.filters)
        return assess(
            finished,
            scope,
            interruption=interruption,
            fail_on_warn=self.fail_on_warn,
            graded=graded,
            gate=self.gate if self.suite is None else SUITE + self.suite.id,
            gated=None if suite is None else suite.outcome,
        )

    def _conclude(self, interruption: str) -> Conclusion | None:
        if self.suite is None:
            return None
        return conclude(
            self.suite,
            self.records,
            list(self.planned),
            report_dir=self.report_dir,
            finished_at=now(),
            interruption=interruption,
        )

    def _baseline_record(self) -> Record:
        expected = [item.item for item in self.finished if self.baseline.expects(item)]
        rules = self.baseline.entries()
        return {
            "event": "BaselineApplied",
            "v": FORMAT_VERSION,
            "rules": rules,
            "expected": expected,
        }

    def finish(self, interruption: str = "") -> int:
        suite = self._conclude(interruption)
        self.assessment = assessment = self.assess(interruption, suite)
        code = int(assessment.exit_code)
        counts = Counter(item.outcome.value for item in self.finished)
        self._write(self._baseline_record())
        if suite is not None:
            self._write(suite.record)
        end = RunFinished(
            counts=dict(counts),
            exit_code=code,
            finished_at=now(),
            assessment=assessment.to_dict(),
        )
        self._write(to_record(end))
        if self._writer is not None:
            self._writer.close()
        if self.report_dir is not None:
            write_summary(self.records, self.report_dir / SUMMARY_FILE, now(), registry.aliases)
        if self.junit_path is not None:
            write_junit(self.records, self.junit_path, registry.aliases)
        return code

    def summary_lines(self) -> list[console.Line]:
        return console.lines(build(self.records, registry.aliases))
