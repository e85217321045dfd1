"""The failure card's step timeline, from the records alone, old files (no steps) included."""

from __future__ import annotations

from reports.model import build
from reports.text import describe, expected_text
from reports.timeline import rows, timeline, timeline_lines
from reports.transcript import exchange_block
from reports.validate import problems
from tests.support.sample_records import check, exchange, one_item

ITEM = "s/one[rfc]"


def step(index: int, **fields: object) -> dict[str, object]:
    record = {
        "event": "StepFinished",
        "v": 1,
        "item": ITEM,
        "step": index,
        "line": 4 + 3 * index,
        "action": f"action {index + 1}",
        "blocked_by": -1,
        "reason": "",
        "not_evaluated": [],
    }
    return {**record, **fields}


def with_steps(*steps: dict[str, object]) -> list[dict[str, object]]:
    records = one_item("FAIL", [check(ITEM, "user-created")])
    return [*records[:-2], *steps, *records[-2:]]


def test_a_file_without_step_records_still_gets_a_row_per_step() -> None:
    (item,) = build(one_item("FAIL", [check(ITEM, "user-created")])).items
    assert item.steps == ()
    assert timeline_lines(item) == [
        "step 1 (line 4): GET /scim/v2/Users → 200: failed: user-created"
    ]


def test_steps_show_failed_not_evaluated_and_blocked() -> None:
    records = with_steps(
        step(0, reason="status 200, expected 201", not_evaluated=["schema-valid"]),
        step(1, blocked_by=0, reason="needs ${uid}, which step 1 (line 4) did not provide"),
    )
    assert problems(records) == []
    (item,) = build(records).items
    first, second = rows(item)
    assert (first.result, first.state) == (
        "failed: user-created; not evaluated: schema-valid (status 200, expected 201)",
        "failed",
    )
    assert second.requests == () and second.state == "blocked"
    assert second.result == "blocked by step 1: needs ${uid}, which step 1 (line 4) did not provide"
    assert "step 2 (line 7) action 2: blocked by step 1" in describe(item)


def test_the_card_table_escapes_what_the_scenario_wrote() -> None:
    (item,) = build(with_steps(step(0, action="<b>assign</b>"))).items
    html = timeline(item)
    assert "&lt;b&gt;assign&lt;/b&gt;" in html and "<b>" not in html
    assert 'class="step-failed"' in html


def test_expected_words_are_shown_as_words_and_values_as_json() -> None:
    assert expected_text("the number 0") == "the number 0"
    assert expected_text(201) == "201" and expected_text(None) == "null"


def test_an_app_probe_exchange_says_which_token_its_curl_reads() -> None:
    app = exchange(ITEM, 1)
    app["curl"] = (
        'curl -sS -i -g -X GET http://x/members/m1 -H "Authorization: Bearer $SCIM_APP_TOKEN"'
    )
    assert "Reproduce (token from $SCIM_APP_TOKEN)" in exchange_block(app)
    assert "Reproduce (token from $SCIM_TOKEN)" in exchange_block(exchange(ITEM, 2))


def test_steps_blocked_alike_are_one_row() -> None:
    """201 setup steps after refused credentials: one row says it once."""
    why = "the credentials were refused at step 1"
    blocked = [step(i, blocked_by=0, reason=why) for i in range(1, 201)]
    (item,) = build(with_steps(step(0), *blocked)).items
    _, rest = rows(item)
    assert (rest.steps, rest.lines, rest.result) == ("2-201", "7-604", f"blocked by step 1: {why}")
    assert timeline_lines(item)[1] == f"steps 2-201 (lines 7-604): blocked by step 1: {why}"
