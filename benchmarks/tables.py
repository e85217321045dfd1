"""The Markdown tables of RESULTS.md."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .import_bench import ImportRun
from .loads import LOAD_NAMES
from .profile import Profile
from .server_bench import Row
from .targets import Figures, Goal


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cpu_ms(row: Row) -> str:
    r = row.result
    return f"{r.server_cpu * r.seconds / r.requests * 1000:.2f}" if r.requests else "-"


def _ms(value: float, row: Row) -> str:
    return f"{value:.1f}" if row.result.requests else "-"


def server_table(rows: Sequence[Row]) -> str:
    header = [
        "users",
        "load",
        "server",
        "conns",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "server CPU ms/req",
        "server CPU",
        "wrk CPU",
        "other CPU",
    ]
    body = [
        (
            f"{r.users:,}" if r.server != "hello-world" else "-",
            r.load,
            r.server,
            r.connections,
            f"{r.result.rps:,.1f}" if r.result.rps < 10 else f"{r.result.rps:,.0f}",
            _ms(r.result.p50_ms, r),
            _ms(r.result.p99_ms, r),
            r.result.errors,
            _cpu_ms(r),
            f"{r.result.server_cpu:.0%}",
            f"{r.result.client_cpu:.0%}",
            f"{r.result.other_cpu:.0%}",
        )
        for r in rows
    ]
    return table(header, body)


def ratio_table(figures: Figures, sizes: Sequence[int]) -> str:
    """reference ÷ each baseline, per load and size (req/s; above 1 the reference is faster)."""
    header = ["load", *(f"vs scim2-server @ {n:,}" for n in sizes), "vs hello-world"]
    body = []
    for load in LOAD_NAMES:
        cells: list[str] = [load]
        for n in sizes:
            ours, theirs = figures.row("reference", n, load), figures.row("scim2-server", n, load)
            cells.append(_ratio(ours, theirs))
        cells.append(
            _ratio(figures.row("reference", 10_000, load), figures.row("hello-world", None, load))
        )
        body.append(cells)
    return table(header, body)


def _ratio(ours: Row | None, theirs: Row | None) -> str:
    if ours is None or theirs is None or not theirs.result.rps:
        return "-"
    return f"{ours.result.rps / theirs.result.rps:.2f}x"


def scaling_table(figures: Figures, sizes: Sequence[int]) -> str:
    header = [
        "load",
        *(f"p50 @ {n:,}" for n in sizes),
        "p50 largest ÷ smallest",
        *(f"req/s @ {n:,}" for n in sizes),
    ]
    body = []
    for load in LOAD_NAMES:
        rows = [figures.row("reference", n, load) for n in sizes]
        p50 = [f"{r.result.p50_ms:.1f} ms" if r else "-" for r in rows]
        first, last = rows[0], rows[-1]
        growth = f"{last.result.p50_ms / first.result.p50_ms:.2f}x" if first and last else "-"
        rps = [f"{r.result.rps:,.0f}" if r else "-" for r in rows]
        body.append([load, *p50, growth, *rps])
    return table(header, body)


def harness_table(figures: Figures) -> str:
    found = figures.tool("scim2 test")
    baseline = found.checks_per_s if found is not None else 0.0
    header = [
        "tool",
        "command",
        "wall s",
        "checks",
        "checks/s",
        "vs scim2 test",
        "items",
        "exit code",
        "tool CPU s",
        "server CPU s",
    ]
    body = []
    for c in figures.conformance:
        ratio = f"{c.checks_per_s / baseline:.2f}x" if baseline else "-"
        body.append(
            [
                c.tool,
                f"`{c.command}`",
                f"{c.seconds:.1f}",
                c.checks,
                f"{c.checks_per_s:.1f}",
                ratio,
                c.items if c.items is not None else "-",
                c.exit_code,
                f"{c.client_cpu_s:.1f}",
                f"{c.server_cpu_s:.1f}",
            ]
        )
    text = table(header, body)
    for c in figures.conformance:
        if c.note:
            text += (
                f"\n`{c.tool}` evaluated no check (exit code {c.exit_code}); it said: {c.note}\n"
            )
    return text


def import_table(imports: Sequence[ImportRun]) -> str:
    header = [
        "users",
        "pages",
        "wall s",
        "ms per page",
        "IdP CPU ms per page",
        "peak traced KiB",
        "peak RSS growth KiB",
        "KiB of JSON per page",
    ]
    body = []
    for i in sorted(imports, key=lambda run: run.users):
        pages = f"{i.pages:,}" if i.complete else f"{i.pages:,} (stopped by its time budget)"
        per_page = 1000 / i.pages if i.pages else 0.0
        body.append(
            [
                f"{i.users:,}",
                pages,
                f"{i.seconds:.1f}",
                f"{i.seconds * per_page:.1f}",
                f"{i.cpu_seconds * per_page:.1f}",
                f"{i.peak_traced_bytes / 1024:,.0f}",
                f"{i.rss_growth_kib:,}",
                f"{i.bytes_per_page / 1024:.0f}",
            ]
        )
    return table(header, body)


def profile_section(profiles: Sequence[Profile]) -> str:
    parts = []
    for p in profiles:
        users = f", {p.users:,} users" if p.users else ""
        parts.append(f"**{p.server}{users}, `{p.load}`** ({p.samples} samples)\n\n")
        parts.append(
            table(
                [p.category_heading, "share"],
                [(name, f"{share:.0%}") for name, share in p.categories],
            )
        )
        parts.append("\n")
        hottest = [(f"`{name}`", f"{share:.0%}") for name, share in p.hottest]
        parts.append(table([p.own_heading, "share"], hottest))
        parts.append("\n")
    return "".join(parts)


def goals_table(goals: Sequence[Goal]) -> str:
    status = {True: "met", False: "**missed**", None: "not measured"}
    return table(
        ["target", "measured", "status"], [(g.goal, g.measured, status[g.met]) for g in goals]
    )
