"""What a replayed answer must show: the recorded answer as expectations, volatile parts loosened.

Each value of the recorded body becomes a JSON pointer with what the replay's answer must hold
there: the same value, or for what the server may rightly change between two answers (ids it
assigns, timestamps, versions, URLs on another host, an error's wording) a looser rule. Objects
keep their number of members, so an attribute that appears or disappears is a difference; arrays
are compared as collections, in any order (docs/replay.md#what-is-compared).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from harness.capture.replay_base import Base
from harness.capture.replay_ids import CURSOR_POINTERS, Learned, literal, pointer
from harness.transport.exchange import RecordedResponse

# A date with a time of day (RFC 3339 and its common variants); a bare date is data.
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
_TIMESTAMP = re.compile(TIMESTAMP)
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
# The schema file (harness/checks/schemas/) an answer is validated against, by the URN it names.
# Not Error: error bodies get the always-on error-body-is-scim, and RFC 9865 adds scimTypes.
SCHEMAS = {
    "urn:ietf:params:scim:schemas:core:2.0:User": "User",
    "urn:ietf:params:scim:schemas:core:2.0:Group": "Group",
    LIST_RESPONSE: "ListResponse",
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig": "ServiceProviderConfig",
}
URL_KEYS = frozenset({"$ref", "location"})
NOT_EMPTY = {"not_empty": True}
PRESENT = {"present": True}


@dataclass(frozen=True, slots=True)
class Answer:
    """How to read one recorded answer: the ids it assigns itself (not yet variables when it is
    graded) and whether its request filtered (a list of what the recording made, not of
    whatever else the server holds)."""

    learned: Learned
    base: Base
    fresh: frozenset[str]
    filtered: bool
    discovery: bool = False  # its ids are fixed names (a schema's URN), compared as data


@dataclass(frozen=True, slots=True)
class Expected:
    json: dict[str, Any]
    headers: dict[str, Any]
    schema: str | None
    note: str = ""  # why the body is not compared, when it is not


def expected(response: RecordedResponse, answer: Answer) -> Expected:
    headers = _headers(response, answer)
    if response.truncated:
        return Expected({}, headers, None, "its recorded body was cut off: not compared")
    if not response.body.strip():
        return Expected({}, headers, None)
    try:
        body = response.json()
    except ValueError:
        return Expected({}, headers, None, "its recorded body is not JSON: not compared")
    return Expected(dict(_document(body, answer)), headers, _schema(body))


def _schema(body: Any) -> str | None:
    named = body.get("schemas") if isinstance(body, Mapping) else None
    if not isinstance(named, list):
        return None
    return next((SCHEMAS[urn] for urn in named if urn in SCHEMAS), None)


def _headers(response: RecordedResponse, answer: Answer) -> dict[str, Any]:
    found: dict[str, Any] = {}
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media:
        found["Content-Type"] = {"matches": literal(f"(?i)^{re.escape(media)}\\s*(;|$)")}
    if "etag" in response.headers:
        found["ETag"] = PRESENT
    if "location" in response.headers:
        found["Location"] = _url(response.headers["location"], answer)
    return found


def _document(body: Any, answer: Answer) -> Iterator[tuple[str, Any]]:
    if not isinstance(body, Mapping):
        yield "", {"equals": answer.learned.value(body)}
        return
    named = body.get("schemas")
    listed = isinstance(named, list) and LIST_RESPONSE in named
    error = isinstance(named, list) and ERROR in named
    yield "", {"length": len(body)}
    for key, value in body.items():
        where = pointer(key)
        if listed and key in ("totalResults", "itemsPerPage", "Resources"):
            yield from _listed(key, value, body, answer)
        elif error and key == "detail" and isinstance(value, str) and value:
            yield where, NOT_EMPTY  # a sentence for people: its wording may change
        else:
            yield from _member(key, value, where, answer)


def _listed(
    key: str, value: Any, body: Mapping[str, Any], answer: Answer
) -> Iterator[tuple[str, Any]]:
    """A list's counts and resources depend on everything the server holds unless the request
    filtered; a page of a longer result depends on an order the recording cannot know."""
    if not answer.filtered:
        return
    where = pointer(key)
    if key != "Resources":
        yield where, value
        return
    whole = isinstance(value, list) and body.get("totalResults") == len(value)
    if isinstance(value, list) and not whole:
        yield where, {"length": len(value)}
    elif isinstance(value, list):
        yield where, {"same_items": [_stable(item, answer) for item in value]}


def _member(key: str, value: Any, where: str, answer: Answer) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        yield where, {"length": len(value)}
        for inner, item in value.items():
            yield from _member(inner, item, f"{where}{pointer(inner)}", answer)
    elif isinstance(value, list):
        yield where, {"same_items": [_stable(item, answer) for item in value]}
    else:
        yield where, _leaf(key, value, where, answer)


def _leaf(key: str, value: Any, where: str, answer: Answer) -> Any:
    if not isinstance(value, str):
        return value
    if key in URL_KEYS:
        return _url(value, answer)
    if where in CURSOR_POINTERS:
        return NOT_EMPTY  # sealed by the server, with a time in it
    if where == "/meta/version" or _TIMESTAMP.match(value):
        return NOT_EMPTY if where == "/meta/version" else {"matches": TIMESTAMP}
    if _fresh(value, answer):
        return NOT_EMPTY  # assigned by this very answer: saved from it, not yet comparable
    if _unknown_id(key, value, answer):
        return NOT_EMPTY  # an id the recording never learned: the target's differs
    return answer.learned.text(value)


def _unknown_id(key: str, value: str, answer: Answer) -> bool:
    return key == "id" and not answer.discovery and value not in answer.learned.ids


def _fresh(value: str, answer: Answer) -> bool:
    return any(token in value for token in answer.fresh)


def _url(value: str, answer: Answer) -> Any:
    """A URL names the server's host and an id: its path under the base must match, mapped."""
    relative = answer.base.relative(value)
    if relative is None or _fresh(relative, answer):
        return NOT_EMPTY
    return {"contains": answer.learned.text(relative)}


def _stable(value: Any, answer: Answer) -> Any:
    """An item of an array, for `same_items`: what may change is left out (a subset matches)."""
    if isinstance(value, Mapping):
        kept = {}
        for key, item in value.items():
            if _volatile(key, item, answer):
                continue
            kept[literal(str(key))] = _stable(item, answer)
        return kept
    if isinstance(value, list):
        return [_stable(item, answer) for item in value]
    return answer.learned.value(value)


def _volatile(key: str, value: Any, answer: Answer) -> bool:
    if key in URL_KEYS or key in ("version", "created", "lastModified"):
        return True
    if not isinstance(value, str):
        return False
    if _TIMESTAMP.match(value) or _fresh(value, answer):
        return True
    return _unknown_id(key, value, answer)
