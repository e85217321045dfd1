"""RESULTS.md: machine, versions, command, method, tables with ratios, targets, what limits them."""

from __future__ import annotations

from . import tables
from .findings import notes
from .results import Run
from .targets import judge
from .wrk import CONNECTIONS, THREADS


def _header(run: Run) -> str:
    m = run.machine
    versions = "\n".join(
        f"- {group}: " + ", ".join(f"{dist} {version}" for dist, version in found.items())
        for group, found in run.versions.items()
    )
    return f"""# Benchmarks

Written by `{run.command}` on {run.when}, revision {run.revision}, in
{run.seconds / 60:.1f} minutes. Do not edit by hand: `make bench` rewrites this file.
Figures compare within this run, on this machine: read the ratios, not the absolute numbers.

## Machine

- {m["nproc"]} cores (`nproc`), {m["memory"]} memory, {m["cpu"]}, Linux {m["kernel"]}
- Python {m["python"]}; {m["wrk"]}
- load average (1, 5, 15 min) {m["load_start"]} at the start, {m["load_end"]} at the end: other
  work on the machine competes for the same two cores, and `other CPU` in the tables below
  shows how much of it ran during each measurement
{versions}

"""


def _method(run: Run) -> str:
    t = run.timing
    return f"""## Method

Every server binds 127.0.0.1 and runs as one process. The load is
`wrk -t{THREADS} -c{CONNECTIONS} -d{t.duration_s}s --latency` with a Lua script (`page-100` on two
connections, `conns` in the tables), after a {t.warmup_s} s warm-up on one connection with the
same script and once the server is idle again. wrk and the server share the two cores, so the
tables record both CPU shares: `wrk CPU` and `server CPU` are CPU seconds over wall seconds (100%
= one core), `other CPU` the same for every other process on the machine, and
`server CPU ms/req` the server's CPU per answered request; `errors` counts socket errors,
timeouts (10 s) and non-2xx answers. Scripts cycle through 1,000 sampled users (ids or
userNames), 1,000 unknown userNames, or 50 page starts spread over the population.
`patch-deactivate` (PATCH `replace active false`) runs last because it writes. The reference
server is seeded through its storage layer (`benchmarks/seed_reference.py`, one transaction);
`scim2-server` (in memory) over HTTP with `/Bulk`; hello-world answers every path alike, so it
is measured once, on GET and PATCH, as the ceiling for every population. Ratios divide the
reference server's req/s by the baseline's, measured minutes apart in the same run.

"""


def document(run: Run) -> str:
    figures, sizes = run.figures, run.sizes
    pair_sizes = [n for n in sizes if figures.row("scim2-server", n, "get-by-id")]
    parts = [
        _header(run),
        _method(run),
        "## Targets\n\nGoals from issue 8, judged on this run; never assertions in tests.\n\n",
        tables.goals_table(judge(figures)),
        "\n## What limits the figures\n\n",
        "\n".join(notes(run)) or "Every target is met.\n",
        "\n## 1. Servers under load\n\n",
        "### reference ÷ baseline, req/s (above 1: the reference server is faster)\n\n",
        tables.ratio_table(figures, pair_sizes),
        "\n### The reference server as the population grows\n\n",
        tables.scaling_table(figures, sizes),
        "\n### Every measurement\n\n",
        tables.server_table(figures.rows),
    ]
    if run.diagnosis:
        parts += [
            "\n### Diagnosis: the reference server with TCP_NODELAY "
            "(`benchmarks/nodelay_server.py`)\n\n",
            tables.server_table(run.diagnosis),
        ]
    parts += [
        "\n## 2. Conformance runs against the reference server\n\n"
        "Each run meets a fresh, empty reference server; wall time excludes the server's start. "
        "Checks are `CheckEvaluated` events in scimcert's `results.jsonl`, and the result lines "
        "the peers print. The harness's profile comes from a serial run of its own (py-spy, "
        "non-blocking, 20 samples a second), so the timed runs are never sampled.\n\n",
        tables.harness_table(figures),
        "\n## 3. Mock IdP import (`rfc` profile, 100 users a page)\n\n"
        "The `import` verb through a `Wire` that keeps nothing, in a process of its own per "
        "population, against the reference server seeded above. `peak traced` is tracemalloc's "
        "peak during the import; `peak RSS growth` the rise of the process's peak RSS.\n\n",
        tables.import_table(figures.imports),
    ]
    if run.profiles:
        parts += [
            "\n## Profiles (py-spy)\n\nServers: separate runs of one load each. Harness: "
            "a serial run of its own, after the timed ones.\n\n",
            tables.profile_section(run.profiles),
        ]
    return "".join(parts)
