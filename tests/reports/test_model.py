"""The records grouped per item: interrupted runs, the baseline's word, profile order."""

from __future__ import annotations

from sample_records import (
    check,
    exchange,
    item_finished,
    item_started,
    one_item,
    run_finished,
    run_started,
)

from reports.model import INTERRUPTED, build, verdict


def test_an_item_that_never_finished_is_an_error_that_says_so() -> None:
    records = [run_started(), item_started("s/one[rfc]", "s/one", "rfc"), exchange("s/one[rfc]", 1)]
    view = build(records)
    (item,) = view.items
    assert (item.outcome, item.reason) == ("ERROR", INTERRUPTED)
    assert view.end is None and len(item.exchanges) == 1


def test_the_baseline_excuses_only_what_it_names() -> None:
    records = one_item("FAIL", [check("s/one[rfc]", "user-created")])
    applied = {"event": "BaselineApplied", "v": 1, "rules": [], "expected": ["s/one[rfc]"]}
    view = build([*records[:-1], applied, records[-1]])
    (item,) = view.items
    assert item.expected and item.shown_outcome == "EXPECTED"
    assert view.gated_outcomes() == ["PASS"]
    assert build(records).gated_outcomes() == ["FAIL"]


def test_profiles_keep_the_order_they_were_selected_in() -> None:
    records = [run_started(("zeta", "alpha"))]
    for profile in ("alpha", "zeta", "extra"):
        name = f"s/one[{profile}]"
        records += [item_started(name, "s/one", profile),
                    item_finished(name, "s/one", profile, "PASS")]  # fmt: skip
    assert build([*records, run_finished(0)]).profiles == ["zeta", "alpha", "extra"]


def test_the_verdict_is_the_worst_outcome() -> None:
    assert verdict(["PASS", "WARN", "SKIP"]) == "WARN"
    assert verdict(["ERROR", "FAIL"]) == "FAIL"
    assert verdict([]) == "PASS"
