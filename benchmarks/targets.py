"""The issue's targets, judged from one run's figures: goals to report, never assertions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .harness_bench import Conformance
from .import_bench import ImportRun
from .server_bench import Row


@dataclass(frozen=True, slots=True)
class Goal:
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run


@dataclass
class Figures:
    rows: list[Row]
    conformance: list[Conformance] = field(default_factory=list)
    imports: list[ImportRun] = field(default_factory=list)

    def row(self, server: str, users: int | None, load: str) -> Row | None:
        return next(
            (
                r
                for r in self.rows
                if r.server == server and r.load == load and (users is None or r.users == users)
            ),
            None,
        )

    def tool(self, name: str) -> Conformance | None:
        return next((c for c in self.conformance if c.tool == name), None)


def _ratio_target(
    figures: Figures, load: str, baseline: str, users: int | None, factor: float, goal: str
) -> Goal:
    ours, theirs = figures.row("reference", 10_000, load), figures.row(baseline, users, load)
    if ours is None or theirs is None or not theirs.result.rps:
        return Goal(goal, "not measured", None)
    ratio = ours.result.rps / theirs.result.rps
    measured = f"{ratio:.2f}x ({ours.result.rps:.0f} vs {theirs.result.rps:.0f} req/s)"
    return Goal(goal, measured, ratio >= factor)


def _p50_scaling(figures: Figures, load: str) -> Goal:
    goal = f"`{load}` p50 at 100,000 users within 1.5x of its p50 at 1,000"
    small, large = figures.row("reference", 1_000, load), figures.row("reference", 100_000, load)
    if small is None or large is None:
        return Goal(goal, "not measured", None)
    ratio = large.result.p50_ms / small.result.p50_ms
    cpu = _cpu_per_request(large) / max(_cpu_per_request(small), 1e-9)
    measured = (
        f"{ratio:.2f}x ({large.result.p50_ms:.1f} vs {small.result.p50_ms:.1f} ms); "
        f"server CPU per request {cpu:.2f}x"
    )
    return Goal(goal, measured, ratio <= 1.5)


def _cpu_per_request(row: Row) -> float:
    r = row.result
    return r.server_cpu * r.seconds / r.requests if r.requests else 0.0


def _harness_targets(figures: Figures) -> list[Goal]:
    parallel, peer = figures.tool("scimcert run --workers 2"), figures.tool("scim2 test")
    goal = "a full run of every profile under 10 s with workers"
    if parallel is None:
        return [Goal(goal, "not measured", None)]
    targets = [Goal(goal, f"{parallel.seconds:.1f} s", parallel.seconds < 10)]
    goal = "more checks per second than `scim2 test`"
    if peer is None or not peer.checks:
        return [*targets, Goal(goal, "not measured (`scim2 test` evaluated no check)", None)]
    measured = f"{parallel.checks_per_s:.1f} vs {peer.checks_per_s:.1f} checks/s"
    return [*targets, Goal(goal, measured, parallel.checks_per_s > peer.checks_per_s)]


def _import_target(imports: Sequence[ImportRun]) -> Goal:
    """Bounded by a page: the peak grows by less than half while the users grow tenfold."""
    goal = "import memory bounded by a page, not by the number of users"
    by_users = sorted(imports, key=lambda run: run.users)
    if len(by_users) < 2:
        return Goal(goal, "not measured", None)
    small, large = by_users[-2], by_users[-1]
    growth = large.peak_traced_bytes / max(small.peak_traced_bytes, 1)
    measured = (
        f"peak {large.peak_traced_bytes / 1024:.0f} KiB at {large.users:,} users vs "
        f"{small.peak_traced_bytes / 1024:.0f} KiB at {small.users:,} ({growth:.2f}x); "
        f"one page of JSON is {large.bytes_per_page / 1024:.0f} KiB"
    )
    return Goal(goal, measured, growth < 1.5)


def judge(figures: Figures) -> list[Goal]:
    return [
        _ratio_target(
            figures,
            "get-by-id",
            "scim2-server",
            10_000,
            3.0,
            "at least 3x `scim2-server` on GET by id at 10,000 users",
        ),
        _ratio_target(
            figures,
            "eq-hit",
            "scim2-server",
            10_000,
            3.0,
            "at least 3x `scim2-server` on `userName eq` (hit) at 10,000 users",
        ),
        _ratio_target(
            figures,
            "eq-miss",
            "scim2-server",
            10_000,
            3.0,
            "at least 3x `scim2-server` on `userName eq` (miss) at 10,000 users",
        ),
        _ratio_target(
            figures,
            "get-by-id",
            "hello-world",
            None,
            0.5,
            "at least half the hello-world ceiling on GET by id (10,000 users)",
        ),
        _p50_scaling(figures, "eq-hit"),
        _p50_scaling(figures, "eq-miss"),
        *_harness_targets(figures),
        _import_target(figures.imports),
    ]
