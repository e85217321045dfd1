"""After the load: is every userName the load POSTed there once, and only once?

Each name is looked up with a `userName eq` filter (userName is case-insensitive, RFC 7643
4.1.1, so a filter also finds a copy that differs in case). Two or more hits are users
duplicated under load (a uniqueness check that is not atomic, a lookup that missed a fresh
write); no hit for a name the server answered 201 is a user lost after it was created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from harness.transport.client import Transport
from harness.transport.exchange import json_answer

MAX_NAMES = 5000  # beyond this a deterministic sample is checked, and the report says so
THREADS = 4  # lookups at once: a minute of load leaves hundreds of names to look up


@dataclass
class NameCheck:
    checked: int = 0
    total: int = 0
    duplicated: dict[str, int] = field(default_factory=dict)  # userName -> users found
    lost: list[str] = field(default_factory=list)  # answered 201, found by no filter
    unanswered: list[str] = field(default_factory=list)  # the filter itself failed

    @property
    def sampled(self) -> bool:
        return self.checked < self.total


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _count(transport: Transport, name: str) -> int | None:
    """Users the target finds for `name`, or None if the filter itself failed."""
    exchange = transport.send("GET", "/Users", params={"filter": f"userName eq {_quoted(name)}"})
    answer = json_answer(exchange)  # None unless a 200 with a JSON body
    found = answer.get("totalResults") if isinstance(answer, dict) else None
    return found if isinstance(found, int) else None


def _count_all(connect: Callable[[], Transport], names: list[str]) -> list[int | None]:
    with connect() as transport:  # one transport (one session) per thread
        return [_count(transport, name) for name in names]


def check_names(
    connect: Callable[[], Transport], posted: Iterable[str], created: set[str]
) -> NameCheck:
    names = sorted(posted)
    result = NameCheck(total=len(names))
    if len(names) > MAX_NAMES:
        names = names[:: -(-len(names) // MAX_NAMES)]
    shares = [names[i::THREADS] for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        counted = list(pool.map(lambda share: _count_all(connect, share), shares))
    for share, counts in zip(shares, counted, strict=True):
        for name, found in zip(share, counts, strict=True):
            result.checked += 1
            if found is None:
                result.unanswered.append(name)
            elif found > 1:
                result.duplicated[name] = found
            elif found == 0 and name in created:
                result.lost.append(name)
    return result
