"""Part 2: wall time and checks per second of conformance runs against the reference server.

Each run meets a fresh reference server (its own SQLite file), so no run inherits another's
users. Checks per second = checks evaluated / wall time of the command (server start excluded):
scimcert's count is the `CheckEvaluated` events of its `results.jsonl`; the peers' counts are
the result lines they print (one per check they report).
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import harness_profile, venvs
from .processes import clean_env
from .servers import Target

RUN_TIMEOUT_S = 300
SCIM2_LINE = re.compile(r"^([A-Z][A-Z_]+) \S", re.MULTILINE)
SANITY_LINE = re.compile(r"^\s+\[(PASS|FAIL|WARN|SKIP|ERR ?)\] ", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Conformance:
    tool: str  # as shown in the table
    command: str  # as run, the token replaced by $SCIM_TOKEN
    seconds: float
    checks: int
    items: int | None  # scenario x profile items (scimcert only)
    exit_code: int
    client_cpu_s: float = 0.0  # the tool's processes (workers included)
    server_cpu_s: float = 0.0  # the reference server's, during the run
    note: str = ""  # the tool's last words when it evaluated no check

    @property
    def checks_per_s(self) -> float:
        return self.checks / self.seconds if self.seconds else 0.0


def count_scimcert(results: Path) -> tuple[int, int]:
    """(checks evaluated, items finished) from a `results.jsonl`."""
    checks = items = 0
    with results.open(encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line).get("event")
            checks += event == "CheckEvaluated"
            items += event == "ItemFinished"
    return checks, items


def count_lines(pattern: re.Pattern[str], output: str) -> int:
    return len(pattern.findall(output))


@dataclass(frozen=True, slots=True)
class Timed:
    seconds: float
    exit_code: int
    output: str
    client_cpu_s: float
    server_cpu_s: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str], env: dict[str, str], cwd: Path, target: Target) -> Timed:
    client, server = _children_cpu(), target.service.cpu_seconds()
    started = time.monotonic()
    proc = subprocess.run(
        argv,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    return Timed(
        time.monotonic() - started,
        proc.returncode,
        proc.stdout,
        _children_cpu() - client,
        target.service.cpu_seconds() - server,
    )


def last_words(output: str, secret: str, lines: int = 5) -> str:
    """The last non-empty lines of a tool's output, for a run that counted nothing."""
    said = [line.strip() for line in output.replace(secret, "$SCIM_TOKEN").splitlines()]
    text = " / ".join([line for line in said if line][-lines:])
    return text.replace("|", "\\|")


def _shown(argv: list[str]) -> str:
    return " ".join(argv).replace(f"{venvs.ROOT}/", "")


def scimcert(
    target: Target, app_token: str, workers: int, label: str, profile_raw: Path | None = None
) -> Conformance:
    """A full run; with `profile_raw`, sampled by py-spy (non-blocking) into that file."""
    scimcert_bin = Path(sys.executable).parent / "scimcert"
    with tempfile.TemporaryDirectory(prefix="scimcert-bench-") as tmp:
        report = Path(tmp) / "report"
        argv = [
            str(scimcert_bin),
            "run",
            "--url",
            target.base_url,
            "--idp",
            "all",
            "--report-dir",
            str(report),
            "--workers",
            str(workers),
        ]
        if target.app_url:
            argv += ["--app-url", target.app_url]
        env = clean_env(SCIM_TOKEN=target.token, SCIM_APP_TOKEN=app_token)
        command = harness_profile.wrap(argv, profile_raw) if profile_raw else argv
        run = _timed(command, env, Path(tmp), target)
        results = report / "results.jsonl"
        if not results.exists():
            raise RuntimeError(f"scimcert wrote no results.jsonl ({run.exit_code}): {run.output}")
        checks, items = count_scimcert(results)
    shown = _shown([*argv[:2], "--url", "URL", "--idp", "all", "--workers", str(workers)])
    return Conformance(
        label, shown, run.seconds, checks, items, run.exit_code, run.client_cpu_s, run.server_cpu_s
    )


def _peer(
    tool: str, target: Target, argv: list[str], extra: dict[str, str], count: Callable[[str], int]
) -> Conformance:
    with tempfile.TemporaryDirectory(prefix="scimcert-bench-peer-") as tmp:
        run = _timed(argv, clean_env(**extra), Path(tmp), target)
    shown = _shown(argv).replace(target.token, "$SCIM_TOKEN").replace(target.base_url, "URL")
    checks = count(run.output)
    note = "" if checks else last_words(run.output, target.token)
    return Conformance(
        tool,
        shown,
        run.seconds,
        checks,
        None,
        run.exit_code,
        run.client_cpu_s,
        run.server_cpu_s,
        note,
    )


def scim2_test(target: Target) -> Conformance:
    argv = [str(venvs.SCIM2_CLI.bin()), "--url", target.base_url, "test"]
    headers = {"SCIM_CLI_HEADERS": f"Authorization: Bearer {target.token}"}
    return _peer("scim2 test", target, argv, headers, lambda out: count_lines(SCIM2_LINE, out))


def scim_sanity(target: Target) -> Conformance:
    argv = [
        str(venvs.SCIM_SANITY.bin()),
        "probe",
        target.base_url,
        "--token",
        target.token,
        "--i-accept-side-effects",
    ]
    return _peer("scim-sanity probe", target, argv, {}, lambda out: count_lines(SANITY_LINE, out))
