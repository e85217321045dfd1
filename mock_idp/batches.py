"""Membership changes too large for one request, sent as the IdP sends them: in PATCHes of at
most `member_batch` members each (a profile option; docs/group-limits.md#how-idps-send-them).

The batches go out in order. The first one the server refuses ends the change: the IdP reports
that batch as failed rather than send the rest, and it does not retry it smaller, because no
IdP documents splitting a batch the server answered 413
(docs/group-limits.md#limits-the-server-declares).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .options import count
from .strategies import VerbCall
from .wire import Sent, status_of

T = TypeVar("T")
# How many members one PATCH names at most; without it, the whole change is one PATCH.
MEMBER_BATCH = count("member_batch")


def chunks(items: Sequence[T], size: int | None) -> list[list[T]]:
    """`items` in runs of at most `size` (all in one run without a size); never an empty run
    unless `items` is empty."""
    if not size or len(items) <= size:
        return [list(items)]
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def batch_size(call: VerbCall) -> int | None:
    size = call.option(MEMBER_BATCH.name)
    return int(size) if size else None


def refused(sent: Sent) -> bool:
    status = status_of(sent)
    return status is None or not 200 <= status < 300


def member_batches(
    call: VerbCall,
    removals: Sequence[dict[str, Any]],
    added: Sequence[Any],
    add: Callable[[list[Any]], dict[str, Any]],
) -> list[list[dict[str, Any]]]:
    """The operations of each PATCH: `removals` (one operation per member) first, then `add` of
    the `added` members, at most `member_batch` members to a PATCH. Without a batch size, or
    for a change that fits, one PATCH holds it all."""
    units: list[tuple[bool, Any]] = [(True, op) for op in removals] + [(False, m) for m in added]
    batches = []
    for run in chunks(units, batch_size(call)):
        operations = [unit for removal, unit in run if removal]
        members = [unit for removal, unit in run if not removal]
        batches.append([*operations, add(members)] if members else operations)
    return batches


def send_batches(
    batches: Sequence[list[dict[str, Any]]], send: Callable[[list[dict[str, Any]]], Sent]
) -> Sent:
    """Send each batch of operations with `send`; returns the first refused answer, else the
    last one."""
    answer: Sent | None = None
    for batch in batches:
        answer = send(batch)
        if refused(answer):
            return answer
    assert answer is not None, "send_batches needs at least one batch"
    return answer
