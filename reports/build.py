"""The files derived from `results.jsonl`, written alike after a run and by `scimcert report`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import junit, load, summary
from .html import Markup
from .model import build

SUMMARY_FILE = "index.html"
JUNIT_FILE = "junit.xml"
Record = Mapping[str, Any]


def load_records(records: Sequence[Record]) -> list[Record]:
    """`scimcert load` appends its own `Load*` records to the same file (rendered by `load`)."""
    return [r for r in records if str(r.get("event", "")).startswith("Load")]


def summary_page(
    records: Sequence[Record], generated_at: str, aliases: Mapping[str, str] | None = None
) -> str:
    loads = load_records(records)
    if loads and not any(r.get("event") == "RunStarted" for r in records):
        return load.attach(None, loads)  # a folder that only ever held a load
    appendix = load.section(loads) if loads else Markup()
    return summary.render(build(records, aliases), generated_at, appendix)


def write_summary(
    records: Sequence[Record],
    path: Path,
    generated_at: str,
    aliases: Mapping[str, str] | None = None,
) -> None:
    path.write_text(summary_page(records, generated_at, aliases), encoding="utf-8")


def write_junit(
    records: Sequence[Record], path: Path, aliases: Mapping[str, str] | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(junit.render(build(records, aliases)))
