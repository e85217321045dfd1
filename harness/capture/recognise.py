"""Which IdP sent a recording: its User-Agent first, then the shapes only one IdP writes.

A User-Agent is only believed when a profile sends it or the IdP's page in docs/idp/ prints it;
the strings are read from the profiles (`headers`, and Okta's SPEC-test `spec_headers`), never
made up here. Without one, each request is matched against the shapes docs/idp/ describes as one
IdP's own: Entra's capitalised PATCH ops and "True"/"False" strings, Okta's path-less `replace`
of `active` and its `startIndex=1&count=100` lookups, OneLogin's template bodies (`"id": null`,
`active` as a string), Ping's capitalised `Eq`. The family most requests point to wins; a tie, or
nothing at all, is "" (unknown), and the evidence says which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness.capture.recording import Take
from harness.transport.exchange import RecordedRequest
from harness.transport.redaction import parse_json
from mock_idp.profile import all_profiles

UNKNOWN = ""
ENTRA_OPS = frozenset({"Add", "Replace", "Remove"})  # docs/idp/entra.md#dialects
ENTRA_BOOLEANS = frozenset({"True", "False"})  # docs/idp/entra.md#disable-and-re-enable
ENTRA_FLAG = "aadOptscim062020"  # docs/idp/entra.md#dialects
ENTRA_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
ONELOGIN_BOOLEANS = frozenset({"true", "false"})  # docs/idp/onelogin.md#template
SCIM1_URN = "urn:scim:schemas:core:1.0"  # docs/idp/onelogin.md#template: OneLogin's own examples


@dataclass(frozen=True, slots=True)
class Recognition:
    """The family recognised ("" when unknown) and why, in a line fit for the header's notes."""

    idp: str
    evidence: str


@cache
def known_user_agents() -> Mapping[str, str]:
    """User-Agent (lower-cased) -> family, from every profile's headers."""
    agents: dict[str, str] = {}
    for profile in all_profiles().values():
        spec = profile.options.get("spec_headers") or {}
        for headers in (profile.headers, spec):
            agent = _header(headers, "user-agent")
            if agent:
                agents[agent.strip().lower()] = profile.family
    return agents


class Recogniser:
    """Fed one take at a time (the proxy sees them as they come), asked once at the end."""

    def __init__(self) -> None:
        self._requests = 0
        self._agents: Counter[tuple[str, str]] = Counter()  # (family, user agent) -> requests
        self._shapes: Counter[tuple[str, str]] = Counter()  # (family, shape) -> requests

    def see(self, take: Take) -> None:
        request = take.exchange.request
        self._requests += 1
        agent = (_header(request.headers, "user-agent") or "").strip()
        family = known_user_agents().get(agent.lower())
        if family:
            self._agents[family, agent] += 1
        for family, shape in _shapes(request):
            self._shapes[family, shape] += 1

    def result(self) -> Recognition:
        if not self._requests:
            return Recognition(UNKNOWN, "not recognised: the recording holds no request")
        by_agent = self._verdict(self._agents, "User-Agent {!r}")
        if by_agent is not None:
            return by_agent
        by_shape = self._verdict(self._shapes, "{}")
        if by_shape is not None:
            return by_shape
        return Recognition(
            UNKNOWN, "not recognised: no known User-Agent and no shape only one IdP sends"
        )

    def _verdict(self, seen: Counter[tuple[str, str]], describe: str) -> Recognition | None:
        if not seen:
            return None
        families: Counter[str] = Counter()
        for (family, _), count in seen.items():
            families[family] += count
        ranked = families.most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            tied = " and ".join(f"{family} ({count})" for family, count in ranked[:2])
            return Recognition(UNKNOWN, f"not recognised: as many requests point to {tied}")
        family = ranked[0][0]
        reasons = [(count, what) for (which, what), count in seen.items() if which == family]
        count, what = max(reasons)
        others = "".join(f"; {other}: {n}" for other, n in ranked[1:])
        reason = describe.format(what)
        return Recognition(
            family,
            f"recognised as {family}: {reason} on {count} of {self._requests} requests{others}",
        )


