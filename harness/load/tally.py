"""What a load saw that Locust's statistics do not keep: status codes, Retry-After, created names.

Each Locust process keeps one tally. A worker ships what it gathered since its last report to
the master (Locust's `report_to_master` / `worker_report` events), which merges them, so a
distributed run ends with one tally as a local run does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

THROTTLED = (429, 503)  # the answers a client should back off from, told by Retry-After
MAX_ERRORS_KEPT = 20  # distinct IdP-side errors kept verbatim; the rest are only counted


@dataclass
class Tally:
    statuses: Counter[str] = field(default_factory=Counter)
    retry_after: Counter[str] = field(default_factory=Counter)  # status -> answers carrying it
    raced_conflicts: int = 0  # 409 answers to the second of two racing creates: correct
    posted: set[str] = field(default_factory=set)  # every userName the load POSTed
    created: set[str] = field(default_factory=set)  # ... and those answered 201
    errors: Counter[str] = field(default_factory=Counter)  # the mock IdP raised while driving

    def saw(self, status: int, headers: Mapping[str, str], *, raced: bool = False) -> None:
        self.statuses[str(status)] += 1
        if status in THROTTLED and headers.get("Retry-After"):
            self.retry_after[str(status)] += 1
        if raced and status == 409:
            self.raced_conflicts += 1

    def post(self, body: Any, status: int) -> None:
        name = body.get("userName") if isinstance(body, dict) else None
        if isinstance(name, str):
            self.posted.add(name)
            if status == 201:
                self.created.add(name)

    def failed(self, where: str, error: BaseException, scrub: Callable[[str], str]) -> None:
        """Keep the error as text, scrubbed of secrets before it is cut (docs/secrets.md)."""
        key = scrub(f"{where}: {type(error).__name__}: {error}")[:300]
        if key in self.errors or len(self.errors) < MAX_ERRORS_KEPT:
            self.errors[key] += 1
        else:
            self.errors["(further errors, not kept verbatim)"] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "statuses": dict(self.statuses),
            "retry_after": dict(self.retry_after),
            "raced_conflicts": self.raced_conflicts,
            "posted": sorted(self.posted),
            "created": sorted(self.created),
            "errors": dict(self.errors),
        }

    def merge(self, data: Mapping[str, Any]) -> None:
        self.statuses.update(data.get("statuses", {}))
        self.retry_after.update(data.get("retry_after", {}))
        self.raced_conflicts += int(data.get("raced_conflicts", 0))
        self.posted.update(data.get("posted", []))
        self.created.update(data.get("created", []))
        self.errors.update(data.get("errors", {}))

    def drain(self) -> dict[str, Any]:
        """Everything gathered so far, and start again from nothing (a worker's report)."""
        data = self.to_dict()
        # No yield between reading and clearing: under gevent no request can slip in between.
        self.statuses, self.retry_after, self.errors = Counter(), Counter(), Counter()
        self.raced_conflicts, self.posted, self.created = 0, set(), set()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tally:
        tally = cls()
        tally.merge(data)
        return tally
