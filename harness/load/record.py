"""Load events into the report dir: appended to `results.jsonl`, rendered into `index.html`.

A load often follows a `scimcert run` into the same folder, so nothing here overwrites: events
are appended, and the page gets its load section spliced in (or is written, if there is none).
Events have the shape of the run's (`event`, `v`, then fields) and names starting with `Load`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import reports.load
from harness.load.duplicates import NameCheck
from harness.load.launch import Artifacts
from harness.load.measure import Measured
from harness.load.options import LoadSettings
from harness.load.verdicts import Verdict
from reports.jsonl import RESULTS_FILE, read_records
from verdict.events import FORMAT_VERSION

from . import generator

SUMMARY_FILE = "index.html"
ROWS_KEPT = 60  # request names in the record; Locust's CSV in the load folder has them all


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _event(kind: str, load_id: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "v": FORMAT_VERSION, "load_id": load_id, **fields}


def _locust_version() -> str:
    try:
        return metadata.version("locust")
    except metadata.PackageNotFoundError:
        return "unknown"


def started(settings: LoadSettings, not_sent: Mapping[str, list[str]], at: str) -> dict[str, Any]:
    t = settings.thresholds
    return _event(
        "LoadStarted",
        settings.run_id,
        target=settings.url,
        profiles=list(settings.profiles),
        mix=settings.mix.text(),
        rate=settings.rate,
        duration_s=settings.duration,
        users=settings.users,
        max_requests=settings.max_requests,
        seed=settings.seed,
        expect_workers=settings.expect_workers if settings.master else 0,
        client=settings.client,
        processes=settings.processes,
        preset=settings.preset,
        thresholds={
            "p50_ms": t.p50_ms,
            "p95_ms": t.p95_ms,
            "p99_ms": t.p99_ms,
            "error_rate_pct": t.error_rate_pct,
            "rate_tolerance": t.rate_tolerance,
        },
        not_sent=dict(not_sent),
        locust=_locust_version(),
        started_at=at,
    )


def _generator(measured: Measured) -> dict[str, Any]:
    """The generator's own figures: per second, requests started and the busiest CPU (the
    report's chart), and each process's summary."""
    since = measured.started_at or 0.0
    load = generator.assess(measured.generator, measured.started_at)
    return {
        "series": generator.series(measured.generator.samples, since),
        "processes": [p.describe() for p in load.processes],
        "saturated": [p.process for p in load.saturated],
        "cpu_warnings": load.warnings,
    }


def finished(
    settings: LoadSettings,
    artifacts: Artifacts,
    measured: Measured | None,
    names: NameCheck | None,
    code: int,
) -> dict[str, Any]:
    fields: dict[str, Any] = {"exit_code": code, "finished_at": now()}
    fields["files"] = {
        "folder": artifacts.folder.name,
        "html": f"{artifacts.folder.name}/{artifacts.html.name}",
        "csv": f"{artifacts.folder.name}/{artifacts.stats_csv.name}",
    }
    if measured is not None:
        rows = sorted(measured.rows, key=lambda row: -row.requests)[:ROWS_KEPT]
        fields.update(
            total=measured.total.to_dict(),
            rows=[row.to_dict() for row in rows],
            seconds=round(measured.seconds, 2),
            stopped_by=measured.stopped_by,
            workers=measured.workers,
            statuses=dict(sorted(measured.tally.statuses.items())),
            retry_after=dict(measured.tally.retry_after),
            raced_conflicts=measured.tally.raced_conflicts,
            generator=_generator(measured),
        )
    if names is not None:
        fields["names"] = {
            "posted": names.total,
            "checked": names.checked,
            "duplicated": len(names.duplicated),
            "lost": len(names.lost),
        }
    return _event("LoadFinished", settings.run_id, **fields)


def verdict(settings: LoadSettings, one: Verdict) -> dict[str, Any]:
    return _event("LoadVerdict", settings.run_id, **one.to_dict())


def write(report_dir: Path, records: Sequence[Mapping[str, Any]]) -> None:
    """Append the records, then render every load of the folder into its `index.html`."""
    report_dir.mkdir(parents=True, exist_ok=True)
    results = report_dir / RESULTS_FILE
    with results.open("a", encoding="utf-8") as handle:  # "a": a run's events stay first
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    every = [r for r in read_records(results) if str(r.get("event", "")).startswith("Load")]
    page = report_dir / SUMMARY_FILE
    existing = page.read_text(encoding="utf-8") if page.is_file() else None
    page.write_text(reports.load.attach(existing, every), encoding="utf-8")
