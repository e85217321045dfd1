"""Large membership changes go out in the profile's batches
(docs/group-limits.md#how-idps-send-them): Okta's OIN client at most `member_batch` (256) members
to a PATCH, removals first, and the first batch the server refuses ends the change; the RFC client
one PATCH, however many members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_idp.batches import chunks
from mock_idp.crowd import aliases
from mock_idp.directory import Directory
from tests.support.okta_fakes import FakeWire, Reply, directory, verb

CROWD = {"prefix": "m", "count": 300}


def server(refuse_from: int = 0) -> FakeWire:
    """Answers every PATCH 204, or 413 from the `refuse_from`-th PATCH on (1-based)."""
    patches = 0

    def answer(method: str, path: str, params: Mapping[str, str], body: Any) -> Reply:
        nonlocal patches
        if method == "PATCH":
            patches += 1
            if refuse_from and patches >= refuse_from:
                return Reply(413, {"status": "413", "detail": "too large"})
        return Reply(204)

    return FakeWire(answer)


def crowd() -> Directory:
    people = directory()
    for alias in aliases(CROWD):
        people.person(alias)
        people.scim_ids[alias] = f"u-{alias}"
    people.group_ids["team"] = "g-1"
    return people


def members_per_patch(wire: FakeWire) -> list[int]:
    """How many members each PATCH names: one per removal, the length of each add's value."""
    return [
        sum(len(op["value"]) if op["op"] == "add" else 1 for op in sent.body["Operations"])
        for sent in wire.sent
    ]


def test_a_range_names_numbered_aliases_and_a_list_names_itself() -> None:
    assert aliases({"prefix": "m", "from": 3, "count": 2}) == ["m3", "m4"]
    assert aliases(["alice", "bob"]) == ["alice", "bob"]
    assert aliases(None) == []


def test_chunks_keep_order_and_a_change_that_fits_is_one_run() -> None:
    assert chunks([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert chunks([1, 2], 256) == [[1, 2]]
    assert chunks([1, 2], None) == [[1, 2]]


def test_okta_adds_300_members_in_patches_of_256_and_44() -> None:
    wire = server()
    verb(wire, crowd(), "okta-oin", "add_members", group="team", members=CROWD)
    assert members_per_patch(wire) == [256, 44]
    added = [m["value"] for sent in wire.sent for m in sent.body["Operations"][0]["value"]]
    assert added == [f"u-m{n}" for n in range(1, 301)]


def test_okta_removes_before_it_adds_within_the_batch_size() -> None:
    wire = server()
    change = {"add": {"prefix": "m", "from": 201, "count": 100}, "remove": CROWD | {"count": 200}}
    verb(wire, crowd(), "okta-oin", "update_members", group="team", **change)
    assert members_per_patch(wire) == [256, 44]
    first = wire.sent[0].body["Operations"]
    assert [op["op"] for op in first] == ["remove"] * 200 + ["add"]
    assert len(first[-1]["value"]) == 56


def test_a_refused_batch_ends_the_change_and_is_what_the_step_judges() -> None:
    wire = server(refuse_from=1)
    sent = verb(wire, crowd(), "okta-oin", "add_members", group="team", members=CROWD)
    assert len(wire.sent) == 1  # neither the rest sent nor the refused batch retried smaller
    assert sent.response is not None and sent.response.status == 413


def test_the_rfc_client_sends_the_whole_change_in_one_patch() -> None:
    wire = server()
    verb(wire, crowd(), "rfc", "add_members", group="team", members=CROWD)
    assert members_per_patch(wire) == [300]
