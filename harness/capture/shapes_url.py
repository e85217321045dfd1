"""What a request's URL says of its shape: the endpoint it names and how its query is written.

A recording's URLs carry whatever base the server had (`/scim/v2`, a tenant path, a documentation
page's placeholder), so the endpoint is found by its resource name, not by position. Queries are
read raw, before decoding, because their encoding is itself a shape: Entra writes a filter's spaces
as `+`, Okta as `%20`. A query printed with literal spaces (documentation does that) says nothing
of its encoding, so none is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from harness.capture.endpoints import RESOURCES

PAGING = ("startIndex", "count")
# `userName eq "x"`: attribute, operator, and the value with or without its quotes.
COMPARISON = re.compile(r"^\s*(?P<attribute>\S+)\s+(?P<operator>[A-Za-z]+)\s+(?P<value>.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Endpoint:
    resource: str  # one of RESOURCES, or "" when the path names none
    has_id: bool  # /Users/{id}
    form: str  # the path with its id replaced: `/Users/{id}`


def endpoint(url: str) -> Endpoint:
    segments = [part for part in urlsplit(url).path.split("/") if part]
    for index, segment in enumerate(segments):
        named = next((r for r in RESOURCES if r.lower() == segment.lower()), None)
        if named is None:
            continue
        rest = segments[index + 1 :]
        if rest and rest[0].startswith("."):  # `/Users/.search` (RFC 7644 3.4.3): no id
            return Endpoint(named, False, "/" + "/".join([named, *rest]))
        form = "/" + "/".join([named, *(["{id}"] if rest else []), *rest[1:]])
        return Endpoint(named, bool(rest), form)
    return Endpoint("", False, urlsplit(url).path or "/")


def raw_query(url: str) -> str:
    """The query as written: `urlsplit` would stop at a `#` a printed filter may hold."""
    return url.split("?", 1)[1] if "?" in url else ""


def parameters(url: str) -> list[tuple[str, str]]:
    """Decoded `name=value` pairs; a bare word without `=` (a Tenant URL flag such as
    `aadOptscim062020`) is not a SCIM parameter and is left to `flags`."""
    query = raw_query(url)
    pairs = [part for part in query.split("&") if "=" in part]
    return parse_qsl("&".join(pairs), keep_blank_values=True)


def flags(url: str) -> list[str]:
    return [part for part in raw_query(url).split("&") if part and "=" not in part]


def filter_form(expression: str) -> str:
    """`userName eq "…"`: the attribute and operator as sent, the value elided but its quoting
    kept (Microsoft's older example filters on an unquoted value)."""
    match = COMPARISON.match(expression)
    if match is None:
        return "(not a comparison)"
    value = match["value"]
    quoted = len(value) >= 2 and value[0] == value[-1] == '"'
    elided = '"…"' if quoted else "…"
    return f"{match['attribute']} {match['operator']} {elided}"


def encoding(url: str) -> str | None:
    """How a space in the filter is written: `%20`, `+`, or None when unknown (no space, or the
    query printed with literal spaces)."""
    query = raw_query(url)
    if " " in query:
        return None
    written = next((p.split("=", 1)[1] for p in query.split("&") if p.startswith("filter=")), "")
    if "%20" in written:
        return "%20"
    if "+" in written:
        return "+"
    return None


def query_features(url: str) -> dict[str, tuple[str, ...]]:
    found = parameters(url)
    names = sorted({name for name, _ in found})
    features: dict[str, tuple[str, ...]] = {"query parameters": ("&".join(names) or "none",)}
    paging = [f"{name}={value}" for name, value in sorted(found) if name in PAGING]
    features["paging"] = (", ".join(paging) or "none",)
    expression = next((value for name, value in found if name == "filter"), None)
    if expression is not None:
        features["filter"] = (filter_form(expression),)
        written = encoding(url)
        if written is not None:
            features["query encoding"] = (written,)
    tenant_flags = flags(url)
    if tenant_flags:
        features["tenant URL flags"] = (",".join(tenant_flags),)
    return features
