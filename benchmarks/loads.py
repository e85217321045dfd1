"""The five requests measured on every server, as wrk loads cycling through fixed samples.

- `get-by-id`: `GET /Users/{id}` over a sample of seeded ids;
- `eq-hit` / `eq-miss`: `GET /Users?filter=userName eq "..."` for seeded and unknown names;
- `page-100`: `GET /Users?startIndex=S&count=100` at starts spread over the whole population,
  on two connections instead of eight;
- `patch-deactivate`: `PATCH /Users/{id}` `replace active false` over the sample (last, since it
  writes).
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

from .population import deactivate_body, missing_user_name, sample_indexes, user_name
from .wrk import Load

SAMPLE = 1_000
PAGE_SIZE = 100
PAGE_STARTS = 50
# Pages take seconds on some servers: two connections keep the queue they leave behind short.
PAGE_CONNECTIONS = 2
LOAD_NAMES = ("get-by-id", "eq-hit", "eq-miss", "page-100", "patch-deactivate")


def origin_and_prefix(base_url: str) -> tuple[str, str]:
    """`http://host:port` for wrk's URL argument, and the path every request starts with."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")


def _filter(name: str) -> str:
    return "filter=" + quote(f'userName eq "{name}"', safe="")


def build_loads(base_url: str, token: str, ids: list[str], users: int) -> list[Load]:
    """The loads for a server holding `users` users whose ids are `ids` (by index).

    `ids` may be shorter than `users` (the hello-world app has none: any path answers).
    """
    _, prefix = origin_and_prefix(base_url)
    sample = sample_indexes(users, SAMPLE)
    pick = [ids[i] if i < len(ids) else f"id-{i}" for i in sample]
    read = {"Authorization": f"Bearer {token}", "Accept": "application/scim+json"}
    write = {**read, "Content-Type": "application/scim+json"}
    starts = sorted(sample_indexes(max(users - PAGE_SIZE, 1), PAGE_STARTS))
    users_path = f"{prefix}/Users"
    return [
        Load("get-by-id", "GET", [f"{users_path}/{i}" for i in pick], read),
        Load("eq-hit", "GET", [f"{users_path}?{_filter(user_name(i))}" for i in sample], read),
        Load(
            "eq-miss",
            "GET",
            [f"{users_path}?{_filter(missing_user_name(i))}" for i in range(SAMPLE)],
            read,
        ),
        Load(
            "page-100",
            "GET",
            [f"{users_path}?startIndex={s + 1}&count={PAGE_SIZE}" for s in starts],
            read,
            connections=PAGE_CONNECTIONS,
        ),
        Load(
            "patch-deactivate",
            "PATCH",
            [f"{users_path}/{i}" for i in pick],
            write,
            json.dumps(deactivate_body()),
        ),
    ]
