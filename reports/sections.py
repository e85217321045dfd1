"""The overview of the summary page: header, verdicts, matrix, counts, what was not verified."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from verdict.questions import ASKED
from verdict.status import STATUS_MEANING, Status

from . import picture, run_status
from .html import Markup, join, table, tag
from .model import LEVELS, ORDER, WAIVED, Item, RunView

SHOWN = (*ORDER, WAIVED)


def anchors(view: RunView) -> dict[str, str]:
    """A stable, unique HTML id per item, so matrix cells can link to their failure."""
    found: dict[str, str] = {}
    for index, item in enumerate(view.items):
        found[item.item] = f"item-{index}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", item.item).strip("-")
    return found


def outcome_cell(outcome: str, link: str | None = None) -> Markup:
    label = "FAIL (waived)" if outcome == WAIVED else outcome
    content = tag("a", label, href=f"#{link}") if link else label
    return tag("td", content, class_=f"o {outcome}")


def section(anchor: str, title: str, *content: object) -> Markup:
    return tag("section", tag("h2", title), *content, id=anchor)


def badge(outcome: str) -> Markup:
    return tag("span", outcome, class_=f"badge {outcome}")


def _fact(name: str, value: object) -> Markup:
    return join([tag("dt", name), tag("dd", value)])


def replay(view: RunView) -> str:
    """The command that reruns the run exactly: every option it had, the same seed and run id
    (recorded by the run; older results files only knew the target, profiles, seed and run id).
    """
    recorded = (view.header.get("invocation") or {}).get("command")
    if recorded:
        return str(recorded)
    header = view.header
    idp = f" --idp {','.join(view.profiles)}" if view.profiles else ""
    return (
        f"scimcert run --url {header.get('target', '')}{idp} "
        f"--seed {header.get('seed', '')} --run-id {header.get('run_id', '')}"
    )


def _status(view: RunView) -> Markup:
    """Under the verdict, what the run was: a certification, or what keeps it from being one."""
    run = view.assessment.run
    if run.status is Status.COMPLETE:
        text = f"Certification: {run_status.what_ran(view)}; {STATUS_MEANING[run.status]}."
        return tag("p", text, class_="status")
    reasons = [tag("li", reason) for reason in run.reasons]
    return tag(
        "div",
        tag(
            "p",
            tag("strong", f"Not a certification ({run.status.value}): "),
            STATUS_MEANING[run.status],
            f"; {run_status.what_ran(view)}.",
        ),
        tag("ul", *reasons),
        class_="status qualified",
    )


def header(view: RunView) -> Markup:
    run, end = view.header, view.end
    assessment = view.assessment
    versions = run.get("versions", {}) or {}
    facts = [
        _fact("Target", tag("code", run.get("target", ""))),
        _fact("Run id", tag("code", run.get("run_id", ""))),
        _fact("Seed", tag("code", run.get("seed", ""))),
        _fact("Profiles", ", ".join(view.profiles) or "none"),
        _fact("Started", run.get("started_at", "")),
        _fact("Finished", end.get("finished_at", "") if end else "not finished (interrupted)"),
        _fact("Exit code", run_status.exit_line(assessment)),
        _fact("Versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
        _fact("Rerun", tag("code", replay(view))),
        _fact(
            "Other reports",
            join(
                [
                    tag("a", "report.html", href="report.html"),
                    " (every item, pytest-html), ",
                    tag("a", "junit.xml", href="junit.xml"),
                    ", ",
                    tag("a", "results.jsonl", href="results.jsonl"),
                    " (the canonical record)",
                ]
            ),
        ),
    ]
    verdict = assessment.run
    title: list[object] = ["SCIM certification: ", badge(verdict.word)]
    if verdict.word != verdict.verdict.value:
        title += [" ", tag("span", f"{verdict.verdict.value} of what ran", class_="muted")]
    elif verdict.status is not Status.COMPLETE:
        title += [" ", badge(verdict.status.value)]
    parts: list[object] = [tag("h1", *title), _status(view)]
    if run.get("insecure"):
        parts.append(tag("p", tag("strong", "TLS certificates were not verified (--insecure).")))
    parts.append(tag("dl", *facts, class_="facts"))
    return join(parts)


def _counts(items: Iterable[Item]) -> Counter[str]:
    return Counter(item.shown_outcome for item in items)


def profiles(view: RunView) -> Markup:
    shown = [name for name in SHOWN if any(item.shown_outcome == name for item in view.items)]
    rows = []
    for verdict in view.assessment.profiles:
        counts = _counts(view.of_profile(verdict.profile))
        status = verdict.status.value
        rows.append(
            [
                verdict.profile,
                outcome_cell(verdict.verdict.value),
                tag("td", status, class_=f"o {status}", title="; ".join(verdict.reasons)),
                *(tag("td", counts[name], class_="n") for name in shown),
            ]
        )
    grid = table(["Profile", "Verdict", "Status", *shown], rows)
    return section("profiles", "Verdict by IdP profile", tag("div", grid, class_="scroll"))


def questions(view: RunView) -> Markup:
    """RFC conformance and compatibility with each IdP are different questions: each check
    answers the one its quoted source belongs to, and each gets its own verdict here."""
    assessment = view.assessment
    if not assessment.questions:
        return Markup()
    rows = [
        [
            ASKED[q],
            outcome_cell(v.value),
            "the exit code answers this" if q == assessment.gate else "",
        ]
        for q, v in assessment.questions.items()
    ]
    note = tag(
        "p",
        "A check answers the question of the source it quotes (`scimcert checks` lists them); "
        "--gate picks the one the exit code answers.",
        class_="muted",
    )
    return section(
        "questions",
        "Questions answered",
        tag("div", table(["Question", "Verdict", ""], rows), class_="scroll"),
        note,
    )


def _matrix_row(
    scenario: str,
    title: str,
    profiles: list[str],
    cells: Mapping[tuple[str, str], Item],
    links: Mapping[str, str],
) -> list[object]:
    row: list[object] = [tag("td", tag("code", scenario), tag("div", title, class_="muted"))]
    for profile in profiles:
        item = cells.get((scenario, profile))
        if item is None:
            row.append(tag("td", "", class_="none", title="not run under this profile"))
            continue
        link = links[item.item] if item.shown_outcome not in ("PASS", "SKIP") else None
        row.append(outcome_cell(item.shown_outcome, link))
    return row


def matrix(view: RunView, links: Mapping[str, str]) -> Markup:
    """One table per IdP family, each with only the profiles that run its scenarios, so no
    column is mostly empty; every cell that did not pass links to its failure."""
    cells = {(item.scenario, item.profile): item for item in view.items}
    titles = view.titles()
    blocks: list[object] = [picture.legend(view)]
    for family, scenarios in picture.groups(view).items():
        profiles = [p for p in view.profiles if any((s, p) in cells for s in scenarios)]
        rows = [_matrix_row(s, titles.get(s, ""), profiles, cells, links) for s in scenarios]
        heading = "Every profile" if family == picture.COMMON else f"{family} scenarios"
        grid = table(["Scenario", *profiles], rows, class_="matrix")
        blocks += [tag("h3", heading), tag("div", grid, class_="scroll")]
    return section("matrix", "Scenarios x profiles", *blocks)


def counts(view: RunView) -> Markup:
    by_outcome = _counts(view.items)
    # The five outcomes always (a zero says something); NOT RUN, WAIVED and INCONCLUSIVE when seen.
    always = ("ERROR", "FAIL", "WARN", "SKIP", "PASS")
    shown = [name for name in SHOWN if name in always or by_outcome[name]]
    outcome_rows = [[outcome_cell(name), tag("td", by_outcome[name], class_="n")] for name in shown]
    checks = [check for item in view.items for check in item.checks]
    held = Counter((c["level"], c["passed"]) for c in checks)
    effect = {"MUST": "FAIL", "SHOULD": "WARN", "MAY": "note only"}
    level_rows = [
        [
            level,
            tag("td", held[(level, True)], class_="n"),
            tag("td", held[(level, False)], class_="n"),
            effect[level],
        ]
        for level in LEVELS
    ]
    return section(
        "counts",
        "Counts",
        tag(
            "div",
            tag("div", table(["Items", "Count"], outcome_rows), class_="scroll"),
            tag(
                "div",
                table(["Checks", "Held", "Broken", "A break means"], level_rows),
                class_="scroll",
            ),
            class_="pair",
        ),
    )


def not_verified(view: RunView) -> Markup:
    """Plainly: what the run could not judge, grouped by why."""
    by_reason: dict[str, list[Item]] = {}
    for item in view.items:
        if item.outcome in ("SKIP", "ERROR"):
            # The runner words a skip "not verified: ..."; under this heading that is said once.
            reason = item.reason.removeprefix("not verified: ")
            by_reason.setdefault(f"{item.outcome}: {reason}", []).append(item)
        for note in item.not_verified:  # one expectation of an item that ran
            check, _, reason = note.partition(": ")
            by_reason.setdefault(f"{check.split(' (')[0]}: {reason}", []).append(item)
    if not by_reason:
        return section(
            "not-verified", "Not verified", tag("p", "Everything selected was verified.")
        )
    entries = [
        tag("li", reason, tag("div", ", ".join(i.item for i in items), class_="muted"))
        for reason, items in sorted(by_reason.items())
    ]
    return section("not-verified", "Not verified", tag("ul", *entries))


def baseline_rules(view: RunView) -> Markup:
    if not view.baseline:
        return Markup()
    rows = [[rule["check"], rule["scenario"], rule["profile"]] for rule in view.baseline]
    return join(
        [
            tag("p", "The baseline lists these expected failures; they do not fail the run:"),
            tag("div", table(["Check", "Scenario", "Profile"], rows), class_="scroll"),
        ]
    )
