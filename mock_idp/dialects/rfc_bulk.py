"""A bulk request just over the limits the server declares (RFC 7644 3.7.4), built from its own
/ServiceProviderConfig (RFC 7643 5: `bulk.maxOperations`, `bulk.maxPayloadSize`).

No IdP this project emulates sends /Bulk (docs/group-limits.md#limits-the-server-declares), so
this is the RFC client's probe of a server that advertises bulk. Its operations name users that
do not exist, so a server that wrongly takes the request changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from ..options import Option
from ..strategies import PATCH_SCHEMA, VerbCall, strategy
from ..wire import Sent, body_of

BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
# A payload limit above this is not probed: a request that large would test the network more
# than the server.
LARGEST_PROBE = 64 * 1024 * 1024
# json.dumps with its default separators, as the harness sends a body, is never shorter than
# the compact form measured; the margin covers a different serializer's spacing.
MARGIN = 64


def declared(call: VerbCall, name: str) -> int:
    """`bulk.<name>` of the server's /ServiceProviderConfig: a positive integer, or an error."""
    config = body_of(call.send("GET", "/ServiceProviderConfig"))
    bulk = config.get("bulk") if isinstance(config, dict) else None
    value = bulk.get(name) if isinstance(bulk, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"/ServiceProviderConfig declares no positive bulk.{name}: {value!r}")
    return value


def _absent(call: VerbCall, number: int) -> str:
    return f"/Users/{call.directory.run_prefix}-absent-{number}"


def _request(operations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": [BULK_REQUEST], "Operations": operations}


def too_many_operations(call: VerbCall) -> dict[str, Any]:
    """maxOperations + 1 DELETEs of users that do not exist."""
    limit = declared(call, "maxOperations")
    operations = [{"method": "DELETE", "path": _absent(call, n)} for n in range(limit + 1)]
    return _request(operations)


def too_large(call: VerbCall) -> dict[str, Any]:
    """One PATCH of a user that does not exist, padded past maxPayloadSize."""
    limit = declared(call, "maxPayloadSize")
    if limit > LARGEST_PROBE:
        raise ValueError(f"bulk.maxPayloadSize {limit} is above the {LARGEST_PROBE} bytes probed")
    change = {"op": "replace", "path": "displayName", "value": ""}
    patch = {"schemas": [PATCH_SCHEMA], "Operations": [change]}
    body = _request([{"method": "PATCH", "path": _absent(call, 0), "data": patch}])
    compact = len(json.dumps(body, separators=(",", ":")).encode())
    change["value"] = "x" * max(limit - compact + MARGIN, 1)
    return body


BUILDERS = {"operations": too_many_operations, "payload": too_large}


@strategy("bulk-over-limit", Option("limit", {"enum": sorted(BUILDERS)}))
def bulk_over_limit(call: VerbCall) -> Sent:
    """POST /Bulk one operation (`limit: operations`) or a few bytes (`limit: payload`) over
    what the server declares."""
    build = BUILDERS[str(call.option("limit"))]
    return call.send("POST", "/Bulk", json_body=build(call))
