"""Run third-party SCIM conformance checkers against a fresh reference server (`make conformance`).

Each checker lives in its own virtualenv under .venv-conformance/<package>/, never in the product's
venv. The reference server is started on a free loopback port with a throw-away SQLite file and
random tokens; the checkers' outputs go to DIR/*.txt (token scrubbed) with a README summary. Exits 1
when a checker reports a failing check, 2 when the run itself could not be carried out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_ROOT = ROOT / ".venv-conformance"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SERVER_URL = re.compile(r"SCIM API URL:\s*(http://\S+)")
SERVER_START_TIMEOUT = 30.0
CHECKER_TIMEOUT = 900.0


class SetupError(Exception):
    """The run could not be carried out (install, server start, checker crash)."""


@dataclass
class Outcome:
    counts: Counter[str] = field(default_factory=Counter)
    failing: list[str] = field(default_factory=list)
    tolerated: list[str] = field(default_factory=list)
    command: str = ""  # as run, the token replaced by $SCIM_TOKEN

    @property
    def ok(self) -> bool:
        return not self.failing


def _results(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str, list[str]]]:
    """(status, result line, detail lines) for each result line, details being the lines right
    after it that are indented deeper than it."""
    found: list[tuple[str, str, list[str]]] = []
    indent: int | None = None
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip())
        if match := pattern.match(line):
            found.append((match.group(1).strip(), line.strip(), []))
            indent = depth
        elif indent is not None and line.strip() and depth > indent:
            found[-1][2].append(line.strip())
        else:
            indent = None
    return found


def _judge(text: str, rc: int, pattern: re.Pattern[str], ok: set[str], skip: str) -> Outcome:
    outcome = Outcome()
    for status, line, details in _results(text, pattern):
        outcome.counts[status] += 1
        quoted = " / ".join([line, *details])
        if status in ok:
            continue
        if status == skip and any(_justified_skip(d) for d in details):
            outcome.tolerated.append(quoted)
        else:
            outcome.failing.append(quoted)
    if not outcome.counts:
        outcome.failing.append(f"no result lines found in the output (exit code {rc})")
    elif rc != 0 and not outcome.failing and not outcome.tolerated:
        outcome.failing.append(f"exit code {rc} although every result line passed")
    return outcome


def _justified_skip(reason: str) -> bool:
    # scim2-tester skips attribute checks when the RFC model has no attribute of the needed kind,
    # and the root POST /.search check when the server answers 501 (RFC 7644 §3.4.3 makes it a
    # MAY); scim-sanity skips the draft Agent/AgenticApplication resources a server does not
    # advertise. None is a server fault. Any other skip (e.g. "PATCH not supported") fails.
    return bool(
        re.match(r"No (suitable|\w+able) attributes", reason)
        or "searching several resource types at once is not supported" in reason
        or re.match(r"(Agent|AgenticApplication) not supported", reason)
    )


def judge_scim2(text: str, rc: int) -> Outcome:
    # Lines are "<STATUS NAME> <check title>", the reason indented on the next line.
    return _judge(text, rc, re.compile(r"^([A-Z][A-Z_]+) \S"), {"SUCCESS"}, "SKIPPED")


def judge_sanity(text: str, rc: int) -> Outcome:
    # Lines are "  [PASS] <check>", statuses PASS FAIL WARN SKIP "ERR ", message lines indented.
    pattern = re.compile(r"^\s+\[(PASS|FAIL|WARN|SKIP|ERR ?)\] ")
    return _judge(text, rc, pattern, {"PASS", "WARN"}, "SKIP")


@dataclass(frozen=True)
class Tool:
    name: str  # --tool value and output file stem
    package: str  # PyPI distribution, also the venv directory name
    executable: str
    dists: tuple[str, ...]  # distributions whose versions are recorded
    command: Callable[[str, str], tuple[list[str], dict[str, str]]]  # (url, token) -> argv, env
    judge: Callable[[str, int], Outcome]


TOOLS = (
    Tool(
        "scim2-test",
        "scim2-cli",
        "scim2",
        ("scim2-cli", "scim2-tester", "scim2-client", "scim2-models"),
        # The header goes through scim2-cli's SCIM_CLI_HEADERS, which keeps it off the argv.
        lambda url, tok: (
            ["scim2", "--url", url, "test"],
            {"SCIM_CLI_HEADERS": f"Authorization: Bearer {tok}"},
        ),
        judge_scim2,
    ),
    Tool(
        "scim-sanity-probe",
        "scim-sanity",
        "scim-sanity",
        ("scim-sanity",),
        # scim-sanity reads the token from --token only; probe refuses to run without the flag
        # acknowledging that it writes to the server (a throw-away one here).
        lambda url, tok: (
            ["scim-sanity", "probe", url, "--token", tok, "--i-accept-side-effects"],
            {},
        ),
        judge_sanity,
    ),
)


def _run(argv: list[str], what: str) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SetupError(f"{what} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def ensure_venv(tool: Tool, upgrade: bool) -> dict[str, str]:
    """Create or reuse .venv-conformance/<package>/ and return the installed versions."""
    venv = VENV_ROOT / tool.package
    python, stamp = venv / "bin" / "python", venv / ".conformance-stamp.json"
    want = {"package": tool.package, "python": platform.python_version()}
    try:
        state = json.loads(stamp.read_text())
    except (OSError, ValueError):
        state = {}
    fresh = state.get("want") == want and (venv / "bin" / tool.executable).exists()
    if fresh and not upgrade:
        return dict(state["versions"])
    if not fresh:
        shutil.rmtree(venv, ignore_errors=True)
        print(f"conformance: installing {tool.package} into {venv.relative_to(ROOT)}", flush=True)
        _run([sys.executable, "-m", "venv", str(venv)], f"creating {venv}")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--upgrade", "--upgrade-strategy", "eager", tool.package], f"installing {tool}")
    code = "import importlib.metadata as m, json, sys; print(json.dumps({d: m.version(d) for d in sys.argv[1:]}))"  # noqa: E501
    versions: dict[str, str] = json.loads(_run([str(python), "-c", code, *tool.dists], "versions"))
    stamp.write_text(json.dumps({"want": want, "versions": versions}, indent=2) + "\n")
    return versions


class Server:
    """The reference server on a free loopback port; stdout and stderr drained by a thread."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            self._queue.put(line)
        self._queue.put(None)

    def wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                raise SetupError(f"the server exited ({self.proc.wait()}) before it was ready")
            if match := SERVER_URL.search(ANSI.sub("", line)):
                return match.group(1)
        raise SetupError(f"the server printed no 'SCIM API URL:' line within {timeout:.0f} s")

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if self.proc.poll() is not None:
                return
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


