"""Part 3, in a process of its own: the mock IdP's `import` verb paging through /Users.

The `rfc` profile's `import` (strategy `page-users`, 100 users a page) runs through a minimal
`Wire` over one `requests.Session` that keeps nothing but counters, so what is measured is the
IdP's own memory. Time is wall time; memory is tracemalloc's peak of Python allocations during
the import (started after every import statement ran) and the growth of the process's peak RSS.
Bounded in time: past `--budget` seconds no further page is asked for, and the run reports
how far it got (`complete: false`). Prints one JSON line. The token comes from $SCIM_TOKEN.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import tracemalloc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from mock_idp import dialects
from mock_idp.directory import Directory
from mock_idp.profile import all_profiles
from mock_idp.strategies import run_verb

PROFILE = "rfc"


class BudgetSpentError(Exception):
    """The import ran out of its time budget; what was measured so far still stands."""


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class Sent:
    response: Reply | None


class CountingWire:
    """Sends over one session; remembers only how many requests and users went by."""

    def __init__(self, base_url: str, token: str, deadline: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.deadline = deadline  # time.monotonic() after which no request is sent
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.requests = 0
        self.bytes = 0

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Sent:
        if time.monotonic() > self.deadline:
            raise BudgetSpentError
        reply = self.session.request(
            method,
            self.base_url + path,
            headers=dict(headers or {}),
            json=json_body,
            params=dict(params or {}),
            timeout=60,
        )
        self.requests += 1
        self.bytes += len(reply.content)
        return Sent(Reply(reply.status_code, reply.content))


def run_import(base_url: str, token: str, budget_s: float) -> dict[str, Any]:
    wire = CountingWire(base_url, token, time.monotonic() + budget_s)
    directory = Directory(run_prefix="bench", seed=1)
    profile = all_profiles()[PROFILE]
    dialects.load()  # module imports are not the import's memory
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        last = run_verb(wire, directory, profile, "import", {})
        body = last.response.json() if last.response is not None else {}
        complete = True
    except BudgetSpentError:
        body, complete = {}, False
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "complete": complete,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "pages": wire.requests,
        "bytes": wire.bytes,
        "total_results": body.get("totalResults") if isinstance(body, dict) else None,
        "peak_traced_bytes": peak,
        "rss_growth_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="SCIM base URL; the token is $SCIM_TOKEN")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds before it stops")
    args = parser.parse_args()
    print(json.dumps(run_import(args.url, os.environ["SCIM_TOKEN"], args.budget)), flush=True)


if __name__ == "__main__":
    main()
