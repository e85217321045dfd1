"""`index.html` and the console table: renderings of the event records, deciding nothing.

The page is one self-contained file (inline CSS, no script, no network request); every string
that came from the server is escaped.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .html import Markup, join, table, tag

Record = Mapping[str, Any]
ORDER = ("FAIL", "ERROR", "WARN", "SKIP", "PASS")
LEVELS = ("MUST", "SHOULD", "MAY")
BODY_LIMIT = 4000
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:12px;color:#1b1b1b}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
.PASS{background:#e3f6e3}.FAIL{background:#fbe0e0}.ERROR{background:#f6d0f6}
.WARN{background:#fff3cd}.SKIP{background:#eee}.matrix{overflow-x:auto}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;padding:6px;font-size:13px}
.failure{border-left:4px solid #c33;padding-left:8px;margin:1em 0}
@media print{.matrix{overflow:visible}pre{font-size:11px}}
"""


def _of(records: Iterable[Record], kind: str) -> list[Record]:
    return [record for record in records if record.get("event") == kind]


def _cell(outcome: str) -> Markup:
    return tag("td", outcome, class_=outcome)


def _verdict(outcomes: Iterable[str]) -> str:
    seen = set(outcomes)
    return next((outcome for outcome in ORDER if outcome in seen), "PASS")


def _header(run: Record, finished: Sequence[Record], end: Record | None) -> Markup:
    counts = Counter(item["outcome"] for item in finished)
    shown = ", ".join(f"{counts[name]} {name}" for name in ORDER if counts[name]) or "no items"
    facts = [
        "Target ", tag("code", run.get("target", "")), ", run ", tag("code", run.get("run_id", "")),
        ", seed ", tag("code", run.get("seed", "")), f". {shown}.",
        f" Exit code {end['exit_code']}." if end else "",
    ]  # fmt: skip
    if run.get("insecure"):
        facts.append(tag("strong", " TLS verification was off (--insecure)."))
    verdict = _verdict(item["outcome"] for item in finished)
    return join([tag("h1", f"SCIM certification: {verdict}"), tag("p", *facts)])


def _profiles(finished: Sequence[Record]) -> Markup:
    by_profile: dict[str, list[str]] = defaultdict(list)
    for item in finished:
        by_profile[item["profile"]].append(item["outcome"])
    rows = [
        [profile, _cell(_verdict(outcomes)), len(outcomes)]
        for profile, outcomes in sorted(by_profile.items())
    ]
    return join([tag("h2", "Verdict by IdP profile"), table(["Profile", "Verdict", "Items"], rows)])


def _matrix(finished: Sequence[Record]) -> Markup:
    profiles = sorted({item["profile"] for item in finished})
    cells = {(item["scenario"], item["profile"]): item["outcome"] for item in finished}
    rows = [
        [
            scenario,
            *(_cell(cells[(scenario, p)]) if (scenario, p) in cells else "-" for p in profiles),
        ]
        for scenario in sorted({item["scenario"] for item in finished})
    ]
    matrix = tag("div", table(["Scenario", *profiles], rows), class_="matrix")
    return join([tag("h2", "Scenarios x profiles"), matrix])


def _levels(checks: Sequence[Record]) -> Markup:
    counts = Counter((check["level"], check["passed"]) for check in checks)
    rows = [[level, counts[(level, True)], counts[(level, False)]] for level in LEVELS]
    return join([tag("h2", "Checks by level"), table(["Level", "Held", "Broken"], rows)])


def _not_verified(finished: Sequence[Record]) -> Markup:
    skipped = [item for item in finished if item["outcome"] in ("SKIP", "ERROR")]
    if not skipped:
        return join([tag("h2", "Not verified"), tag("p", "Everything selected was verified.")])
    entries = (
        tag("li", f"{item['item']}: {item['outcome']}, {item.get('reason', '')}")
        for item in skipped
    )
    return join([tag("h2", "Not verified"), tag("ul", *entries)])


