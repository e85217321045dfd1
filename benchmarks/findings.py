"""What limits each figure, written from this run's own measurements and diagnoses.

Each note is emitted only while its cause is still present (the socket still lacks TCP_NODELAY,
the partial index is still missing), and quotes the figures of the run that wrote it.
"""

from __future__ import annotations

from .profile import Profile
from .results import Run
from .server_bench import Row


def _find(rows: list[Row], server: str, users: int | None, load: str) -> Row | None:
    return next(
        (
            r
            for r in rows
            if r.server == server and r.load == load and (users is None or r.users == users)
        ),
        None,
    )


def _cpu_ms(row: Row) -> float:
    r = row.result
    return r.server_cpu * r.seconds / r.requests * 1000 if r.requests else 0.0


def _twin(run: Run, row: Row, server: str) -> Row | None:
    """The measurement by `server` of the same users, load and connections as `row`."""
    return next(
        (
            r
            for r in [*run.figures.rows, *run.diagnosis]
            if r.server == server
            and r.users == row.users
            and r.load == row.load
            and r.connections == row.connections
        ),
        None,
    )


def _pair_line(what: str, fast: Row, slow: Row) -> str:
    ratio = fast.result.rps / slow.result.rps if slow.result.rps else 0.0
    return (
        f"- {what}, `{fast.load}`, {fast.connections} connection(s): with TCP_NODELAY "
        f"{fast.result.rps:,.0f} req/s, p50 {fast.result.p50_ms:.1f} ms; without "
        f"{slow.result.rps:,.0f} req/s, p50 {slow.result.p50_ms:.1f} ms ({ratio:.1f}x)"
    )


def nagle(run: Run) -> list[str]:
    if not run.nodelay_missing:
        return []
    lines = [
        "**Nagle's algorithm is on for every response of the reference server.** "
        "`reference_server/server.py`, `bind()`, creates its socket with "
        "`socket.socket(family, socket.SOCK_STREAM)`, whose `proto` is 0; asyncio sets "
        "`TCP_NODELAY` on accepted sockets only when `sock.proto == IPPROTO_TCP` "
        "(`asyncio.base_events._set_nodelay`). uvicorn sends each response in two writes (head, "
        "then body), and the second may wait for the client's delayed ACK (40 ms on Linux). "
        "The fix is one argument: `socket.socket(family, socket.SOCK_STREAM, "
        "socket.IPPROTO_TCP)` (or `setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)` on the listening "
        "socket). Measured in this run through `benchmarks/nodelay_server.py` (the same "
        "application, that one change):",
        "",
    ]
    for row in run.diagnosis:
        plain = _twin(run, row, "reference") if row.server != "reference" else None
        if plain is not None:
            lines.append(_pair_line(f"{row.users:,} users", row, plain))
    return [*lines, ""]


def live_index(run: Run) -> list[str]:
    probe = run.index_probe
    if not run.live_index_missing or probe is None:
        return []
    (count_now, count_idx), (page_now, page_idx) = probe.count_ms, probe.middle_page_ms
    return [
        "**Every list request reads the row of every live user.** `list_resources` "
        "(`reference_server/storage/resources.py`) runs `count(*)` and an `OFFSET` page under "
        "`team_id = ? AND deleted_at IS NULL`; no index covers `deleted_at`, so SQLite fetches "
        "each row it counts or skips. That is what makes `page-100` and the import slow down "
        "with the population. A partial index in `reference_server/storage/tables.py`, "
        '`Index("users_live_team_seq", users.c.team_id, users.c.seq, '
        'sqlite_where=text("deleted_at IS NULL"))`, lets both run in the index. Measured in '
        f"this run on a copy of the {probe.users:,}-user file: `count(*)` {count_now:.1f} ms → "
        f"{count_idx:.1f} ms, the middle page {page_now:.1f} ms → {page_idx:.1f} ms. "
        "The count stays linear in the users (a total per page is what RFC 7644 asks for).",
        "",
    ]


def per_request_cost(run: Run) -> list[str]:
    ours = _find(run.diagnosis, "reference", 10_000, "get-by-id") or _find(
        run.figures.rows, "reference", 10_000, "get-by-id"
    )
    ceiling = _find(run.figures.rows, "hello-world", None, "get-by-id")
    if ours is None or ceiling is None:
        return []
    text = (
        f"**Per-request work.** GET by id costs the reference server {_cpu_ms(ours):.2f} ms of "
        f"CPU against {_cpu_ms(ceiling):.2f} ms for hello-world on the same stack. Its reads "
        "(the team, the user, the user's groups; `userName`/`externalId`/`displayName eq` "
        "lookups) are prepared statements on one SQLite snapshot "
        "(`reference_server/storage/prepared.py`), so what is left is the work every SCIM "
        "answer needs in Python: routing, the token check, rendering, projection and JSON"
    )
    profile = next((p for p in run.profiles if p.load == "get-by-id"), None)
    if profile is not None:
        shares = ", ".join(f"{name} {share:.0%}" for name, share in profile.categories[:5])
        own = ", ".join(
            f"`{name.split(' (')[0]}` {share:.0%}" for name, share in profile.hottest[:5]
        )
        text += (
            f". Its profile, by where the samples fall: {shares}; hottest own functions "
            f"(inclusive): {own}"
        )
    return [text + ".", "", *_ceiling(ours, ceiling, profile), ""]


