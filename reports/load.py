"""The load section of `index.html`: a rendering of `Load*` events, deciding nothing.

`section` renders every load recorded in a report folder; `attach` puts it into a page: in
place of an earlier load section, else before `</body>`, else as a page of its own. The
section brings its own small style, so it reads the same inside any version of the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from verdict.outcomes import combine

from .html import Markup, join, table, tag
from .load_chart import chart

Record = Mapping[str, Any]
BEGIN, END = "<!-- scimcert:load -->", "<!-- /scimcert:load -->"
STYLE = """
.load td.PASS{background:#e3f6e3}.load td.FAIL{background:#fbe0e0}
.load td.ERROR{background:#f6d0f6}.load td.WARN{background:#fff3cd}.load td.SKIP{background:#eee}
.load td.INCONCLUSIVE{background:#dde7f7}.load svg.chart{max-width:100%;height:auto}
.load table{border-collapse:collapse;width:100%}.load .rows{overflow-x:auto}
.load td,.load th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
"""
PAGE_STYLE = "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:12px}"


def _outcome(verdicts: Iterable[Record]) -> str:
    """The load's verdict by the run's one rule; a load that recorded no verdict broke."""
    seen = [str(v["outcome"]) for v in verdicts]
    return combine(seen).value if seen else "ERROR"


def _facts(start: Record, end: Record | None) -> Markup:
    profiles = ", ".join(start.get("profiles", []))
    parts: list[object] = [
        "Target ",
        tag("code", start.get("target", "")),
        f"; profiles {profiles}; ",
        f"{start.get('rate')} requests/s asked for {start.get('duration_s')} s by ",
        f"{start.get('users')} Locust users; mix {start.get('mix')}; ",
        f"request cap {start.get('max_requests')}; seed {start.get('seed')}; ",
        f"Locust {start.get('locust')}.",
    ]
    if end is not None and "seconds" in end:
        parts.append(f" Ran {end['seconds']} s, stopped by {end.get('stopped_by')}")
        parts.append(f", {end['workers']} worker(s)." if end.get("workers") else ".")
    if end is not None:
        parts.append(f" Exit code {end.get('exit_code')}.")
    return tag("p", *parts)


def _verdicts(verdicts: Sequence[Record]) -> Markup:
    rows = [
        [
            v["check"],
            tag("td", v["outcome"], class_=v["outcome"]),
            v["measured"],
            v["threshold"],
            v.get("detail", ""),
        ]
        for v in verdicts
    ]
    return table(["Verdict", "Outcome", "Measured", "Threshold", "Detail"], rows)


def _rows(end: Record | None) -> Markup:
    if end is None or not end.get("rows"):
        return Markup()
    rows = [
        [r["name"], r["requests"], r["failures"], r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"]]
        for r in [end["total"], *end["rows"]]
    ]
    heads = ["Request (profile verb method path)", "Requests", "Failures", "Req/s", "p50 ms"]
    statuses = ", ".join(f"{n} x {s}" for s, n in end.get("statuses", {}).items())
    return join(
        [
            tag("h4", "Requests"),
            tag("div", table([*heads, "p95 ms", "p99 ms"], rows), class_="rows"),
            tag(
                "p",
                f"Statuses: {statuses or 'none'}; 409 answers to racing creates (correct): ",
                f"{end.get('raced_conflicts', 0)}.",
            ),
        ]
    )


def _generator(start: Record, end: Record | None) -> Markup:
    """The generator's own figures: whether it, rather than the target, set the pace."""
    own = (end or {}).get("generator")
    if not own:
        return Markup()
    processes = start.get("processes") or 0
    how = f"{processes} worker processes" if processes else "one process"
    saturated = ", ".join(own.get("saturated", [])) or "none"
    facts = tag(
        "p",
        f"Client {start.get('client', 'requests')}, {how}; saturated: {saturated}; "
        f"Locust's CPU warnings: {own.get('cpu_warnings', 0)}.",
    )
    each = tag("ul", *(tag("li", line) for line in own.get("processes", [])))
    return join(
        [
            tag("h4", "Load generator"),
            facts,
            each,
            chart(own.get("series", []), float(start.get("rate") or 0)),
        ]
    )


def _not_sent(start: Record) -> Markup:
    missing = start.get("not_sent") or {}
    if not missing:
        return Markup()
    items = (tag("li", f"{p}: {', '.join(kinds)}") for p, kinds in sorted(missing.items()))
    return join(
        [tag("p", "Not sent (the profile lacks the verbs), so not verified:"), tag("ul", *items)]
    )


def _one(load_id: str, records: Sequence[Record]) -> Markup:
    start = next((r for r in records if r["event"] == "LoadStarted"), {})
    end = next((r for r in records if r["event"] == "LoadFinished"), None)
    verdicts = [r for r in records if r["event"] == "LoadVerdict"]
    files = (end or {}).get("files", {})
    link = tag("p", tag("a", "Locust's own report", href=files["html"])) if files else Markup()
    return join(
        [
            tag("h3", f"Load {load_id}: {_outcome(verdicts)}"),
            _facts(start, end),
            _verdicts(verdicts),
            _generator(start, end),
            _not_sent(start),
            _rows(end),
            link,
        ]
    )


def section(records: Sequence[Record]) -> Markup:
    by_load: dict[str, list[Record]] = {}
    for record in records:
        if str(record.get("event", "")).startswith("Load"):
            by_load.setdefault(str(record.get("load_id", "")), []).append(record)
    loads = [_one(load_id, group) for load_id, group in by_load.items()]
    body = tag(
        "section",
        tag("style", Markup(STYLE)),
        tag("h2", "Load certification"),
        *loads,
        id="load",
        class_="load",
    )
    return Markup(f"{BEGIN}{body}{END}")


def attach(page: str | None, records: Sequence[Record]) -> str:
    """`page` with its load section replaced or added; a page of its own if there is none."""
    rendered = section(records)
    if page is None:
        head = join(
            [
                Markup('<meta charset="utf-8">'),
                tag("title", "scimcert load report"),
                tag("style", Markup(PAGE_STYLE)),
            ]
        )
        document = f'<html lang="en">{tag("head", head)}{tag("body", rendered)}</html>'
        return f"<!doctype html>\n{document}\n"
    if BEGIN in page and END in page:
        before, rest = page.split(BEGIN, 1)
        return before + rendered + rest.split(END, 1)[1]
    at = page.rfind("</body>")
    return page + rendered if at < 0 else page[:at] + rendered + page[at:]
