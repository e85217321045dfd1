"""Where personal data sits in SCIM traffic: the attributes that hold it, the filters that quote
it, and the e-mail and phone shapes that give it away in any other text.

Only what names a person is found: a user's names, e-mails, phone numbers, a member's or a
manager's display name. Ids, schema URNs and group names are not personal and are left alone
(docs/recordings.md#scrubbing-personal-data).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

EMAIL_SHAPE = re.compile(
    r"(?<![\w.+'-])[A-Za-z0-9._+'-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)
# A phone number in running text: `+` and 7 to 15 digits (E.164), or an RFC 3966 `tel:` URI.
PHONE_IN_TEXT = re.compile(r"(?:tel:)?\+\d[\d ().-]{5,}\d")
# A whole value shaped like a national number: (201) 555-0123, 201.555.0123, 201-555-0123.
PHONE_VALUE = re.compile(r"\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}")
# The look-behind makes a long run of letters one attempt, not one per letter.
_FILTER = re.compile(
    r"""(?<![\w.:$-])([\w.:$-]+)\s+(?:eq|ne|co|sw|ew|gt|ge|lt|le)\s+"((?:[^"\\]|\\.)*)\"""",
    re.IGNORECASE,
)
_PARTS = {"givenname": "Given", "familyname": "Family", "middlename": "Middle"}
_WHOLES = frozenset({"formatted", "displayname", "nickname"})


@dataclass(frozen=True, slots=True)
class Found:
    kind: str  # "email", "phone", "part" (with prefix), "whole"
    value: str
    prefix: str = ""


def in_document(document: Any, user: bool) -> Iterator[Found]:
    """Personal values of a SCIM document; `user` says whether an object without `schemas` is a
    user (the endpoint it was sent to or came from)."""
    if isinstance(document, list):
        for item in document:
            yield from in_document(item, user)
    elif isinstance(document, dict):
        user = _is_user(document, user)
        for key, value in document.items():
            yield from _attribute(str(key), value, user)
    elif isinstance(document, str):
        yield from in_value(document)


def _is_user(node: dict[str, Any], inherited: bool) -> bool:
    schemas = node.get("schemas")
    if isinstance(schemas, list):
        urns = [s for s in schemas if isinstance(s, str)]
        if any(s.endswith(":User") for s in urns):
            return True
        if any(s.endswith(":Group") for s in urns):
            return False
    return inherited


def _attribute(key: str, value: Any, user: bool) -> Iterator[Found]:
    name = key.rsplit(":", 1)[-1].lower()  # `urn:...:User:name` is `name`
    if name == "name" and isinstance(value, dict) and user:
        yield from _name(value)
    elif name in _WHOLES and isinstance(value, str) and user:
        yield Found("whole", value)
    elif name == "emails":
        yield from _multi(value, "email")
    elif name == "phonenumbers":
        yield from _multi(value, "phone")
    elif name == "members" and isinstance(value, list):
        for member in value:
            if isinstance(member, dict) and member.get("type") != "Group":
                display = member.get("display")
                if isinstance(display, str):
                    yield Found("whole", display)
    elif name == "manager" and isinstance(value, dict):
        display = value.get("displayName")
        if isinstance(display, str):
            yield Found("whole", display)
    elif name == "operations" and isinstance(value, list):
        yield from _operations(value, user)
    elif name == "filter" and isinstance(value, str):
        yield from in_filter(value, user)
    else:
        yield from in_document(value, user)


def _name(value: dict[str, Any]) -> Iterator[Found]:
    for key, item in value.items():
        if not isinstance(item, str):
            continue
        prefix = _PARTS.get(str(key).lower())
        if prefix:
            yield Found("part", item, prefix)
        elif str(key).lower() == "formatted":
            yield Found("whole", item)


def _multi(value: Any, kind: str) -> Iterator[Found]:
    values = value if isinstance(value, list) else [value]
    for item in values:
        text = item.get("value") if isinstance(item, dict) else item
        if isinstance(text, str):
            yield Found(kind, text)


def _operations(operations: list[Any], user: bool) -> Iterator[Found]:
    """PATCH operations (a path, a value) and bulk operations (a path, data)."""
    for operation in operations:
        if not isinstance(operation, dict):
            continue
        path = operation.get("path")
        if isinstance(operation.get("data"), dict | list):  # a bulk operation
            bulk_user = isinstance(path, str) and "/Users" in path
            yield from in_document(operation["data"], bulk_user)
            continue
        value = operation.get("value")
        if isinstance(path, str) and path:
            yield from in_filter(path, user)
            yield from in_document(_nested(path, value), user)
        else:
            yield from in_document(value, user)


def _nested(path: str, value: Any) -> dict[str, Any]:
    """`name.givenName` with "Ann" as `{"name": {"givenName": "Ann"}}`, `emails[type eq "work"]
    .value` as `{"emails": [{"value": ...}]}`: a PATCH value read like a resource's."""
    plain = re.sub(r"\[[^\]]*\]?", "", path)
    plain = plain.rsplit(":", 1)[-1] if plain.lower().startswith("urn:") else plain
    parts = [p for p in plain.split(".") if p]
    if len(parts) == 2 and parts[0].lower() in ("emails", "phonenumbers"):
        return {parts[0]: [{parts[1]: value}]}
    node: Any = value
    for part in reversed(parts):
        node = {part: node}
    return node if isinstance(node, dict) else {}


def in_filter(text: str, user: bool) -> Iterator[Found]:
    """Values a filter compares a personal attribute with: `name.familyName eq "Smith"`,
    `emails[value eq "ann@x.com"]`, as a query or a PATCH path writes them."""
    for match in _FILTER.finditer(text):
        attribute = match[1].rsplit(":", 1)[-1].lower()
        value = _unescaped(match[2])
        before = text[: match.start()].rstrip().lower()
        last = attribute.rsplit(".", 1)[-1]
        if attribute in ("emails", "emails.value") or (
            attribute == "value" and before.endswith("emails[")
        ):
            yield Found("email", value)
        elif attribute in ("phonenumbers", "phonenumbers.value") or (
            attribute == "value" and before.endswith("phonenumbers[")
        ):
            yield Found("phone", value)
        elif last in _PARTS:
            yield Found("part", value, _PARTS[last])
        elif (last in _WHOLES and user) or (last == "display" and before.endswith("members[")):
            yield Found("whole", value)
        elif attribute in ("username", "externalid") and EMAIL_SHAPE.fullmatch(value):
            yield Found("email", value)


def in_text(text: str) -> Iterator[Found]:
    """E-mail and phone shapes anywhere in a decoded text (a URL, a header, an error message)."""
    for match in EMAIL_SHAPE.finditer(text):
        yield Found("email", match[0])
    for match in PHONE_IN_TEXT.finditer(text):
        digits = sum(c.isdigit() for c in match[0])
        if 7 <= digits <= 15:
            yield Found("phone", match[0])


def in_value(text: str) -> Iterator[Found]:
    """A whole string value: the shapes of `in_text`, and a national phone number."""
    yield from in_text(text)
    if PHONE_VALUE.fullmatch(text.strip()):
        yield Found("phone", text)


def _unescaped(text: str) -> str:
    try:
        value = json.loads(f'"{text}"')
    except ValueError:
        return text
    return value if isinstance(value, str) else text
