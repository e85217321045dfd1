"""`python -m benchmarks.generator_bench` (`make bench-generator`): the load generator's capacity.

For each IdP mix and each HTTP client (python-requests, Locust's `HttpUser`, the one before
issue 20; geventhttpclient, `FastHttpUser`, the default since), one `scimcert load` in one
Locust process against a fresh reference server, at a rate the server keeps up with. The
generator's own samples (its CPU each second, the requests it started) give its cost:
requests started per CPU-second of the generator process, which is its capacity in requests/s
per core when it has a core to itself. Then the asked rate of the issue, 400 requests/s for 15 s,
with one process and with `--processes 2`, as the verdict a user of this machine would get.

Writes its section into benchmarks/RESULTS.md between markers (replacing an earlier one);
`make bench` keeps that section when it rewrites the rest of the file.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import machine, venvs
from .processes import clean_env
from .servers import reference

BEGIN, END = "<!-- generator-bench -->", "<!-- /generator-bench -->"
OUT = venvs.ROOT / "benchmarks" / "RESULTS.md"
MIXES = ("rfc", "okta", "entra", "onelogin", "ping", "all")
CLIENTS = ("requests", "fast")
RATE, DURATION = 150, 10
ASKED_RATE, ASKED_DURATION = 400, 15  # the "Done means" run
SCIMCERT = str(Path(sys.executable).with_name("scimcert"))


@dataclass(frozen=True)
class Capacity:
    mix: str
    client: str
    requests: int
    rate: float  # requests started per second of the window
    cpu_s: float  # the generator's CPU-seconds over the window
    wait_pct: float  # its mean wait for a core, % of the window
    load_avg: float

    @property
    def per_core(self) -> float:
        return self.requests / self.cpu_s if self.cpu_s else 0.0


@dataclass(frozen=True)
class Verdicts:
    processes: int
    rate: float
    outcomes: dict[str, str]
    exit_code: int
    generator: str


def _load(url: str, token: str, folder: Path, *argv: str) -> tuple[dict[str, Any], Path]:
    """Run one load; its LoadFinished record and its Locust folder."""
    report = folder / f"report-{secrets.token_hex(4)}"
    command = [SCIMCERT, "load", "--url", url, "--report-dir", str(report), "--seed", "1", *argv]
    subprocess.run(command, env=clean_env(SCIM_TOKEN=token), capture_output=True, check=False)
    records = [json.loads(line) for line in (report / "results.jsonl").read_text().splitlines()]
    finished = next(r for r in records if r["event"] == "LoadFinished")
    return {**finished, "verdicts": [r for r in records if r["event"] == "LoadVerdict"]}, (
        report / str(finished["files"]["folder"])
    )


def _samples(locust_folder: Path) -> tuple[list[list[float]], float]:
    summary = json.loads((locust_folder / "tally.json").read_text())
    started = float(summary["started"])
    rows = [row[2:] for row in summary["generator"]["samples"] if row[1] > started]
    return rows, started


def capacity(mix: str, client: str, folder: Path) -> Capacity:
    token = secrets.token_urlsafe(24)
    with reference(
        folder, 0, token, secrets.token_urlsafe(24), db_name=f"gen-{mix}-{client}"
    ) as target:
        argv = (
            f"--idp {mix} --client {client} --rate {RATE} --duration {DURATION} "
            "--p50-ms 5000 --p95-ms 9000 --p99-ms 9999"
        ).split()  # loose: capacity only
        finished, locust = _load(target.base_url, token, folder, *argv)
    rows, _ = _samples(locust)
    # Sample rows: cpu %, wait %, lag ms, started, late, load average; about one a second.
    started = int(sum(row[3] for row in rows))
    return Capacity(
        mix=mix,
        client=client,
        requests=started,
        rate=float(finished["total"]["requests"]) / DURATION,
        cpu_s=sum(row[0] for row in rows) / 100,
        wait_pct=sum(row[1] for row in rows) / len(rows),
        load_avg=max(row[5] for row in rows),
    )


def asked(processes: int, folder: Path) -> Verdicts:
    token = secrets.token_urlsafe(24)
    with reference(
        folder, 0, token, secrets.token_urlsafe(24), db_name=f"gen-asked-{processes}"
    ) as target:
        extra = ["--processes", str(processes)] if processes else []
        finished, _ = _load(
            target.base_url,
            token,
            folder,
            "--idp",
            "entra",
            "--rate",
            str(ASKED_RATE),
            "--duration",
            str(ASKED_DURATION),
            *extra,
        )
    verdicts = finished["verdicts"]
    assert isinstance(verdicts, list)
    outcomes = {str(v["check"]): str(v["outcome"]) for v in verdicts}
    generator = next(str(v["measured"]) for v in verdicts if v["check"] == "load-generator")
    return Verdicts(
        processes,
        float(finished["total"]["requests"]) / ASKED_DURATION,
        outcomes,
        int(finished["exit_code"]),
        generator,
    )


def _capacity_table(rows: Sequence[Capacity]) -> str:
    head = (
        "| `--idp` | client | requests | req/s | generator CPU-s | wait for a core | "
        "**req/s per core** | fast ÷ requests | load avg |"
    )
    lines = [head, "|---" * 9 + "|"]
    by = {(r.mix, r.client): r for r in rows}
    for r in rows:
        slow = by.get((r.mix, "requests"))
        ratio = f"{r.per_core / slow.per_core:.2f}x" if r.client == "fast" and slow else ""
        cells = [
            r.mix,
            r.client,
            r.requests,
            f"{r.rate:.1f}",
            f"{r.cpu_s:.2f}",
            f"{r.wait_pct:.0f} %",
            f"**{r.per_core:.0f}**",
            ratio,
            f"{r.load_avg:.2f}",
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _asked_table(rows: Sequence[Verdicts]) -> str:
    checks = ("load-rate-sustained", "load-latency-p95", "load-generator")
    head = f"| processes | req/s | {' | '.join(checks)} | exit | busiest generator process |"
    lines = [head, "|---" * 7 + "|"]
    for r in rows:
        cells = " | ".join(r.outcomes.get(c, "") for c in checks)
        lines.append(
            f"| {r.processes or 1} | {r.rate:.1f} | {cells} | {r.exit_code} | {r.generator} |"
        )
    return "\n".join(lines) + "\n"


def section(
    capacities: Sequence[Capacity], verdicts: Sequence[Verdicts], when: str, seconds: float
) -> str:
    return f"""{BEGIN}
