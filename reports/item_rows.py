"""One item's row in pytest-html's `report.html`: its columns, its transcript, and the summary
block above the table, all drawn from the item's records (the hooks that place them are in the
harness's pytest plugin)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from reports.difference import first_difference
from reports.model import LEVELS, build
from reports.transcript import item_transcript, summary_line

COLUMNS = (
    ("profile", "Profile"),
    ("scimcert", "Outcome"),
    ("level", "Level"),
    ("ref", "Reference"),
)

# Long curl lines and bodies wrap instead of widening the page; expanded rows stay readable.
STYLE = (
    "<style>.extras-row pre,.scimcert-transcript pre,div.log{white-space:pre-wrap;"
    "overflow-wrap:anywhere}.extras-row td,.extras-row{color:#101828;background:#fff}"
    ".scimcert-static td,.scimcert-static th{border:1px solid #d0d5dd;padding:2px 6px;"
    "text-align:left;vertical-align:top}.scimcert-static{border-collapse:collapse}</style>"
)


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


def summary_block(headline: str, reasons: Sequence[str]) -> list[str]:
    """The run's verdict and status as every other output states them, and the way back to the
    certification summary beside the page."""
    lines = [STYLE, f"<p><strong>scimcert: {escape(headline)}</strong></p>"]
    lines += [f"<p>{escape(reason)}</p>" for reason in reasons]
    lines.append('<p>Certification summary: <a href="index.html">index.html</a></p>')
    return lines


def static_listing(records: list[dict[str, Any]]) -> str:
    """What did not pass, as plain HTML: the table below is drawn by script, which a CI server's
    artefact store may block (Jenkins serves artefacts under a CSP without scripts)."""
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


def reference_links(links: Iterable[tuple[str, str]]) -> str:
    """References as (text, url) pairs: each RFC section or public page a link, the rest text."""
    shown = []
    for text, url in links:
        web = url.startswith("https://")
        label = escape(text)
        shown.append(f'<a href="{escape(url)}" rel="noreferrer">{label}</a>' if web else label)
    return "; ".join(shown)
