"""pytest-html hooks: profile, outcome, level and reference columns, and each item's transcript.

Registered by the scimcert plugin (and by `scimcert report` when it rebuilds `report.html`). An
item offers its records through `scimcert_records()`; the columns travel on the test reports as
a plain dict, so xdist workers can send them to the controller that writes the page. An ERROR
(raised in setup) is shown by its reason and exchanges, not by the harness's own traceback.
"""

from __future__ import annotations

from collections.abc import Generator
from html import escape
from typing import Any

import pytest
from pytest_html import extras  # type: ignore[import-untyped]  # ships no type hints

from reports.difference import first_difference
from reports.model import LEVELS, build
from reports.text import describe
from reports.transcript import item_transcript, summary_line

from .checks.references import links

COLUMNS = (
    ("profile", "Profile"),
    ("scimcert", "Outcome"),
    ("level", "Level"),
    ("ref", "Reference"),
)
ATTRIBUTE = "scimcert_columns"


def columns(records: list[dict[str, Any]]) -> dict[str, str]:
    """The item's profile and outcome, and the level and reference of what broke (if anything)."""
    items = build(records).items
    if not items:
        return {}
    item = items[0]
    broken = sorted(item.broken(), key=lambda check: LEVELS.index(check["level"]))
    worst = broken[0]["level"] if broken else ""
    refs = dict.fromkeys(str(check["ref"]) for check in broken if check["level"] == worst)
    return {
        "profile": item.profile,
        "scimcert": item.outcome,
        "level": worst,
        "ref": "; ".join(refs),
    }


def transcript(records: list[dict[str, Any]]) -> str:
    """A failing or warning item's whole transcript; of an item that passed or was skipped, one
    line per exchange: the page grows with the failures, not with the run (every exchange is
    kept whole in results.jsonl)."""
    items = build(records).items
    if not items:
        return ""
    item = items[0]
    if item.outcome in ("PASS", "SKIP"):
        lines = "\n".join(summary_line(recorded) for recorded in item.exchanges)
        note = "Every exchange of this item is kept whole in results.jsonl."
        return f"<pre>{escape(lines)}</pre><p>{note}</p>" if lines else ""
    return str(item_transcript(list(item.exchanges), list(item.checks)))


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
    setattr(report, ATTRIBUTE, columns(records))
    if report.when != "setup":
        return
    # pytest-html gathers the extras of every phase into the test's row; setup ran it all.
    attached = [extras.html(transcript(records))]
    report.extras = [*getattr(report, "extras", []), *attached]  # type: ignore[attr-defined]
    items = build(records).items
    if report.failed and items:
        # An ERROR is raised in setup, where pytest would print the harness's own traceback;
        # the reader needs the reason and what was sent instead.
        report.longrepr = describe(items[0])


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_header(cells: list[str]) -> None:
    for offset, (key, title) in enumerate(COLUMNS):
        cells.insert(2 + offset, f'<th class="sortable" data-column-type="{key}">{title}</th>')


@pytest.hookimpl(optionalhook=True)
def pytest_html_results_table_row(report: pytest.TestReport, cells: list[str]) -> None:
    values: dict[str, str] = getattr(report, ATTRIBUTE, {}) or {}
    for offset, (key, _) in enumerate(COLUMNS):
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
    """The run's verdict and status, as every other output states them, and the way back to
    the certification summary beside this page."""
    assessment = _offered(session, "scimcert_assessment")
    if assessment is None:
        return
    run = assessment.run
    lines = [STYLE, f"<p><strong>scimcert: {escape(run.headline())}</strong></p>"]
    lines += [f"<p>{escape(reason)}</p>" for reason in run.reasons[1:]]
    lines.append('<p>Certification summary: <a href="index.html">index.html</a></p>')
    prefix.extend(lines)
    prefix.append(_static_listing(session))


def _offered(session: pytest.Session, name: str) -> Any:
    """What the plugin that holds the run (the controller, or `scimcert report`'s replay)
    offers under `name`, once the run has finished."""
    plugins = session.config.pluginmanager.get_plugins()
    return next((v for v in (getattr(p, name, None) for p in plugins) if v is not None), None)


# Long curl lines and bodies wrap instead of widening the page; expanded rows stay readable.
STYLE = (
    "<style>.extras-row pre,.scimcert-transcript pre,div.log{white-space:pre-wrap;"
    "overflow-wrap:anywhere}.extras-row td,.extras-row{color:#101828;background:#fff}"
    ".scimcert-static td,.scimcert-static th{border:1px solid #d0d5dd;padding:2px 6px;"
    "text-align:left;vertical-align:top}.scimcert-static{border-collapse:collapse}</style>"
)


def _static_listing(session: pytest.Session) -> str:
    """What did not pass, as plain HTML: the table below is drawn by script, which a CI server's
    artefact store may block (Jenkins serves artefacts under a CSP without scripts)."""
    records = _offered(session, "scimcert_run_records")
    if not records:
        return ""
    shown = [item for item in build(records).items if item.shown_outcome != "PASS"]
    if not shown:
        return "<p>Every item passed.</p>"
    rows = "".join(
        f"<tr><td>{escape(item.shown_outcome)}</td><td>{escape(item.item)}</td>"
        f"<td>{escape(first_difference(item))}</td></tr>"
        for item in shown
    )
    return (
        "<details open><summary>Items that did not pass (readable without JavaScript)</summary>"
        f'<table class="scimcert-static"><tr><th>Outcome</th><th>Item</th><th>First difference'
        f"</th></tr>{rows}</table></details>"
    )


def _references(ref: str) -> str:
    """The references of the broken checks, each RFC section or public page a link."""
    shown = []
    for link in links(ref):
        text = escape(link.text)
        web = link.url.startswith("https://")
        shown.append(f'<a href="{escape(link.url)}" rel="noreferrer">{text}</a>' if web else text)
    return "; ".join(shown)
