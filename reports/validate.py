"""Is this a `results.jsonl` we can read? Each line against the schema, then the file's order."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

FORMAT_VERSION = 1
SCHEMA_FILE = "results.schema.json"
ITEM_EVENTS = ("ExchangeRecorded", "CheckEvaluated", "StepFinished", "ItemFinished")


@cache
def schema() -> dict[str, Any]:
    text = resources.files("reports").joinpath("schema", SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def _line_problems(number: int, record: Mapping[str, Any]) -> Iterator[str]:
    if isinstance(record, Mapping) and record.get("v") not in (None, FORMAT_VERSION):
        version = record.get("v")
        yield f"line {number}: format version {version!r}; this scimcert reads {FORMAT_VERSION}"
        return
    for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
        where = "/" + "/".join(str(part) for part in error.absolute_path)
        yield f"line {number}: {where}: {error.message}"


def _is_load(record: Mapping[str, Any]) -> bool:
    return str(record.get("event", "")).startswith("Load")


def _order_problems(all_records: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    """The run's own records in order; `scimcert load` may append its records after them."""
    records = [record for record in all_records if not _is_load(record)]
    kinds = [record.get("event") for record in records]
    if kinds and kinds[0] != "RunStarted":
        yield "the first record of a run must be RunStarted"
    for kind in ("RunStarted", "RunFinished", "ChecksRegistered", "BaselineApplied"):
        if kinds.count(kind) > 1:
            yield f"{kind} appears {kinds.count(kind)} times; a run has one"
    if "RunFinished" in kinds and kinds[-1] != "RunFinished":
        yield "RunFinished must be the last record"
    started: set[str] = set()
    for number, record in enumerate(all_records, start=1):
        if record.get("event") == "ItemStarted":
            started.add(str(record.get("item")))
        elif record.get("event") in ITEM_EVENTS and record.get("item") not in started:
            event, item = record.get("event"), record.get("item")
            yield f"line {number}: {event} for {item!r} before its ItemStarted"


def problems(records: Sequence[Mapping[str, Any]], limit: int = 20) -> list[str]:
    """Every way the records break the format (the first `limit` of them); empty when valid."""
    if not records:
        return ["the file holds no record"]
    found: list[str] = []
    for number, record in enumerate(records, start=1):
        found.extend(_line_problems(number, record))
        if len(found) >= limit:
            return found[:limit]
    if not found:
        found.extend(_order_problems(records))
    return found[:limit]
