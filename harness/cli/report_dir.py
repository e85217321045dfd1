"""Where a run writes its reports: never over another run's, and never a traceback.

A folder that already holds a run's reports keeps them: they are moved, whole, into a sibling
folder named after that run (`out/report` -> `out/report.<its run id>`), and the run says so.
A folder that cannot be written is a configuration error, found before anything is sent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from reports.jsonl import RESULTS_FILE

# What a run (and `scimcert load`, which adds `load-<run id>/` folders) writes in its folder.
REPORT_FILES = (RESULTS_FILE, "index.html", "junit.xml", "report.html")
WRITE_PROBE = ".scimcert-write-probe"


class ReportDirError(Exception):
    pass


def _run_id(results: Path) -> str:
    """The earlier run's id, from its first record; its file time when the record is unusable."""
    try:
        with results.open(encoding="utf-8") as lines:
            first = json.loads(lines.readline() or "{}")
        run_id = str(first.get("run_id") or "")
    except (OSError, ValueError, AttributeError):
        run_id = ""
    if run_id and run_id.replace("-", "").replace("_", "").isalnum():
        return run_id
    stamp = datetime.fromtimestamp(results.stat().st_mtime, UTC)
    return stamp.strftime("%Y%m%dT%H%M%S")


def _free_sibling(folder: Path, run_id: str) -> Path:
    candidate = folder.with_name(f"{folder.name}.{run_id}")
    number = 2
    while candidate.exists():
        candidate = folder.with_name(f"{folder.name}.{run_id}-{number}")
        number += 1
    return candidate


def _move_previous(folder: Path) -> Path | None:
    if not (folder / RESULTS_FILE).is_file():
        return None
    keep = _free_sibling(folder, _run_id(folder / RESULTS_FILE))
    keep.mkdir(parents=True)
    moved = [folder / name for name in REPORT_FILES] + sorted(folder.glob("load-*"))
    for path in moved:
        if path.exists():
            path.rename(keep / path.name)
    return keep


def prepare(folder: Path) -> Path | None:
    """Make `folder` ready for a new run's reports. Returns where an earlier run's reports
    were moved, if the folder held some."""
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise ReportDirError(f"--report-dir {folder} is a file, not a directory")
    try:
        kept = _move_previous(folder)
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / WRITE_PROBE
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ReportDirError(f"--report-dir {folder} cannot be written: {reason}") from error
    return kept
