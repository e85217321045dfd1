"""Failure blocks of the summary page: for each broken check, everything needed to fix it.

Check, level and reference; expected vs actual; the scenario file, line and step; the request and
the response; a curl line that sends it again. Checks judged on the same exchange share a block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import causes
from .html import Markup, join, tag
from .model import Item, RunView, rank
from .sections import badge, section
from .text import expected_text, value_text, where
from .timeline import timeline
from .transcript import exchange_block, summary_line

Record = Mapping[str, Any]


def _finding(finding: Record) -> Markup:
    parts: list[object] = [tag("p", finding["message"])]
    if finding.get("expected") is not None or finding.get("actual") is not None:
        parts.append(
            tag(
                "dl",
                tag("dt", "Expected"),
                tag("dd", tag("code", expected_text(finding.get("expected")))),
                tag("dt", "Actual"),
                tag("dd", tag("code", value_text(finding.get("actual")))),
                class_="ea",
            )
        )
    return tag("div", *parts, class_="finding")


def _reference(check: Record, catalogue: Mapping[str, Record]) -> Markup:
    """The check's references, each a link where it leads to a public page (RFC text, vendor
    documentation); a document of the project is named by its path."""
    known = catalogue.get(str(check["check"]), {}).get("links") or []
    if not known:
        return tag("span", f"({check['ref']})", class_="muted")
    parts: list[object] = ["("]
    for index, link in enumerate(known):
        parts += ["; "] if index else []
        text, url = link["text"], str(link["url"])
        web = url.startswith("https://")
        parts.append(tag("a", text, href=url, rel="noreferrer") if web else tag("code", text))
    return tag("span", *parts, ")", class_="muted")


def _check(item: Item, check: Record, catalogue: Mapping[str, Record]) -> Markup:
    return tag(
        "div",
        tag(
            "p",
            tag("span", check["level"], class_=f"badge level {check['level']}"),
            " ",
            tag("code", check["check"]),
            " ",
            check["title"],
            " ",
            _reference(check, catalogue),
        ),
        tag("p", "Scenario ", tag("code", where(item, check)), class_="muted"),
        *(_finding(finding) for finding in check["findings"]),
        class_="check",
    )


def _by_exchange(checks: Iterable[Record]) -> dict[int, list[Record]]:
    grouped: dict[int, list[Record]] = {}
    for check in checks:
        grouped.setdefault(int(check["sequence"]), []).append(check)
    return grouped


def _exchange(item: Item, sequence: int) -> Markup:
    recorded = item.exchange(sequence)
    if recorded is None:
        return tag("p", "No exchange was recorded for this check.", class_="muted")
    before = [
        r
        for r in item.exchanges
        if r["step"] == recorded["step"] and r["sequence"] < sequence and r["step"] >= 0
    ]
    context: list[object] = []
    if before:
        lines = "\n".join(summary_line(r) for r in before)
        context = [tag("h4", "Earlier in the same step"), tag("pre", lines)]
    return join([*context, exchange_block(recorded)])


def _block(
    item: Item, anchor: str, levels: Sequence[str], catalogue: Mapping[str, Record]
) -> Markup:
    parts: list[object] = [
        tag(
            "h3",
            badge(item.shown_outcome),
            " ",
            tag("code", item.scenario),
            " with ",
            tag("code", item.profile),
        ),
        tag("p", item.title, class_="muted"),
    ]
    if item.reason:
        parts.append(tag("p", item.reason))
    if item.rerun:
        parts.append(tag("p", "Rerun this item alone: ", tag("code", item.rerun), class_="rerun"))
    parts.append(timeline(item))
    for sequence, checks in _by_exchange(item.broken(*levels)).items():
        parts += [_check(item, check, catalogue) for check in checks]
        parts.append(_exchange(item, sequence))
    if not item.broken(*levels) and item.exchanges:
        parts += [tag("h4", "Last exchange before it stopped"), exchange_block(item.exchanges[-1])]
    return tag("article", *parts, class_=f"failure f-{item.shown_outcome}", id=anchor)


def _listing(anchor: str, title: str, blocks: list[Markup], empty: str) -> Markup:
    return section(anchor, title, join(blocks) if blocks else tag("p", empty))


def _by_cause(
    anchor: str,
    title: str,
    items: list[Item],
    levels: Sequence[str],
    view: RunView,
    links: Mapping[str, str],
) -> Markup:
    """One collapsed card per root cause, each item's own card inside it (causes.py)."""

    def card(item: Item, card_id: str) -> Markup:
        return _block(item, card_id, levels, view.catalogue)

    cards = [
        causes.cause_card(cause, struck, links, card)
        for cause, struck in causes.grouped(items, levels).items()
    ]
    if not cards:
        return _listing(anchor, title, [], "None.")
    told = (
        f"{len(items)} item(s) by {len(cards)} cause(s); open a cause, then an item for its card."
    )
    return _listing(anchor, title, [tag("p", told, class_="muted"), *cards], "None.")


def failures(view: RunView, links: Mapping[str, str]) -> Markup:
    """FAIL and ERROR first, then WARN, each grouped by root cause; waived failures are kept for
    their own section."""
    failing = sorted(
        (i for i in view.items if i.outcome in ("FAIL", "ERROR") and not i.expected),
        key=lambda i: (rank(i.outcome), i.item),
    )
    warned = [i for i in view.items if i.outcome == "WARN"]
    return join(
        [
            _by_cause("failures", "Failures, by cause", failing, ("MUST", "SHOULD"), view, links),
            _by_cause(
                "warnings", "Warnings (SHOULD broken), by cause", warned, ("SHOULD",), view, links
            ),
        ]
    )


def expected(view: RunView, links: Mapping[str, str], rules: Markup) -> Markup:
    blocks = [
        _block(i, links[i.item], ("MUST", "SHOULD"), view.catalogue)
        for i in view.items
        if i.expected
    ]
    if not blocks and not view.baseline:
        return Markup()
    return section(
        "expected",
        "Waived failures (baseline)",
        rules,
        join(blocks) if blocks else tag("p", "No item failed as the baseline expected."),
    )


def notes(view: RunView) -> Markup:
    """Broken MAY checks change no outcome; they are listed so nothing is hidden."""
    rows = [
        tag(
            "li",
            tag("code", c["check"]),
            f" in {i.item}: ",
            "; ".join(str(f["message"]) for f in c["findings"]),
        )
        for i in view.items
        for c in i.broken("MAY")
    ]
    if not rows:
        return Markup()
    return section("notes", "Notes (MAY broken)", tag("ul", *rows))
