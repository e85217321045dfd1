"""Faults in how a server takes large membership changes and the limits it declares
(docs/group-limits.md): members beyond the first hundred dropped without a word, and a /Bulk
endpoint that lets one of its declared limits pass; and the allowed variant of a server without
/Bulk, which SCIM makes optional."""

from __future__ import annotations

from typing import Any

from .exchange import Exchange
from .registry import fault, hook

TRUNCATED_TO = 100  # FusionAuth kept 100 (docs/group-limits.md#large-membership-changes)


def _cut(values: Any) -> Any:
    return values[:TRUNCATED_TO] if isinstance(values, list) else values


@fault(
    "truncate-members",
    f"A group write keeps only the first {TRUNCATED_TO} members it names and answers as if it "
    "kept them all",
    phase="request",
)
def _truncate_members(x: Exchange) -> None:
    if not x.on("Groups") or x.method not in ("POST", "PUT", "PATCH"):
        return
    body = x.body if isinstance(x.body, dict) else {}
    if "members" in body:
        body["members"] = _cut(body["members"])
    for operation in body.get("Operations") or []:
        if isinstance(operation, dict) and str(operation.get("path", "")).lower() == "members":
            operation["value"] = _cut(operation.get("value"))


# RFC 7644 3.7.4: "If either limit is exceeded, the service provider MUST return HTTP response
# code 413". Each fault lets one limit pass and holds the other.
BULK_OPERATIONS_IGNORED = hook(
    "bulk-max-operations-ignored",
    "/Bulk serves a request of more operations than bulk.maxOperations declares",
)
BULK_PAYLOAD_IGNORED = hook(
    "bulk-max-payload-ignored",
    "/Bulk serves a request larger than bulk.maxPayloadSize declares (up to the 1 MiB body limit)",
)


@fault(
    "bulk-unsupported",
    "/ServiceProviderConfig says bulk.supported false and /Bulk answers 501 (RFC 7644 3.7: "
    "bulk is optional)",
    allowed=True,
)
def _bulk_unsupported(x: Exchange) -> None:
    if x.on("ServiceProviderConfig", "GET") and isinstance(x.json, dict):
        x.json["bulk"] = {"supported": False, "maxOperations": 0, "maxPayloadSize": 0}
    elif x.on("Bulk"):
        x.answer_error(501, "Bulk operations are not supported")
