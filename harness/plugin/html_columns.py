"""pytest-html hooks: profile, outcome, level and reference columns, and each item's transcript.

Registered by the scimcert plugin (and by `scimcert report` when it rebuilds `report.html`). An
item offers its records through `scimcert_records()`; the columns travel on the test reports as
a plain dict, so xdist workers can send them to the controller that writes the page. An ERROR
(raised in setup) is shown by its reason and exchanges, not by the harness's own traceback. What
each cell says is drawn in `reports/item_rows.py`.
"""

from __future__ import annotations

from collections.abc import Generator
from html import escape
from typing import Any

import pytest
from pytest_html import extras  # type: ignore[import-untyped]  # ships no type hints

from harness.checks.references import links
from reports import item_rows
from reports.model import build
from reports.text import describe

ATTRIBUTE = "scimcert_columns"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    offer = getattr(item, "scimcert_records", None)
    if offer is None:
        return
    records: list[dict[str, Any]] = offer()
    setattr(report, ATTRIBUTE, item_rows.columns(records))
    if report.when != "setup":
        return
    # pytest-html gathers the extras of every phase into the test's row; setup ran it all.
    attached = [extras.html(item_rows.transcript(records))]
    report.extras = [*getattr(report, "extras", []), *attached]  # type: ignore[attr-defined]
    items = build(records).items
    if report.failed and items:
        # An ERROR is raised in setup, where pytest would print the harness's own traceback;
        # the reader needs the reason and what was sent instead.
        report.longrepr = describe(items[0])


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells: list[str]) -> None:
    for offset, (key, title) in enumerate(item_rows.COLUMNS):
        cells.insert(2 + offset, f'<th class="sortable" data-column-type="{key}">{title}</th>')


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report: pytest.TestReport, cells: list[str]) -> None:
    values: dict[str, str] = getattr(report, ATTRIBUTE, {}) or {}
    for offset, (key, _) in enumerate(item_rows.COLUMNS):
        value = values.get(key, "")
        shown = _references(value) if key == "ref" else escape(value)
        cells.insert(2 + offset, f'<td class="col-{key}">{shown}</td>')


@pytest.hookimpl(optionalhook=True)
def pytest_html_report_title(report: Any) -> None:
    report.title = "scimcert: conformance run, item by item"


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_summary(
    prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
) -> None:
    """The run's verdict and status at the top of the page, and what did not pass below it."""
    assessment = _offered(session, "scimcert_assessment")
    if assessment is None:
        return
    run = assessment.run
    prefix.extend(item_rows.summary_block(run.headline(), run.reasons[1:]))
    prefix.append(item_rows.static_listing(_offered(session, "scimcert_run_records") or []))


def _offered(session: pytest.Session, name: str) -> Any:
    """What the plugin that holds the run (the controller, or `scimcert report`'s replay)
    offers under `name`, once the run has finished."""
    plugins = session.config.pluginmanager.get_plugins()
    return next((v for v in (getattr(p, name, None) for p in plugins) if v is not None), None)


def _references(ref: str) -> str:
    return item_rows.reference_links((link.text, link.url) for link in links(ref))
