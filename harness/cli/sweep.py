"""`scimcert sweep`: remove what a run left behind, found by its run-id prefix and nothing else.

Every name a run creates starts with `scimcert-<run id>-` (users' userName, groups'
displayName), so the sweep touches only resources carrying that marker (docs/robustness.md#cleanup).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

from harness.plugin.options import add_argument
from harness.transport.auth import AuthError, auth_from_env
from harness.transport.client import Transport, TransportOptions
from harness.transport.exchange import Exchange, json_answer

RUN_ID = re.compile(r"[A-Za-z0-9_-]{4,64}")
PAGE = 100
TARGETS = (("Groups", "displayName"), ("Users", "userName"))


def add_parser(commands: Any) -> None:
    sweep = commands.add_parser("sweep", help="delete what a run left behind on a server")
    add_argument(sweep, "url", required=True)
    add_argument(sweep, "run_id", required=True, help="the run id printed by scimcert run")
    add_argument(sweep, "auth", help="bearer, header, basic, none")
    add_argument(sweep, "timeout")
    sweep.set_defaults(handler=main)


def _ids(transport: Transport, endpoint: str, attribute: str, prefix: str) -> list[str] | str:
    """Ids of the run's resources, or the reason they could not be listed."""
    found: list[str] = []
    start = 1
    while True:
        params = {
            "filter": f'{attribute} sw "{prefix}"',
            "startIndex": str(start),
            "count": str(PAGE),
        }
        exchange = transport.send("GET", f"/{endpoint}", params=params)
        body = json_answer(exchange)
        if not isinstance(body, dict):
            return _problem(exchange)
        resources = body.get("Resources") or []
        found += [str(r["id"]) for r in resources if isinstance(r, dict) and "id" in r]
        if not resources or start + len(resources) > int(body.get("totalResults") or 0):
            return found
        start += len(resources)


def _problem(exchange: Exchange) -> str:
    if exchange.error is not None:
        return exchange.error.detail
    status = exchange.response.status if exchange.response is not None else "?"
    return f"the list answered {status}"


def main(args: argparse.Namespace) -> int:
    if not RUN_ID.fullmatch(args.run_id):
        print(f"scimcert sweep: {args.run_id!r} is not a run id", file=sys.stderr)
        return 2
    try:
        auth = auth_from_env(args.auth, os.environ)
    except AuthError as error:
        print(f"scimcert sweep: {error}", file=sys.stderr)
        return 2
    prefix = f"scimcert-{args.run_id}-"
    left = 0
    with Transport(args.url, auth, TransportOptions(timeout=args.timeout)) as transport:
        for endpoint, attribute in TARGETS:
            ids = _ids(transport, endpoint, attribute, prefix)
            if isinstance(ids, str):
                print(f"scimcert sweep: cannot list {endpoint}: {ids}", file=sys.stderr)
                return 3
            for resource_id in ids:
                deleted = transport.send("DELETE", f"/{endpoint}/{resource_id}")
                status = deleted.response.status if deleted.response is not None else None
                left += status not in (204, 404)
            print(f"{endpoint}: {len(ids)} found with prefix {prefix}")
    print(f"{left} could not be deleted" if left else "all removed")
    return 1 if left else 0
