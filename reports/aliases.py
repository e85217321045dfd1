"""Check ids are stable: a renamed check keeps its old id as an alias, and reports show the new one.

A results file written before a rename names the old id; read with today's alias map (and the
map the file itself recorded, in its `ChecksRegistered` record), every check is shown under its
current id, so runs of different versions line up and baselines keep matching.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]


def recorded_aliases(records: Sequence[Record]) -> dict[str, str]:
    """old id -> current id, as the run that wrote the records knew them."""
    found: dict[str, str] = {}
    for record in records:
        if record.get("event") == "ChecksRegistered":
            for check in record.get("checks", ()):
                found.update(dict.fromkeys(check.get("aliases", ()), str(check["id"])))
    return found


def _follow(check_id: str, aliases: Mapping[str, str]) -> str:
    """A check renamed twice (a -> b -> c) resolves to c; a cycle stops where it started."""
    seen = {check_id}
    while check_id in aliases and aliases[check_id] not in seen:
        check_id = aliases[check_id]
        seen.add(check_id)
    return check_id


def _resolve(record: Record, aliases: Mapping[str, str]) -> Record:
    kind = record.get("event")
    if kind == "CheckEvaluated" and record["check"] in aliases:
        return {**record, "check": _follow(record["check"], aliases)}
    if kind == "ItemFinished":
        lists = ("failed_checks", "warned_checks")
        return {**record, **{k: [_follow(c, aliases) for c in record.get(k, ())] for k in lists}}
    if kind == "BaselineApplied":
        rules = [{**rule, "check": _follow(rule["check"], aliases)} for rule in record["rules"]]
        return {**record, "rules": rules}
    return record


def resolve_records(records: Sequence[Record], aliases: Mapping[str, str]) -> list[Record]:
    """The records with every aliased check id replaced by its current id."""
    known = {**recorded_aliases(records), **aliases}
    if not known:
        return list(records)
    return [_resolve(record, known) for record in records]
