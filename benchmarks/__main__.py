"""`python -m benchmarks` (`make bench`): every measurement in one run, then RESULTS.md."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import generator_bench, harness_profile, machine, report, venvs, wrk
from .harness_bench import Conformance, scim2_test, scim_sanity, scimcert
from .import_bench import ImportRun, run_import
from .index_probe import live_index_missing, probe
from .nodelay_server import nodelay_needed
from .profile import Profile, parse_raw, profile_load
from .results import Run
from .server_bench import Row, Timing, measure
from .servers import Target, hello, reference, scim2_server
from .targets import Figures

DEFAULT_OUT = venvs.ROOT / "benchmarks" / "RESULTS.md"
SIZES = (1_000, 10_000, 100_000)
PEER_MAX_USERS = 10_000  # scim2-server and hello-world are measured up to here
PROFILE_SECONDS = 4
HELLO_LOADS = ("get-by-id", "patch-deactivate")  # it answers every path alike
# While the server's socket lacks TCP_NODELAY: GET by id at 10,000 users on one connection
# (every request then waits for the delayed ACK) and on the usual eight, with and without it.
DIAGNOSIS_USERS, DIAGNOSIS_LOAD, DIAGNOSIS_CONNECTIONS = 10_000, "get-by-id", (1, wrk.CONNECTIONS)


class Bench:
    def __init__(self, folder: Path, timing: Timing, sizes: Sequence[int]) -> None:
        self.folder, self.timing, self.sizes = folder, timing, tuple(sizes)
        self.token, self.app_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)

    def servers(
        self, profiling: bool, diagnose: bool
    ) -> tuple[list[Row], list[Row], list[Profile]]:
        """(rows, diagnosis rows, profiles) of the three servers."""
        rows: list[Row] = []
        diagnosis: list[Row] = []
        profiles: list[Profile] = []
        with hello(self.folder) as target:
            rows += measure(
                target, self.folder, users=PEER_MAX_USERS, only=HELLO_LOADS, timing=self.timing
            )
        for users in self.sizes:
            with reference(self.folder, users, self.token, self.app_token) as target:
                rows += measure(target, self.folder, users=users, timing=self.timing)
                if diagnose and users == DIAGNOSIS_USERS:
                    diagnosis += measure(
                        target,
                        self.folder,
                        users=users,
                        connections=1,
                        only=[DIAGNOSIS_LOAD],
                        timing=self.timing,
                    )
                if profiling and users in (PEER_MAX_USERS, self.sizes[-1]):
                    load = "get-by-id" if users == PEER_MAX_USERS else "page-100"
                    profiles.append(self._profile(target, users, load))
        for users in (n for n in self.sizes if n <= PEER_MAX_USERS):
            with scim2_server(self.folder, users, self.token) as target:
                rows += measure(target, self.folder, users=users, timing=self.timing)
        return rows, diagnosis, profiles

    def _profile(self, target: Target, users: int, load: str) -> Profile:
        return profile_load(target, self.folder, users=users, load=load, seconds=PROFILE_SECONDS)

    def nodelay_diagnosis(self) -> list[Row]:
        rows: list[Row] = []
        users = DIAGNOSIS_USERS
        if users not in self.sizes:
            return rows
        with reference(self.folder, users, self.token, self.app_token, nodelay=True) as target:
            for connections in DIAGNOSIS_CONNECTIONS:
                rows += measure(
                    target,
                    self.folder,
                    users=users,
                    label="reference, TCP_NODELAY",
                    only=[DIAGNOSIS_LOAD],
                    timing=self.timing,
                    connections=connections,
                )
        return rows

    def conformance(self, profiling: bool) -> tuple[list[Conformance], list[Profile]]:
        runs: list[Conformance] = []
        profiles: list[Profile] = []
        for name, label, workers in (
            ("serial", "scimcert run", 0),
            ("w2", "scimcert run --workers 2", 2),
        ):
            with reference(
                self.folder, 0, self.token, self.app_token, db_name=f"harness-{name}"
            ) as target:
                runs.append(scimcert(target, self.app_token, workers, label))
                _say_conformance(runs[-1])
        if profiling:
            profiles += self._harness_profile()
        for name, tool in (("scim2", scim2_test), ("sanity", scim_sanity)):
            with reference(
                self.folder, 0, self.token, self.app_token, db_name=f"harness-{name}"
            ) as target:
                runs.append(tool(target))
                _say_conformance(runs[-1])
        return runs, profiles

    def _harness_profile(self) -> list[Profile]:
        """A serial run of its own under py-spy: the timed runs are never sampled, since a
        profiler between the bench and the run hides the run's CPU from it."""
        raw = self.folder / "profile-scimcert-serial.txt"
        with reference(
            self.folder, 0, self.token, self.app_token, db_name="harness-profile"
        ) as target:
            scimcert(target, self.app_token, 0, "scimcert run (profiled)", raw)
        if not raw.exists():
            return []
        return [harness_profile.summarize(parse_raw(raw.read_text()), "scimcert run (serial)")]

    def imports(self) -> list[ImportRun]:
        runs = []
        for users in self.sizes:
            with reference(self.folder, users, self.token, self.app_token) as target:
                runs.append(run_import(target))
        return runs


