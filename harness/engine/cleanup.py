"""Removing what an item created: groups first, then users; what stays is reported as leaked.

Cleanup is the harness's own hygiene, not IdP traffic, so it speaks plain RFC 7644: DELETE,
falling back to deactivation where the target has no DELETE (docs/robustness.md#cleanup).
"""

from __future__ import annotations

from harness.checks.registry import Finding
from harness.transport.exchange import Exchange
from harness.transport.recording import RecordingTransport

PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GONE = (200, 204, 404)
NO_DELETE = (405, 501)


def _status(exchange: Exchange) -> int | None:
    return exchange.response.status if exchange.response is not None else None


def _deactivated(sender: RecordingTransport, user_id: str) -> bool:
    operation = {"op": "replace", "value": {"active": False}}
    body = {"schemas": [PATCH_SCHEMA], "Operations": [operation]}
    exchange = sender.send("PATCH", f"/Users/{user_id}", json_body=body, judged=False)
    return _status(exchange) == 200


def _remove(sender: RecordingTransport, kind: str, resource_id: str) -> Finding | None:
    status = _status(sender.send("DELETE", f"/{kind}/{resource_id}", judged=False))
    if status in GONE:
        return None
    what = f"{kind[:-1].lower()} {resource_id}"
    if kind == "Users" and status in NO_DELETE and _deactivated(sender, resource_id):
        return Finding(f"{what} could not be deleted; it was deactivated instead", 204, status)
    return Finding(f"{what} could not be removed", 204, status)


def remove_created(sender: RecordingTransport) -> list[Finding]:
    """Delete what the item created, newest first; each resource left behind is a finding."""
    created = sender.created
    leaked = [
        finding
        for kind, ids in (("Groups", created.groups), ("Users", created.users))
        for resource_id in reversed(ids)
        if (finding := _remove(sender, kind, resource_id)) is not None
    ]
    created.users.clear()
    created.groups.clear()
    return leaked