## 4. Load generator capacity (`benchmarks/generator_bench.py`)

Written by `make bench-generator` on {when}, revision {machine.git_revision(venvs.ROOT)}, in
{seconds / 60:.1f} minutes, on the machine above (load average {machine.load_average()} at
the end). Each row: one `scimcert load --idp MIX --client CLIENT --rate {RATE} --duration
{DURATION}` in one Locust process against a fresh reference server on the same two cores. The
generator samples itself each second (its CPU, its wait for a core, the requests it started);
**req/s per core** is requests started per CPU-second of the generator process, what one process
carries when it has a core of its own. `requests` is python-requests (Locust's `HttpUser`, the
generator before issue 20), `fast` is geventhttpclient (`FastHttpUser`, the default now).

{_capacity_table(capacities)}
Then the issue's run, `scimcert load --idp entra --rate {ASKED_RATE} --duration
{ASKED_DURATION}` (client `fast`), with one process and with `--processes 2`, the server on the
same two cores:

{_asked_table(verdicts)}{END}
"""


def splice(document: str, generated: str) -> str:
    """`document` with its generator section replaced, or `generated` appended."""
    if BEGIN in document and END in document:
        before, rest = document.split(BEGIN, 1)
        return before + generated.strip() + rest.split(END, 1)[1]
    return document.rstrip("\n") + "\n\n" + generated


def kept(document: str) -> str:
    """The generator section of an earlier RESULTS.md, for `make bench` to carry over."""
    if BEGIN not in document or END not in document:
        return ""
    return BEGIN + document.split(BEGIN, 1)[1].split(END, 1)[0] + END + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generator_bench")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--mixes", default=",".join(MIXES))
    args = parser.parse_args(argv)
    began, when = time.monotonic(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    capacities: list[Capacity] = []
    verdicts: list[Verdicts] = []
    with tempfile.TemporaryDirectory(prefix="scimcert-genbench-") as tmp:
        for mix in args.mixes.split(","):
            for client in CLIENTS:
                capacities.append(capacity(mix, client, Path(tmp)))
                c = capacities[-1]
                print(
                    f"bench: {mix:<9} {client:<9} {c.requests:6} requests, "
                    f"{c.cpu_s:6.2f} CPU-s, {c.per_core:6.0f} req/s per core",
                    flush=True,
                )
        for processes in (0, 2):
            verdicts.append(asked(processes, Path(tmp)))
            print(f"bench: rate {ASKED_RATE}, processes {processes}: {verdicts[-1]}", flush=True)
    text = section(capacities, verdicts, when, time.monotonic() - began)
    existing = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    args.out.write_text(splice(existing, text), encoding="utf-8")
    print(f"bench: wrote the generator section of {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
