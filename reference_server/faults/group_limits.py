"""Faults in how a server takes large membership changes and the limits it declares
(docs/group-limits.md): members beyond the first hundred dropped without a word, and a bulk
endpoint that advertises its limits and does not hold them.

The reference server does not support /Bulk (its /ServiceProviderConfig says so), so the two bulk
faults stand in for a server that does, as the cursor and filter faults rewrite the
advertisement: /ServiceProviderConfig declares bulk with small limits, and POST /Bulk is
answered by the fault, holding one of the two limits and ignoring the other. The operations the
harness sends there name no resource, so a 200 answers each with the 404 any server would give.
"""

from __future__ import annotations

from typing import Any

from .exchange import Exchange
from .registry import fault

TRUNCATED_TO = 100  # FusionAuth kept 100 (docs/group-limits.md#large-membership-changes)
MAX_OPERATIONS = 10
MAX_PAYLOAD = 4096
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"


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


def _advertise(x: Exchange) -> None:
    if x.on("ServiceProviderConfig", "GET") and isinstance(x.json, dict):
        limits = {"maxOperations": MAX_OPERATIONS, "maxPayloadSize": MAX_PAYLOAD}
        x.json["bulk"] = {"supported": True, **limits}


def _payload_size(x: Exchange) -> int:
    try:
        return int(x.request_headers.get("content-length", "0"))
    except ValueError:
        return 0


def _bulk(x: Exchange, *, holds_operations: bool, holds_payload: bool) -> None:
    """POST /Bulk as a server with the advertised limits, holding only those it is told to."""
    _advertise(x)
    if not x.on("Bulk", "POST"):
        return
    operations = x.body.get("Operations") if isinstance(x.body, dict) else None
    operations = [op for op in operations or [] if isinstance(op, dict)]
    size = _payload_size(x)
    if holds_payload and size > MAX_PAYLOAD:
        x.answer_error(
            413, f"The bulk request's {size} bytes exceed maxPayloadSize ({MAX_PAYLOAD})"
        )
    elif holds_operations and len(operations) > MAX_OPERATIONS:
        detail = f"The bulk request's {len(operations)} operations exceed maxOperations"
        x.answer_error(413, f"{detail} ({MAX_OPERATIONS})")
    else:
        results = [{"method": op.get("method"), "status": "404"} for op in operations]
        x.answer(200, {"schemas": [BULK_RESPONSE], "Operations": results})
        x.headers["content-type"] = "application/scim+json"


@fault(
    "bulk-max-operations-ignored",
    f"Advertises bulk (maxOperations {MAX_OPERATIONS}, maxPayloadSize {MAX_PAYLOAD}) and takes a "
    "bulk request of more operations than it declares",
)
def _bulk_max_operations_ignored(x: Exchange) -> None:
    _bulk(x, holds_operations=False, holds_payload=True)


@fault(
    "bulk-max-payload-ignored",
    f"Advertises bulk (maxOperations {MAX_OPERATIONS}, maxPayloadSize {MAX_PAYLOAD}) and takes a "
    "bulk request larger than it declares",
)
def _bulk_max_payload_ignored(x: Exchange) -> None:
    _bulk(x, holds_operations=True, holds_payload=False)
