"""A renamed check keeps its old id as an alias; reports show it under its current id."""

from __future__ import annotations

from harness.checks import load_all
from harness.checks.registry import Check, Level, Registry
from reports.aliases import resolve_records
from reports.model import build
from reports.summary import render
from tests.support.sample_records import check, one_item


def _old_run() -> list[dict[str, object]]:
    """A run recorded before `user-created` was called that: it names `create-user`."""
    records = one_item("FAIL", [{**check("s/one[rfc]", "create-user"), "title": "POST creates"}])
    baseline = {
        "event": "BaselineApplied",
        "v": 1,
        "expected": [],
        "rules": [{"check": "create-user", "scenario": "*", "profile": "*"}],
    }
    return [*records[:-1], baseline, records[-1]]


def test_old_ids_are_read_as_their_current_ids() -> None:
    view = build(_old_run(), {"create-user": "user-created"})
    (item,) = view.items
    assert [c["check"] for c in item.checks] == ["user-created"]
    assert view.baseline[0]["check"] == "user-created"
    html = render(view, "now")
    assert "user-created" in html and "create-user" not in html


def test_a_results_file_carries_its_own_alias_map() -> None:
    catalogue = {
        "event": "ChecksRegistered",
        "v": 1,
        "checks": [
            {
                "id": "user-created",
                "level": "MUST",
                "ref": "RFC 7644 3.3",
                "title": "t",
                "aliases": ["create-user"],
                "always_on": False,
            },
        ],
    }
    records = _old_run()
    records.insert(1, catalogue)
    (item,) = build(records).items
    assert item.broken()[0]["check"] == "user-created"
    finished = next(r for r in resolve_records(records, {}) if r["event"] == "ItemFinished")
    assert finished["failed_checks"] == ["user-created"]


def test_a_chain_of_renames_resolves_to_the_newest_and_a_cycle_stops() -> None:
    records = one_item("FAIL", [check("s/one[rfc]", "a-check")])
    chained = resolve_records(records, {"a-check": "b-check", "b-check": "c-check"})
    assert chained[3]["check"] == "c-check"
    looped = resolve_records(records, {"a-check": "b-check", "b-check": "a-check"})
    assert looped[3]["check"] in {"a-check", "b-check"}


def test_the_registry_accepts_an_alias_and_finds_the_check_by_it() -> None:
    """The harness side of the same promise: a baseline naming an old id still finds it."""
    registry = Registry()
    registry.add(Check("user-created", Level.MUST, "RFC 7644 3.3", "t", aliases=("create-user",)))
    assert registry.get("create-user").id == "user-created"
    assert registry.aliases == {"create-user": "user-created"}


def test_every_registered_alias_is_unique_and_not_a_current_id() -> None:
    from harness.checks.registry import registry

    load_all()
    assert not set(registry.aliases) & set(registry.checks)