def _body(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    if text and len(text) > BODY_LIMIT:
        return (
            text[:BODY_LIMIT] + f"\n... ({len(text) - BODY_LIMIT} more characters in results.jsonl)"
        )
    return text or ""


def _exchange(recorded: Record | None) -> Markup:
    if recorded is None:
        return Markup()
    request = recorded["exchange"]["request"]
    response = recorded["exchange"].get("response") or {}
    return join([
        tag("pre", f"{request['method']} {request['url']}\n{_body(request.get('body'))}"),
        tag("pre", f"{response.get('status', 'no response')}\n{_body(response.get('body'))}"),
        tag("p", "Reproduce it:"),
        tag("pre", recorded["curl"]),
    ])  # fmt: skip


def _finding(finding: Record) -> Markup:
    expected = json.dumps(finding.get("expected"), ensure_ascii=False)
    actual = json.dumps(finding.get("actual"), ensure_ascii=False)
    return tag(
        "li", finding["message"], Markup("<br>"), "expected: ", tag("code", expected),
        " actual: ", tag("code", actual),
    )  # fmt: skip


def _failure(check: Record, item: Record, recorded: Record | None) -> Markup:
    where = f"scenario {item.get('source', '')}, line {check['line']}"
    return tag(
        "div",
        tag("h3", f"{check['level']} {check['check']} in {check['item']}"),
        tag("p", f"{check['title']} ({check['ref']}); {where}"),
        tag("ul", *(_finding(finding) for finding in check["findings"])),
        _exchange(recorded),
        class_="failure",
    )


def _failures(records: Sequence[Record], expected: Sequence[Record]) -> Markup:
    items = {record["item"]: record for record in _of(records, "ItemStarted")}
    exchanges = {(r["item"], r["sequence"]): r for r in _of(records, "ExchangeRecorded")}
    broken = [c for c in _of(records, "CheckEvaluated") if not c["passed"] and c["level"] != "MAY"]
    blocks = [
        _failure(
            check, items.get(check["item"], {}), exchanges.get((check["item"], check["sequence"]))
        )
        for check in broken
    ]
    parts: list[object] = [tag("h2", "Failures"), join(blocks) if blocks else tag("p", "None.")]
    if expected:
        listed = (tag("li", json.dumps(entry)) for entry in expected)
        parts += [tag("h2", "Expected failures (baseline)"), tag("ul", *listed)]
    return join(parts)


def render(records: Sequence[Record], baseline: Sequence[Record] = ()) -> str:
    run = next(iter(_of(records, "RunStarted")), {})
    end = next(iter(_of(records, "RunFinished")), None)
    finished = _of(records, "ItemFinished")
    body = join([
        _header(run, finished, end),
        _profiles(finished),
        _matrix(finished),
        _levels(_of(records, "CheckEvaluated")),
        _not_verified(finished),
        _failures(records, baseline),
    ])  # fmt: skip
    head = join([
        Markup('<meta charset="utf-8">'),
        Markup('<meta name="viewport" content="width=device-width, initial-scale=1">'),
        tag("title", "scimcert report"),
        tag("style", Markup(STYLE)),
    ])  # fmt: skip
    return f'<!doctype html>\n<html lang="en">{tag("head", head)}{tag("body", body)}</html>\n'


def console_lines(records: Sequence[Record]) -> list[str]:
    """A table by profile, failing profiles first."""
    by_profile: dict[str, Counter[str]] = defaultdict(Counter)
    for item in _of(records, "ItemFinished"):
        by_profile[item["profile"]][item["outcome"]] += 1
    rank = {name: index for index, name in enumerate(ORDER)}
    ordered = sorted(by_profile.items(), key=lambda pair: (rank[_verdict(pair[1])], pair[0]))
    lines = [f"{'profile':<16} {'verdict':<8} " + " ".join(f"{name:>5}" for name in ORDER)]
    for profile, counts in ordered:
        numbers = " ".join(f"{counts[name]:>5}" for name in ORDER)
        lines.append(f"{profile:<16} {_verdict(counts):<8} {numbers}")
    return lines
