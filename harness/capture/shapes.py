"""Request shapes: what kind of provisioning request each exchange of a recording is, and the
features of how it was written, so that two sources of the same kind can be compared.

A kind is a verb as a server sees it (`create user`, `deactivate user`, `remove members`...),
decided from the request alone. Features are the ways IdPs are known to write the same verb
differently: the query (`shapes_url`), the PatchOp document (`shapes_patch`), the headers that
matter and the attributes and schemas a create carries. Each feature holds the values seen, so a
request with several operations reports each form once.

Documentation prints only part of a request: for a `vendor-documentation` recording a header the
page does not print is not reported at all, where a capture's missing header is the fact "absent".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.capture.endpoints import DISCOVERY
from harness.capture.recording import Recording
from harness.capture.shapes_patch import group_patch_kind, patch_features, user_patch_kind
from harness.capture.shapes_url import endpoint, flags, parameters, query_features
from harness.transport.exchange import RecordedRequest

HEADERS = {"content-type": "content type", "accept": "accept", "user-agent": "user agent"}
ABSENT = "absent"
# Compared and reported, never counted as a difference: an IdP's name for itself says nothing of
# what a server must accept.
INFORMATIONAL = frozenset({"user agent"})
# Described but never compared: they follow from what was asked (how many attributes changed, how
# many members joined), not from how the IdP writes a request.
DESCRIPTIVE = frozenset({"ops per request", "members per op"})


@dataclass(frozen=True, slots=True)
class Shape:
    kind: str
    features: Mapping[str, tuple[str, ...]]
    request: RecordedRequest
    label: str  # the take's label: a documented example's title, a run's item

    def example(self) -> str:
        """The request's first line, as it went on the wire."""
        return f"{self.request.method} {self.request.url}"


def _json(body: str | None) -> Any:
    if body is None:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # a hostile depth is no JSON to read
        return None


def kind_of(request: RecordedRequest) -> str:
    target = endpoint(request.url)
    method = request.method.upper()
    if target.resource in DISCOVERY and method == "GET":
        return f"read /{target.resource}"
    noun = {"Users": "user", "Groups": "group"}.get(target.resource)
    if noun is None:
        return f"other: {method} {target.form}"
    if target.form.endswith("/.search"):
        return f"search {noun}s"
    if method == "GET" and not target.has_id:
        has_filter = any(name == "filter" for name, _ in parameters(request.url))
        return f"{'filter' if has_filter else 'list'} {noun}s"
    if method == "POST" and not target.has_id:
        return f"create {noun}"
    if target.has_id and method in ("GET", "PUT", "DELETE"):
        verb = {"GET": "get", "PUT": "replace", "DELETE": "delete"}[method]
        return f"{verb} {noun}"
    if target.has_id and method == "PATCH":
        document = _json(request.body)
        return user_patch_kind(document) if noun == "user" else group_patch_kind(document)
    return f"other: {method} {target.form}"


def _header_features(request: RecordedRequest, printed: bool) -> dict[str, tuple[str, ...]]:
    headers = {name.lower(): value for name, value in request.headers.items()}
    features: dict[str, tuple[str, ...]] = {}
    for name, feature in HEADERS.items():
        if name == "content-type" and request.body is None:
            continue  # a request without a body has nothing to label
        value = headers.get(name)
        if value is not None:
            # Media types compare without case or spaces (RFC 9110 8.3.1); a User-Agent as sent.
            written = value if name == "user-agent" else "".join(value.split()).lower()
            features[feature] = (written,)
        elif not printed:
            features[feature] = (ABSENT,)
    return features


def _create_features(document: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(document, dict):
        return {"body": ("not a JSON object",)}
    schemas = document.get("schemas")
    listed = [str(s) for s in schemas] if isinstance(schemas, list) else []
    return {
        "schemas": tuple(sorted(listed)) or ("none",),
        "attributes": tuple(sorted(str(key) for key in document)),
    }


def shape_of(request: RecordedRequest, label: str = "", *, printed: bool = False) -> Shape:
    """`printed`: the request comes from documentation, which shows only some of its headers."""
    kind = kind_of(request)
    features = _header_features(request, printed)
    if request.method.upper() == "GET":
        features.update(query_features(request.url))
    elif flags(request.url):  # a Tenant URL's flag rides on every request, not only on reads
        features["tenant URL flags"] = (",".join(flags(request.url)),)
    if kind.startswith("create "):
        features.update(_create_features(_json(request.body)))
    if request.method.upper() == "PATCH":
        features.update(patch_features(_json(request.body)))
    return Shape(kind, features, request, label)


def shapes_of(recording: Recording) -> list[Shape]:
    printed = recording.header.source == "vendor-documentation"
    return [shape_of(t.exchange.request, t.label, printed=printed) for t in recording.takes]


def by_kind(shapes: Iterable[Shape]) -> dict[str, list[Shape]]:
    grouped: dict[str, list[Shape]] = {}
    for shape in shapes:
        grouped.setdefault(shape.kind, []).append(shape)
    return grouped