STACK = ("Starlette", "uvicorn, h11, asyncio, sockets")


def _ceiling(ours: Row, ceiling: Row, profile: Profile | None) -> list[str]:
    """Why half the hello-world ceiling is out of reach, from this run's own profile."""
    if profile is None or ours.result.rps >= ceiling.result.rps / 2:
        return []
    budget = 2 * _cpu_ms(ceiling)
    stack = sum(share for name, share in profile.categories if name in STACK) * _cpu_ms(ours)
    return [
        f"**The hello-world ceiling.** Half its rate leaves a GET by id {budget:.2f} ms of CPU. "
        f"In the reference server's profile the stack alone (Starlette and uvicorn, which "
        f"hello-world runs too) takes {stack:.2f} ms of each GET: routing through the SCIM and "
        "app-probe routes, the exception middleware, the request and response objects, where "
        "hello-world has one catch-all route. What the reference server adds on top (the "
        "team and token check, two SQLite reads, rendering, projection, JSON, the access log) "
        "cannot fit in what is left; the ratio measures Starlette's per-route cost as much "
        "as the server's own work."
    ]


def lookups(run: Run) -> list[str]:
    """What bounds the `userName eq` ratios, when one falls short of 3x."""
    rows = {
        (server, load): _find(run.figures.rows, server, 10_000, load)
        for server in ("reference", "scim2-server")
        for load in ("get-by-id", "eq-hit", "eq-miss")
    }
    if any(row is None for row in rows.values()):
        return []
    ours, theirs = rows["reference", "eq-miss"], rows["scim2-server", "eq-miss"]
    assert ours is not None and theirs is not None
    if ours.result.rps >= 3 * theirs.result.rps:
        return []
    cpu = {key: _cpu_ms(row) for key, row in rows.items() if row is not None}
    return [
        "**`userName eq` lookups.** A lookup is one indexed prepared statement, answered "
        "without parsing the filter (`reference_server/storage/filters.py`, `column_equality`): "
        f"{cpu['reference', 'eq-hit']:.2f} ms of CPU for a hit and "
        f"{cpu['reference', 'eq-miss']:.2f} ms for a miss, against "
        f"{cpu['reference', 'get-by-id']:.2f} ms for a GET by id, so what is left is the same "
        "per-request stack as a GET (above). scim2-server answers an `eq` from an in-memory "
        "index too (`scim2_server/memory.py`, `_equality`), and a miss leaves it an empty list "
        f"to answer, nothing to copy or serialise: {cpu['scim2-server', 'eq-miss']:.2f} ms "
        f"against {cpu['scim2-server', 'eq-hit']:.2f} ms for a hit. Its cheap miss, not a slow "
        "one of ours, is what keeps that ratio near 3x.",
        "",
    ]


def peers(run: Run) -> list[str]:
    get = _find(run.figures.rows, "scim2-server", 10_000, "get-by-id")
    if get is None:
        return []
    return [
        "**scim2-server** keeps its resources in memory and serves them with Python's "
        "`wsgiref` (HTTP/1.0: a new connection and a thread per request): "
        f"{_cpu_ms(get):.2f} ms of CPU per GET by id at 10,000 users.",
        "",
    ]


def harness(run: Run) -> list[str]:
    runs = [run.figures.tool(name) for name in ("scimcert run", "scimcert run --workers 2")]
    serial, parallel = runs
    if serial is None or parallel is None:
        return []
    stall = " (every exchange pays the delayed-ACK stall while Nagle is on)"
    return [
        f"**The harness.** A full run is {parallel.items} scenario x profile items and "
        f"{parallel.checks:,} checks. Serial: {serial.seconds:.1f} s of wall time, of which the "
        f"harness's own processes used {serial.client_cpu_s:.1f} s of CPU and the server "
        f"{serial.server_cpu_s:.1f} s; with two workers {parallel.seconds:.1f} s "
        f"({parallel.client_cpu_s:.1f} s harness CPU, {parallel.server_cpu_s:.1f} s server "
        "CPU). On two cores shared by the workers, the server and everything else on the "
        f"machine, the floor is their CPU divided by two; the rest is waiting"
        f"{stall if run.nodelay_missing else ''}.{_harness_profile(run)}",
        "",
    ]


def _harness_profile(run: Run) -> str:
    profile = next((p for p in run.profiles if p.server.startswith("scimcert")), None)
    if profile is None:
        return ""
    shares = ", ".join(f"{name} {share:.0%}" for name, share in profile.categories)
    return (
        f" In a serial run's profile (below): {shares}. Each xdist worker is a process of "
        "its own that imports the harness and its pytest plugins and reads the scenario files "
        "again, so two workers spend more CPU than one process, and gain little on two cores "
        "that the server and the rest of the machine also need."
    )


def notes(run: Run) -> list[str]:
    return [
        *nagle(run),
        *live_index(run),
        *per_request_cost(run),
        *lookups(run),
        *harness(run),
        *peers(run),
    ]
