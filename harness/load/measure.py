"""What a load measured: Locust's own statistics (its `--csv` files) and the load's tally."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.load.generator import GeneratorLog
from harness.load.launch import Artifacts
from harness.load.tally import Tally

AGGREGATED = "Aggregated"


class MeasureError(Exception):
    """Locust left no statistics: it failed before or while running."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of Locust's statistics: a request name, or the aggregate of all."""

    name: str
    method: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "requests": self.requests,
            "failures": self.failures,
            "rps": round(self.rps, 2),
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "max_ms": round(self.max_ms, 1),
        }


@dataclass(frozen=True, slots=True)
class Measured:
    total: Row
    rows: tuple[Row, ...]
    tally: Tally
    seconds: float  # from the test's start to its stop, as Locust's events saw them
    stopped_by: str  # duration, request-cap or users-stopped
    workers: int
    generator: GeneratorLog = field(default_factory=GeneratorLog)
    started_at: float | None = None  # wall clock at the test's start

    def rate(self, duration: float) -> float:
        """Requests per second over the whole test (at most `duration`: stopping users takes
        a moment after the last request can be sent). Stricter than Locust's own figure, which
        counts only up to the last request and so leaves out a quiet end."""
        seconds = min(self.seconds, duration)
        return self.total.requests / seconds if seconds > 0 else 0.0

    @property
    def error_rate_pct(self) -> float:
        return 100.0 * self.total.failures / self.total.requests if self.total.requests else 0.0


def _number(text: str | None) -> float:
    try:
        return float(text or 0)
    except ValueError:  # Locust writes N/A for an entry without requests
        return 0.0


def _row(record: Mapping[str, str]) -> Row:
    return Row(
        name=record["Name"],
        method=record["Type"],
        requests=int(_number(record["Request Count"])),
        failures=int(_number(record["Failure Count"])),
        rps=_number(record["Requests/s"]),
        p50_ms=_number(record["50%"]),
        p95_ms=_number(record["95%"]),
        p99_ms=_number(record["99%"]),
        max_ms=_number(record["Max Response Time"]),
    )


def read(artifacts: Artifacts) -> Measured:
    if not artifacts.stats_csv.is_file() or not artifacts.summary.is_file():
        raise MeasureError(f"Locust wrote no statistics; see {artifacts.log}")
    with artifacts.stats_csv.open(encoding="utf-8", newline="") as handle:
        rows = [_row(record) for record in csv.DictReader(handle)]
    total = next((row for row in rows if row.name == AGGREGATED), None)
    if total is None:
        raise MeasureError(f"{artifacts.stats_csv} has no {AGGREGATED} line")
    summary = json.loads(artifacts.summary.read_text(encoding="utf-8"))
    started, stopped = summary.get("started"), summary.get("stopped")
    return Measured(
        total=total,
        rows=tuple(row for row in rows if row is not total),
        tally=Tally.from_dict(summary.get("tally", {})),
        seconds=float(stopped - started) if started and stopped else 0.0,
        stopped_by=str(summary.get("stopped_by", "duration")),
        workers=int(summary.get("workers", 0)),
        generator=GeneratorLog.from_dict(summary.get("generator", {})),
        started_at=float(started) if started else None,
    )