def _say_conformance(run: Conformance) -> None:
    print(
        f"bench: {run.tool:<40} {run.seconds:6.1f} s  {run.checks:4} checks  "
        f"{run.checks_per_s:6.1f} checks/s  exit {run.exit_code}",
        flush=True,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--duration", type=int, default=wrk.DURATION_S, help="seconds per load")
    parser.add_argument("--warmup", type=int, default=wrk.WARMUP_S, help="seconds of warm-up")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="user populations")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profiles")
    parser.add_argument("--upgrade", action="store_true", help="take the peers' newest releases")
    return parser


def _versions(upgrade: bool) -> dict[str, dict[str, str]]:
    peers = (venvs.SCIM2_SERVER, venvs.SCIM2_CLI, venvs.SCIM_SANITY, venvs.PROFILERS)
    return {"scimcert's stack": machine.product_versions()} | {
        f"`.venv-bench/{peer.name}`": venvs.ensure(peer, upgrade) for peer in peers
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started, when = time.monotonic(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes = tuple(sorted(int(n) for n in args.sizes.split(",")))
    timing = Timing(args.duration, args.warmup)
    wrk.ensure_wrk()
    versions = _versions(args.upgrade)
    described = machine.describe()
    diagnose = nodelay_needed()
    with tempfile.TemporaryDirectory(prefix="scimcert-bench-") as tmp:
        bench = Bench(Path(tmp), timing, sizes)
        rows, diagnosis, profiles = bench.servers(not args.no_profile, diagnose)
        diagnosis += bench.nodelay_diagnosis() if diagnose else []
        conformance, harness_profiles = bench.conformance(not args.no_profile)
        profiles += harness_profiles
        imports = bench.imports()
        index = probe(Path(tmp) / f"reference-{sizes[-1]}.db", sizes[-1], Path(tmp))
    command = "make bench" if os.environ.get("MAKELEVEL") else "python -m benchmarks"
    run = Run(
        when=when,
        command=command,
        seconds=time.monotonic() - started,
        revision=machine.git_revision(venvs.ROOT),
        machine=described | {"load_end": machine.load_average()},
        versions=versions,
        timing=timing,
        sizes=sizes,
        figures=Figures(rows, conformance, imports),
        diagnosis=diagnosis,
        profiles=profiles,
        index_probe=index,
        nodelay_missing=diagnose,
        live_index_missing=live_index_missing(),
    )
    # The generator's section is measured on demand (`make bench-generator`): carried over.
    earlier = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    kept = generator_bench.kept(earlier)
    args.out.write_text(report.document(run) + ("\n" + kept if kept else ""), encoding="utf-8")
    print(f"bench: wrote {args.out} after {run.seconds / 60:.1f} minutes", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
