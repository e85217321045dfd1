"""A live progress bar when `scimcert run` writes to a terminal; plain pytest lines otherwise.

On a terminal, pytest's own reporter is switched off and this plugin draws one rich bar, then
prints the same end-of-run summary the reporter would have.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from harness.checks.registry import registry
from reports import console
from reports.jsonl import RESULTS_FILE, read_records
from reports.model import build

STYLES = {"red": "red", "yellow": "yellow", "green": "green"}
OUTCOME_PROPERTY = "scimcert.outcome"
COUNTED = ("PASS", "WARN", "FAIL", "SKIP", "ERROR")


class ProgressBar:
    def __init__(self, total: int, report_dir: Path) -> None:
        self.report_dir = report_dir
        self.console = Console()
        self.progress = Progress(
            TextColumn("[bold]scimcert"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.task = self.progress.add_task("", total=total, start=False)
        self.counts: Counter[str] = Counter()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # The clock starts with the run, and the bar shows from its first second on.
        self.progress.start_task(self.task)
        self.progress.start()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown":
            return
        outcome = dict(report.user_properties).get(OUTCOME_PROPERTY)
        if outcome:
            self.counts[str(outcome)] += 1
        tally = " ".join(f"{word} {self.counts[word]}" for word in COUNTED if self.counts[word])
        last = report.nodeid.split("::")[-1]
        self.progress.update(self.task, advance=1, description=f"{tally}  {last}".strip())
        self.progress.refresh()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.progress.update(self.task, description="")
        self.progress.stop()

    def print_summary(self) -> None:
        results = self.report_dir / RESULTS_FILE
        if not results.exists():
            return
        view = build(list(read_records(results)), registry.aliases)
        for line in console.lines(view):
            self.console.print(
                line.text, style=STYLES.get(line.style), markup=False, highlight=False
            )
        self.console.print(f"Summary: {self.report_dir / 'index.html'}", markup=False)
