"""`scimcert report DIR`: rebuild every report of a run from its `results.jsonl` alone.

`index.html` and `junit.xml` are rendered by the same functions a run uses, so they come out the
same (the summary differs only in its generation time). `report.html` is pytest-html's: it is
rebuilt by replaying the recorded outcomes through pytest with the same columns and transcripts;
its environment table and timestamps are those of the rebuild.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Generator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from harness.checks import load_all
from harness.checks.registry import registry
from harness.plugin import html_columns
from harness.plugin.results import now
from reports.build import JUNIT_FILE, SUMMARY_FILE, write_junit, write_summary
from reports.jsonl import RESULTS_FILE, read_records
from reports.model import Item, build
from reports.text import describe
from reports.validate import problems
from verdict.status import ExitCode

HTML_FILE = "report.html"
Record = dict[str, Any]


class ReportError(Exception):
    pass


def add_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="rebuild index.html, junit.xml and report.html from results.jsonl"
    )
    report.add_argument("source", type=Path, help="a report directory, or its results.jsonl")
    report.add_argument("--out", type=Path, help="write into this new or empty directory instead")
    report.set_defaults(handler=main)


def _results_path(source: Path) -> Path:
    path = source / RESULTS_FILE if source.is_dir() else source
    if not path.is_file():
        raise ReportError(f"no {RESULTS_FILE} at {source}")
    return path


def load(path: Path) -> list[Record]:
    """The records, checked against the format before anything is written."""
    try:
        records = list(read_records(path))
    except (OSError, ValueError) as error:
        raise ReportError(str(error)) from error
    found = problems(records)
    if found:
        raise ReportError(f"{path} is not a scimcert results file: {'; '.join(found[:3])}")
    return records


def _output_dir(results: Path, out: Path | None) -> Path:
    if out is None:
        return results.parent
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReportError(f"--out {out} must be a new or empty directory")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(results, out / RESULTS_FILE)
    return out


class RecordedOutcomeError(Exception):
    """A recorded FAIL or ERROR, raised again so pytest-html shows it as the run did."""


class ReplayItem(pytest.Item):
    def __init__(self, *, view: Item, records: list[Record], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view = view
        self.records = records

    def scimcert_records(self) -> list[Record]:
        return self.records

    def setup(self) -> None:
        if self.view.expected:
            pytest.xfail("waived by the baseline")  # as the run showed it
        if self.view.outcome == "ERROR":
            raise RecordedOutcomeError(describe(self.view))
        if self.view.outcome == "SKIP":
            pytest.skip(self.view.reason)

    def runtest(self) -> None:
        if self.view.outcome == "FAIL":
            raise RecordedOutcomeError(describe(self.view))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RecordedOutcomeError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.view.item


class ReplayFile(pytest.File):
    records: list[Record]

    def collect(self) -> Generator[pytest.Item, None, None]:
        # Items that never finished were never in the run's pytest report either.
        for item in (item for item in build(self.records).items if item.finished):
            own = [r for r in self.records if r.get("item") == item.item]
            yield ReplayItem.from_parent(self, name=item.item, view=item, records=own)


class Replay:
    """A pytest plugin that collects the recorded items from the results file and nothing else."""

    def __init__(self, results: Path, records: list[Record]) -> None:
        self.results = results.resolve()
        self.records = records
        self.scimcert_assessment = build(records, registry.aliases).assessment
        self.scimcert_run_records = records

    def pytest_collect_file(
        self, file_path: Path, parent: pytest.Collector
    ) -> pytest.Collector | None:
        if file_path.resolve() != self.results:
            return None
        collector: ReplayFile = ReplayFile.from_parent(parent, path=file_path)
        collector.records = self.records
        return collector

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item) -> Generator[None, Any, None]:
        outcome = yield
        if isinstance(item, ReplayItem):
            # The recorded time, not the replay's: setup is where the live run did the work.
            report = outcome.get_result()
            report.duration = item.view.duration_ms / 1000 if report.when == "setup" else 0.0


def rebuild_html(results: Path, records: list[Record], out: Path) -> bool:
    ini = Path(str(resources.files("harness.plugin").joinpath("pytest-run.ini")))
    argv = [
        str(results),
        "-c",
        str(ini),
        "--rootdir",
        str(out),
        "--noconftest",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:randomly",
        "--html",
        str(out / HTML_FILE),
        "--self-contained-html",
    ]
    pytest.main(argv, plugins=[Replay(results, records), html_columns])
    return (out / HTML_FILE).is_file()


def main(args: argparse.Namespace) -> int:
    load_all()
    try:
        results = _results_path(args.source)
        records = load(results)
        out = _output_dir(results, args.out)
    except ReportError as error:
        print(f"scimcert report: {error}", file=sys.stderr)
        return ExitCode.USAGE
    write_summary(records, out / SUMMARY_FILE, now(), registry.aliases)
    write_junit(records, out / JUNIT_FILE, registry.aliases)
    written = [SUMMARY_FILE, JUNIT_FILE]
    if rebuild_html(out / RESULTS_FILE, records, out):
        written.append(HTML_FILE)
    for name in written:
        print(f"  {out / name}")
    return 0