def recognise(takes: Iterable[Take]) -> Recognition:
    recogniser = Recogniser()
    for take in takes:
        recogniser.see(take)
    return recogniser.result()


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value)
    return None


# --- Shapes ---------------------------------------------------------------------------------------

Shape = Callable[[RecordedRequest, Any, dict[str, str]], Iterator[tuple[str, str]]]


def _shapes(request: RecordedRequest) -> set[tuple[str, str]]:
    """The (family, shape) pairs one request shows, each counted once per request."""
    body = parse_json(request.body)
    query = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
    found: set[tuple[str, str]] = set()
    for shape in SHAPES:
        found.update(shape(request, body, query))
    return found


def _operations(request: RecordedRequest, body: Any) -> list[dict[str, Any]]:
    if request.method.upper() != "PATCH" or not isinstance(body, dict):
        return []
    operations = body.get("Operations")
    return [op for op in operations if isinstance(op, dict)] if isinstance(operations, list) else []


def _entra_patch(
    request: RecordedRequest, body: Any, _: dict[str, str]
) -> Iterator[tuple[str, str]]:
    for operation in _operations(request, body):
        op = operation.get("op")
        if op in ENTRA_OPS:
            yield "entra", f"capitalised PATCH op {op!r}"
        value = operation.get("value")
        path = str(operation.get("path") or "").lower()
        active = value.get("active") if isinstance(value, dict) else None
        if (path == "active" and value in ENTRA_BOOLEANS) or active in ENTRA_BOOLEANS:
            yield "entra", "active as the string 'True'/'False'"


def _entra_request(
    request: RecordedRequest, body: Any, query: dict[str, str]
) -> Iterator[tuple[str, str]]:
    if ENTRA_FLAG in query:
        yield "entra", f"the {ENTRA_FLAG} flag in the URL"
    if isinstance(body, dict) and ENTRA_GROUP_SCHEMA in (body.get("schemas") or []):
        yield "entra", "Microsoft's ADSCIM group schema"
    if query.get("excludedAttributes") == "members" and "displayName eq" in query.get("filter", ""):
        yield "entra", "a group lookup excluding members"


def _okta(request: RecordedRequest, body: Any, query: dict[str, str]) -> Iterator[tuple[str, str]]:
    for operation in _operations(request, body):
        value = operation.get("value")
        if (
            operation.get("op") == "replace"
            and "path" not in operation
            and isinstance(value, dict)
            and set(value) == {"active"}
            and isinstance(value["active"], bool)
        ):
            yield "okta", "a path-less lowercase replace of active alone"
    lookup = "filter" in query and query.get("startIndex") == "1" and query.get("count") == "100"
    if request.method.upper() == "GET" and lookup:
        yield "okta", "a filter lookup paged startIndex=1&count=100"


def _onelogin(request: RecordedRequest, body: Any, _: dict[str, str]) -> Iterator[tuple[str, str]]:
    if request.method.upper() not in ("POST", "PUT") or not isinstance(body, dict):
        return
    if "id" in body and body["id"] is None:
        yield "onelogin", 'a template body with "id": null'
    if body.get("active") in ONELOGIN_BOOLEANS:
        yield "onelogin", "active as the string 'true'/'false' in a template body"
    if any(str(schema).startswith(SCIM1_URN) for schema in body.get("schemas") or []):
        yield "onelogin", "a SCIM 1.0 schema URN in a template body"


def _ping(_: RecordedRequest, __: Any, query: dict[str, str]) -> Iterator[tuple[str, str]]:
    if " Eq " in query.get("filter", ""):
        yield "ping", "a filter with the operator written 'Eq'"


SHAPES: tuple[Shape, ...] = (_entra_patch, _entra_request, _okta, _onelogin, _ping)