def run_tool(tool: Tool, versions: dict[str, str], url: str, token: str, out: Path) -> Outcome:
    argv, extra = tool.command(url, token)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIM")}
    env.update(extra, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    shown = " ".join(f"{k}={shlex.quote(v)}" for k, v in extra.items())
    shown = f"{shown} {shlex.join(argv)}".strip().replace(token, "$SCIM_TOKEN")
    argv = [str(VENV_ROOT / tool.package / "bin" / argv[0]), *argv[1:]]
    with tempfile.TemporaryDirectory() as cwd:
        try:
            proc = subprocess.run(
                argv,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=CHECKER_TIMEOUT,
                check=False,
            )
            text, rc = proc.stdout, proc.returncode
        except subprocess.TimeoutExpired as exc:
            partial = exc.output or ""
            text = partial.decode(errors="replace") if isinstance(partial, bytes) else partial
            text, rc = f"{text}\n[killed after {CHECKER_TIMEOUT:.0f} s]\n", -1
    text = ANSI.sub("", text).replace(token, "$SCIM_TOKEN")
    version = ", ".join(f"{d} {v}" for d, v in versions.items())
    header = (
        f"# tool: {tool.name} ({version})\n# command: {shown}\n# exit code: {rc}\n"
        f"# date: {datetime.now(UTC).isoformat(timespec='seconds')}\n\n"
    )
    report = header + text
    assert token not in report
    (out / f"{tool.name}.txt").write_text(report)
    outcome = tool.judge(text, rc)
    outcome.command = shown
    return outcome


README = """# Third-party SCIM conformance checks

Generated by `tools/conformance.py` on {when}; do not edit by hand.

## What is run

Each checker is installed from PyPI into its own virtualenv under `.venv-conformance/`, never into
the product's `.venv`. A fresh reference server is started with `scimcert serve --host 127.0.0.1
--port 0 --db sqlite:///<tmp>/conformance.db` and random `SCIM_TOKEN` and `SCIM_APP_TOKEN`, and
each checker runs with its default options against the `SCIM API URL` that the server prints:

{commands}

The run fails when `scim2 test` reports any status but SUCCESS, or `scim-sanity probe` reports FAIL
or ERR. A skip is tolerated only when scim2-tester finds no attribute of the needed kind in the RFC
model or the server answers 501 to a root `POST /.search` (a MAY in RFC 7644 §3.4.3), or for
scim-sanity's draft Agent/AgenticApplication resources that the server does not advertise; any
other skip fails.

## How to reproduce

```sh
make conformance  # all checkers, writes docs/conformance
.venv/bin/python tools/conformance.py --tool scim2-test  # one checker, leaves this file alone
.venv/bin/python tools/conformance.py --upgrade  # take the checkers' newest releases
```

## Versions

{versions}

## Summary

| checker | verdict | counts |
| --- | --- | --- |
{table}
"""


def write_readme(out: Path, rows: list[tuple[Tool, dict[str, str], Outcome]]) -> None:
    table = []
    for tool, _, o in rows:
        verdict = "pass" if o.ok else f"**fail** ({len(o.failing)} failing)"
        counts = ", ".join(f"{s} {n}" for s, n in sorted(o.counts.items()))
        table.append(f"| `{tool.name}` | {verdict} | {counts} |")
    text = README.format(
        when=datetime.now(UTC).isoformat(timespec="seconds"),
        commands="\n".join(f"- `{o.command}` ([output]({t.name}.txt))" for t, _, o in rows),
        versions="\n".join(f"- {d} {v}" for _, vs, _ in rows for d, v in vs.items()),
        table="\n".join(table),
    )
    for title, attr in (("Failing checks", "failing"), ("Tolerated skips", "tolerated")):
        if listed := [(t, line) for t, _, o in rows for line in getattr(o, attr)]:
            text += f"\n### {title}\n\n"
            text += "".join(f"- `{t.name}`: `{ln.replace('`', chr(39))}`\n" for t, ln in listed)
    (out / "README.md").write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "conformance")
    parser.add_argument("--tool", choices=[t.name for t in TOOLS], action="append")
    parser.add_argument("--upgrade", action="store_true", help="upgrade the checkers' venvs")
    args = parser.parse_args()
    tools = [t for t in TOOLS if not args.tool or t.name in args.tool]
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    token, app_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    rows: list[tuple[Tool, dict[str, str], Outcome]] = []
    try:
        installed = [(tool, ensure_venv(tool, args.upgrade)) for tool in tools]
    except SetupError as exc:
        print(f"conformance: {exc}")
        return 2
    with tempfile.TemporaryDirectory(prefix="scimcert-conformance-") as tmp:
        scimcert = Path(sys.executable).parent / "scimcert"
        db = f"sqlite:///{Path(tmp) / 'conformance.db'}"
        argv = [str(scimcert), "serve", "--host", "127.0.0.1", "--port", "0", "--db", db]
        env = {**os.environ, "SCIM_TOKEN": token, "SCIM_APP_TOKEN": app_token}
        server = Server(argv, {**env, "PYTHONUNBUFFERED": "1"})
        try:
            url = server.wait_for_url(SERVER_START_TIMEOUT)
            print(f"conformance: reference server ready at {url}", flush=True)
            for tool, versions in installed:
                print(f"conformance: running {tool.name}", flush=True)
                rows.append((tool, versions, run_tool(tool, versions, url, token, out)))
        except SetupError as exc:
            log = "\n".join(server.lines[-80:]).replace(token, "$SCIM_TOKEN")
            print(f"conformance: {exc}\n--- server output ---\n{log.replace(app_token, '***')}")
            return 2
        finally:
            server.stop()
    if len(tools) == len(TOOLS):
        write_readme(out, rows)
    else:
        print(f"conformance: only {len(tools)} checker(s) ran, {out / 'README.md'} left alone")
    width = max(len(t.name) for t, _, _ in rows)
    print(f"\n{'checker':<{width}}  verdict  counts")
    for tool, _, outcome in rows:
        counts = " ".join(f"{s}={n}" for s, n in sorted(outcome.counts.items()))
        print(f"{tool.name:<{width}}  {'ok' if outcome.ok else 'FAILED':<7}  {counts}")
    for tool, _, outcome in rows:
        for heading, items in (("failing", outcome.failing), ("tolerated", outcome.tolerated)):
            if items:
                print(f"\n{tool.name} {heading}:\n" + "\n".join(f"  {i}" for i in items))
    return 0 if all(o.ok for _, _, o in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
