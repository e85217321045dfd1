"""The server under test: its transports, and what it declares it can do.

Capabilities come from `/ServiceProviderConfig` (RFC 7643 5; RFC 9865 4 for cursors; section 4
of draft-zollner-scim-interop-profile-01 for `interopProfileConformant`), `/Groups`
answering at all, and an app probe being configured; a scenario needing one the target lacks is
SKIPped, never failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.engine.token_step import NO_KEY, NOT_KNOWN, TokenClient
from harness.transport.client import Transport
from harness.transport.exchange import Exchange, json_answer

# RFC 9865 cursors: graded only where `pagination.cursor` is true. Expiry only where the run can
# wait it out: an advertised `cursorTimeout` of at most this many seconds.
CURSOR_WAIT_LIMIT = 5
NO_CURSORS = "/ServiceProviderConfig does not advertise RFC 9865 cursor pagination"

# The SCIM interoperability profile draft (docs/interop-profile.md): graded only on a server that
# claims it. Any value but an absent or false one is a claim (the draft: a server that does not
# conform "MUST either omit this attribute or set its value to false"); that it is the Boolean
# true is then a check of the profile's own.
INTEROP_CLAIM = "interopProfileConformant"
NOT_INTEROP = (
    "/ServiceProviderConfig does not claim the SCIM interoperability profile "
    "(interopProfileConformant = true, draft-zollner-scim-interop-profile-01 4)"
)

# The OpenID IPSIE AL1 SCIM profile (docs/ipsie-profile.md) defines no claim a server could make in
# /ServiceProviderConfig, and tightens MAYs of the RFCs into MUSTs: graded only when the run asks
# for it (`--tags ipsie`, or an `ipsie/...` scenario by `--scenario`), else SKIPped.
IPSIE = "ipsie-profile"
NOT_ASKED_IPSIE = (
    "the IPSIE AL1 SCIM profile is graded only when asked (--tags ipsie); "
    "a server cannot claim it in /ServiceProviderConfig"
)

SPC_FEATURES = {
    "patch": "patch",
    "bulk": "bulk",
    "filter": "filter",
    "sort": "sort",
    "etag": "etag",
    "change-password": "changePassword",
}


@dataclass(frozen=True, slots=True)
class Capabilities:
    supported: frozenset[str]
    reasons: Mapping[str, str] = field(default_factory=dict)

    def missing(self, required: tuple[str, ...]) -> list[str]:
        return [name for name in required if name not in self.supported]

    def why_not(self, name: str) -> str:
        return self.reasons.get(name, f"the target does not support {name}")


@dataclass
class Target:
    scim: Transport
    app: Transport | None
    capabilities: Capabilities
    schemas: tuple[Mapping[str, Any], ...] = ()
    discovery: list[Exchange] = field(default_factory=list)
    token_client: TokenClient | None = None  # its OAuth token endpoint, when the run names it


def _spc_features(spc: Any) -> tuple[set[str], dict[str, str]]:
    supported: set[str] = set()
    reasons: dict[str, str] = {}
    for name, key in SPC_FEATURES.items():
        entry = spc.get(key) if isinstance(spc, dict) else None
        if isinstance(entry, dict) and entry.get("supported") is True:
            supported.add(name)
        else:
            reasons[name] = f"/ServiceProviderConfig does not declare {key}.supported = true"
    return supported, reasons


def _cursor_features(spc: Any) -> tuple[set[str], dict[str, str]]:
    pagination = spc.get("pagination") if isinstance(spc, dict) else None
    if not isinstance(pagination, dict) or pagination.get("cursor") is not True:
        why = f"{NO_CURSORS} (pagination.cursor = true)"
        return set(), {"cursor": why, "cursor-expiry": why}
    timeout = pagination.get("cursorTimeout")
    if not isinstance(timeout, int) or isinstance(timeout, bool):
        return {"cursor"}, {"cursor-expiry": "/ServiceProviderConfig advertises no cursorTimeout"}
    if timeout > CURSOR_WAIT_LIMIT:
        why = f"cursorTimeout is {timeout} s, longer than the {CURSOR_WAIT_LIMIT} s a run waits"
        return {"cursor"}, {"cursor-expiry": why}
    return {"cursor", "cursor-expiry"}, {}


def _interop_features(spc: Any) -> tuple[set[str], dict[str, str]]:
    claim = spc.get(INTEROP_CLAIM) if isinstance(spc, dict) else None
    if claim is None or claim is False:
        return set(), {"interop-profile": NOT_INTEROP}
    return {"interop-profile"}, {}


def discover(
    scim: Transport,
    app: Transport | None,
    token_client: TokenClient | None = None,
    asked: frozenset[str] = frozenset(),
) -> Target:
    """Read what the target declares; every exchange is kept for the record. `asked` holds the
    opt-in profiles the run asked to grade (IPSIE), which no answer of the server can claim."""
    spc_exchange = scim.send("GET", "/ServiceProviderConfig")
    spc = json_answer(spc_exchange)
    supported, reasons = _spc_features(spc)
    cursors, cursor_reasons = _cursor_features(spc)
    supported |= cursors
    reasons.update(cursor_reasons)
    interop, interop_reasons = _interop_features(spc)
    supported |= interop
    reasons.update(interop_reasons)
    groups_exchange = scim.send("GET", "/Groups", params={"count": "1"})
    if groups_exchange.response is not None and groups_exchange.response.status == 200:
        supported.add("groups")
    else:
        reasons["groups"] = "GET /Groups did not answer 200"
    if app is not None:
        supported.add("app-probe")
    else:
        reasons["app-probe"] = "no app probe configured (--app-url)"
    if token_client is not None:
        scim.redactor.trust(token_client)
    if token_client is not None and token_client.client_secret:
        supported.add("oauth")
    else:
        reasons["oauth"] = NOT_KNOWN
    if token_client is not None and token_client.key is not None:
        supported.add("oauth-jwt")
    else:
        reasons["oauth-jwt"] = NO_KEY
    if IPSIE in asked:
        supported.add(IPSIE)
    else:
        reasons[IPSIE] = NOT_ASKED_IPSIE
    schemas_exchange = scim.send("GET", "/Schemas")
    listed = json_answer(schemas_exchange)
    resources = listed.get("Resources") if isinstance(listed, dict) else None
    schemas = tuple(r for r in resources or [] if isinstance(r, dict))
    return Target(
        scim=scim,
        app=app,
        capabilities=Capabilities(frozenset(supported), reasons),
        schemas=schemas,
        discovery=[spc_exchange, groups_exchange, schemas_exchange],
        token_client=token_client,
    )
