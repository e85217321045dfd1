"""The records grouped per item: interrupted runs, the baseline's word, profile order."""

from __future__ import annotations

from reports.model import INTERRUPTED, NOT_RUN, NOT_STARTED, build
from tests.support.sample_records import (
    check,
    exchange,
    item_finished,
    item_started,
    one_item,
    run_finished,
    run_started,
)


def test_an_item_that_never_finished_is_not_run_and_the_run_incomplete() -> None:
    records = [run_started(), item_started("s/one[rfc]", "s/one", "rfc"), exchange("s/one[rfc]", 1)]
    view = build(records)
    (item,) = view.items
    assert (item.outcome, item.reason, item.finished) == (NOT_RUN, INTERRUPTED, False)
    assert view.end is None and len(item.exchanges) == 1
    run = view.assessment.run
    assert (run.status.value, run.word) == ("INCOMPLETE", "INCOMPLETE")
    assert int(view.assessment.exit_code) == 4
    assert "no closing record" in run.reasons[0]


def test_planned_items_that_never_started_are_listed_as_not_run() -> None:
    header = {**run_started(), "planned": {"s/one[rfc]": "rfc", "s/two[rfc]": "rfc"}}
    records = [header, *one_item("PASS", [])[1:]]
    view = build(records)
    assert [(i.item, i.outcome) for i in view.items] == [
        ("s/one[rfc]", "PASS"),
        ("s/two[rfc]", NOT_RUN),
    ]
    assert view.items[1].reason == NOT_STARTED
    assert view.assessment.not_run == ("s/two[rfc]",)


def test_the_baseline_excuses_only_what_it_names() -> None:
    records = one_item("FAIL", [check("s/one[rfc]", "user-created")])
    applied = {"event": "BaselineApplied", "v": 1, "rules": [], "expected": ["s/one[rfc]"]}
    view = build([*records[:-1], applied, records[-1]])
    (item,) = view.items
    assert item.expected and item.shown_outcome == "WAIVED"
    run = view.assessment.run
    assert (run.verdict.value, run.status.value) == ("PASS", "WAIVED")
    assert build(records).assessment.run.verdict.value == "FAIL"


def test_profiles_keep_the_order_they_were_selected_in() -> None:
    records = [run_started(("zeta", "alpha"))]
    for profile in ("alpha", "zeta", "extra"):
        name = f"s/one[{profile}]"
        records += [
            item_started(name, "s/one", profile),
            item_finished(name, "s/one", profile, "PASS"),
        ]
    assert build([*records, run_finished(0)]).profiles == ["zeta", "alpha", "extra"]


def test_a_run_without_a_recorded_assessment_is_judged_with_its_fail_on() -> None:
    """A results file whose closing record carries no assessment (written before runs recorded
    one) is judged again: `--fail-on warn`, as the invocation recorded it, still gates a warning."""
    items = one_item("WARN", [check("s/one[rfc]", "user-created", level="SHOULD")])[1:-1]

    def exit_code(options: dict[str, str]) -> int:
        header = {**run_started(), "invocation": {"options": options}}
        return int(build([header, *items, run_finished(0)]).assessment.exit_code)

    assert exit_code({}) == 0
    assert exit_code({"--fail-on": "warn"}) == 1
