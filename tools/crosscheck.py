"""Run scimcert against third-party SCIM servers and explain every failure (`make crosscheck`).

Each server of crosscheck_targets.TARGETS (PyPI or npm, pinned, nobody here wrote it) is
installed into its own environment under .venv-crosscheck/, started on a free loopback port with
a random bearer token, and graded by `scimcert run --idp all --seed 1` (no app probe, so app
steps SKIP). The runs' results.jsonl become docs/crosscheck.md: a matrix of failing checks by
server, then per server every failing or warning check (and every item ended in ERROR), what the
server did, and the RFC or IdP text it breaks. The "why" is hand-written in
crosscheck_explanations, each held by a pattern to the recorded exchange; a failure no
explanation matches is flagged (exit 1), so the document never silently goes stale. A failure
that is scimcert's mistake is not explained but fixed in the harness. Exits 2 when a run itself
could not be carried out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance import ROOT, Server, SetupError
from crosscheck_explain import BASES, OPEN, SETUP, Explanation, linked
from crosscheck_explanations import EXPLANATIONS
from crosscheck_targets import TARGETS, Target, free_port, install, wait_until_answering

from harness.checks import load_all
from harness.checks.registry import registry

SEED = 1  # fixed, so the document's names and order replay; the run id stays random
RUN_TIMEOUT = 900.0
RESOURCE_PATHS = frozenset({"Users", "Groups"})


# --- Reading results.jsonl --------------------------------------------------------------------


@dataclass
class Failure:
    """One check failing (or warning) in one scenario, under one or more profiles; an item that
    ended in ERROR is one too, under the check name SETUP."""

    check: str
    level: str
    scenario: str
    line: int
    did: str
    profiles: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    counts: Counter[str]
    failures: list[Failure]
    not_verified: Counter[str]
    started: dict[str, Any]
    notes: int = 0  # broken MAY checks: notes that never fail or warn, not listed


def read_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_exchange(exchange: Mapping[str, Any], base_url: str) -> str:
    """`METHOD /path -> status scimType: detail`, path relative to the target, query dropped."""
    request, response = exchange.get("request") or {}, exchange.get("response")
    path = urlsplit(str(request.get("url", ""))).path
    base = urlsplit(base_url).path.rstrip("/")
    if base and path.startswith(base):
        path = path[len(base) :] or "/"
    # Ids differ on every run; the document should not.
    parts = path.split("/")
    path = "/".join(
        "{id}" if i and parts[i - 1] in RESOURCE_PATHS else part for i, part in enumerate(parts)
    )
    said = f"{request.get('method', '?')} {path}"
    if exchange.get("error"):
        return f"{said} -> {_short(str(exchange['error'].get('detail', exchange['error'])))}"
    if not response:
        return f"{said} -> no answer"
    said = f"{said} -> {response.get('status')}"
    try:
        body = json.loads(response.get("body") or "null")
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("detail"):
        scim_type = f" {body['scimType']}" if body.get("scimType") else ""
        said += f"{scim_type}: {_short(str(body['detail']), 100)}"
    return said


def _add(grouped: dict[tuple[str, str], Failure], failure: Failure, profile: str) -> None:
    kept = grouped.setdefault((failure.check, failure.scenario), failure)
    if profile not in kept.profiles:
        kept.profiles.append(profile)


def summarise(records: Iterable[Mapping[str, Any]]) -> RunSummary:
    """Items by outcome, and each failing check grouped by (check, scenario) over profiles."""
    records = list(records)
    started = next((r for r in records if r["event"] == "RunStarted"), {})
    target = str(started.get("target", ""))
    exchanges = {
        (r["item"], r["sequence"]): r["exchange"]
        for r in records
        if r["event"] == "ExchangeRecorded"
    }
    items = {r["item"]: r for r in records if r["event"] == "ItemStarted"}
    grouped: dict[tuple[str, str], Failure] = {}
    notes = 0
    for r in records:
        if r["event"] != "CheckEvaluated" or r["passed"]:
            continue
        if r["level"] == "MAY":
            notes += 1
            continue
        item = items.get(r["item"], {})
        scenario, profile = item.get("scenario", r["item"]), item.get("profile", "?")
        finding = (r.get("findings") or [{}])[0].get("message", "")
        seen = exchanges.get((r["item"], r["sequence"]))
        did = "; ".join(
            x for x in (describe_exchange(seen, target) if seen else "", _short(finding)) if x
        )
        _add(
            grouped,
            Failure(r["check"], r["level"], scenario, int(r.get("line") or 0), did),
            profile,
        )
    finished = [r for r in records if r["event"] == "ItemFinished"]
    for r in finished:
        if r["outcome"] == "ERROR":
            last = max((seq for item, seq in exchanges if item == r["item"]), default=None)
            seen = exchanges.get((r["item"], last)) if last is not None else None
            did = "; ".join(
                x
                for x in (
                    describe_exchange(seen, target) if seen else "",
                    _short(str(r.get("reason", ""))),
                )
                if x
            )
            _add(grouped, Failure(SETUP, "ERROR", r["scenario"], 0, did), r["profile"])
    counts = Counter(str(r["outcome"]) for r in finished)
    skipped = Counter(str(r.get("reason", "")) for r in finished if r["outcome"] == "SKIP")
    order = {"ERROR": 0, "MUST": 1}
    failures = sorted(grouped.values(), key=lambda f: (order.get(f.level, 2), f.check, f.scenario))
    for failure in failures:
        failure.profiles.sort()
    return RunSummary(counts, failures, skipped, dict(started), notes)


def count_checks(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counted = Counter(
        "passed" if r["passed"] else "failed" for r in records if r["event"] == "CheckEvaluated"
    )
    return dict(counted)


# --- Holding the explanations to the run ------------------------------------------------------


def explanation_for(failure: Failure, explanations: Sequence[Explanation]) -> Explanation | None:
    for known in explanations:
        if known.covers(failure.check, failure.scenario, failure.profiles, failure.did):
            return known
    return None


def unexplained(failures: Iterable[Failure], explanations: Sequence[Explanation]) -> list[Failure]:
    """Failures no explanation of the server covers, with its recorded exchange."""
    return [f for f in failures if explanation_for(f, explanations) is None]


def open_harness_bugs(
    failures: Iterable[Failure], explanations: Sequence[Explanation]
) -> list[tuple[Failure, Explanation]]:
    """Rows that are scimcert's fault, not yet fixed: shown, never the server's."""
    found = ((f, explanation_for(f, explanations)) for f in failures)
    return [(f, known) for f, known in found if known and known.basis == OPEN]


def stale(failures: Iterable[Failure], explanations: Sequence[Explanation]) -> list[str]:
    """Causes that explain no failure any more: the server (or scimcert) changed."""
    used = {known.cause for f in failures if (known := explanation_for(f, explanations))}
    return [known.cause for known in explanations if known.cause not in used]


# --- Writing docs/crosscheck.md ---------------------------------------------------------------


@dataclass
class ServerRun:
    """One server's graded run, ready to be written."""

    target: Target
    versions: dict[str, str]
    summary: RunSummary
    checks: dict[str, int]
    explanations: Sequence[Explanation]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """A code span that survives the backticks of a finding (`itemsPerPage`)."""
    if not text:
        return ""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def check_ref(check: str) -> str:
    """The check's own reference: the sentence it enforces is the one the server breaks."""
    load_all()
    return registry.get(check).ref if check in registry else ""


def render_table(
    failures: Iterable[Failure], explanations: Sequence[Explanation], server: str = ""
) -> str:
    rows = [
        "| check | level | scenario [profiles] | what the server did | breaks | basis |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in failures:
        known = explanation_for(f, explanations)
        ref, basis = ("?", "**unexplained**")
        if known:
            ref = linked(known.ref or check_ref(f.check))
            basis = f"{known.basis}, [{known.cause}](#{server}-{known.cause})"
        where = f"`{f.scenario}` [{', '.join(f.profiles)}]"
        where += f" (line {f.line})" if f.line else ""
        cells = [f"`{f.check}`", f.level, where, _code(f.did), ref, basis]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows) + "\n"


def render_reasons(
    failures: Iterable[Failure], explanations: Sequence[Explanation], server: str = ""
) -> str:
    used = {known.cause for f in failures if (known := explanation_for(f, explanations))}
    return "".join(
        f'- <a id="{server}-{known.cause}"></a>**{known.cause}** ({known.basis}): {known.why}\n'
        for known in explanations
        if known.cause in used
    )


def render_matrix(runs: Sequence[ServerRun]) -> str:
    """Check x server: how many scenarios each check fails in, on each server."""
    names = [run.target.name for run in runs]
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for run in runs:
        for f in run.summary.failures:
            cells.setdefault((f.check, f.level), {}).setdefault(run.target.name, 0)
            cells[(f.check, f.level)][run.target.name] += 1
    order = {"ERROR": 0, "MUST": 1}
    rows = [
        "| check | level | " + " | ".join(f"`{n}`" for n in names) + " |",
        "| --- | --- |" + " --- |" * len(names),
    ]
    for (check, level), seen in sorted(cells.items(), key=lambda c: (order.get(c[0][1], 2), c[0])):
        counts = [str(seen[n]) if n in seen else "·" for n in names]
        rows.append(f"| `{check}` | {level} | " + " | ".join(counts) + " |")
    return "\n".join(rows) + "\n"


def _counts_text(counts: Mapping[str, int]) -> str:
    order = ("PASS", "WARN", "FAIL", "SKIP", "ERROR")
    return ", ".join(f"{name} {counts.get(name, 0)}" for name in order)


def render_overview(runs: Sequence[ServerRun]) -> str:
    rows = [
        "| server | registry | items (scenario x profile) | failing rows | unexplained "
        "| open harness bugs |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        t, s = run.target, run.summary
        version = run.versions.get(t.dists[0], "?")
        missing = len(unexplained(s.failures, run.explanations))
        rows.append(
            f"| [`{t.name}` {version}](#{t.name}) | {t.registry} | "
            f"{_counts_text(s.counts)} | {len(s.failures)} | {missing} "
            f"| {len(open_harness_bugs(s.failures, run.explanations))} |"
        )
    return "\n".join(rows) + "\n"


SECTION = """## <a id="{name}"></a>`{name}` {version} ({registry})

{about}

```sh
{install}
{start}
```

Versions: {versions}. Reports: `{report_dir}`.

Items (scenario x profile): {counts}. Checks evaluated: {checks}{notes}.
{not_verified}

{table}
{reasons}{problems}"""


def render_section(run: ServerRun, report_dir: str) -> str:
    t, s = run.target, run.summary
    install = (
        f"pip install {' '.join(t.pins)}  # into .venv-crosscheck/{t.name}/"
        if t.registry == "PyPI"
        else f"npm install --prefix .venv-crosscheck/{t.name} {' '.join(t.pins)}"
    )
    not_verified = "".join(f"\n- {n} skipped, {reason}" for reason, n in s.not_verified.items())
    not_verified = f"\nNot verified:\n{not_verified}\n" if not_verified else ""
    problems = ""
    if missing := unexplained(s.failures, run.explanations):
        problems += "\n**Unexplained** (fix the harness or add an explanation):\n\n"
        problems += "".join(f"- `{f.check}` in `{f.scenario}`: `{f.did}`\n" for f in missing)
    return SECTION.format(
        name=t.name,
        version=run.versions.get(t.dists[0], "?"),
        registry=t.registry,
        about=" ".join(t.about.split()),
        install=install,
        start=t.shown,
        versions=", ".join(f"{n} {v}" for n, v in run.versions.items()),
        report_dir=report_dir,
        counts=_counts_text(s.counts),
        checks=f"{run.checks.get('passed', 0)} passed, {run.checks.get('failed', 0)} failed",
        notes=f" ({s.notes} of them broken MAY checks: notes, not listed)" if s.notes else "",
        not_verified=not_verified,
        table=render_table(s.failures, run.explanations, t.name),
        reasons=("\nWhy:\n\n" + render_reasons(s.failures, run.explanations, t.name))
        if s.failures
        else "",
        problems=problems,
    )


DOC = """# Cross-check: scimcert against third-party SCIM servers

Generated by `tools/crosscheck.py` on {when} with scimcert {scimcert} on Python {python}; do not
edit by hand: the explanations live in `tools/crosscheck_explanations.py`, each held by a pattern
to the recorded exchange.

These SCIM 2.0 servers were written by nobody here. Each is installed from its registry at a
pinned version into its own environment, started on loopback with in-memory or throw-away
storage, and graded with `--idp all --seed 1`. Every failing or warning check below, and every
item that ended in ERROR, was read in the recorded request and response: it is the server's
deviation from the RFC or IdP text the row cites. A failure that was scimcert's own mistake is
not explained here: it was fixed in the harness (see the end).

## How to reproduce

```sh
make crosscheck
```

installs what is missing (pip for the PyPI servers, npm for SCIMMY, which the machine's `node`
runs; a few minutes the first time, about two after), then for each server, with a random token
in `SCIM_TOKEN` and the server's base URL on a free port:

```sh
{run_command}
```

## Servers

{overview}
## Failing checks by server

Scenarios in which each check fails (`·`: none); `{setup}` counts items whose setup the
server refused, so that no check could run.

{matrix}
Basis: {bases}.

{sections}
## Harness mistakes this cross-check found

{open_bugs}{harness}"""

HARNESS_FIXES = """\
Rows where scimcert, not the server, was wrong are not explained above: they were fixed.

- A step required back a core attribute the server never declared: django-scim2-server's
  /Schemas leaves out `title` and `name.formatted`, and RFC 7644 3.3 lets a server ignore what it
  does not support, yet `put-replaces`, `patch-applies`, `onelogin-put-update` and
  `onelogin-template-accepted` failed it on their absence. Such an attribute is no longer
  required back (`harness/engine/undeclared.py`); a server that declares it and drops it still
  fails.
- `robustness-filter-invalid` required 400 for a filter on an attribute no schema defines
  (`noSuchAttribute eq "x"`); no RFC sentence requires it (RFC 7644 3.12 allows invalidFilter,
  3.4.2.2 only forbids returning what does not match). SCIMMY answers an empty list. Now refusing
  or matching nobody both pass; listing users still fails (an allowed variant and a fault in the
  catalogue prove both sides).
- `username-unique` was blamed when the SCIM Validator's first create had been refused (SCIMMY,
  django-scim2-server): its "duplicate" was then the first user of that name, rightly 201. The
  duplicate step now reads the created user's id, so the cascade blocks it when there is none.
- `robustness/patch` saved the user's `displayName` before its atomicity test and failed
  `user-readable` on django-scim2-server, whose /Schemas declares no User displayName. The test
  now requires that none of the mixed PATCH's operations shows, which needs no saved value.
- Found on these servers before, and fixed for issue 15: `put-replaces` required an omitted
  attribute cleared (RFC 7644 3.5.1 lets a server clear or default it); a missing `scimType`
  failed MUST checks where RFC 7644 3.12 makes it OPTIONAL; `list-response-consistent` required
  paging fields on complete lists; `discovery-resource-types` accepted only `/Users`; a 501
  counted as a server fault; `robustness-media-type` and `error-has-detail` graded the client's
  or an OPTIONAL rule; Okta's retry and OneLogin's suspension were blamed on `/title`; mock users'
  `@example.test` emails were refused by email validators (django-scim2-server, scim2-models).
- `robustness-patch-atomic` failed on scim2-server only because an earlier PATCH of the scenario
  (one without `schemas`) had been accepted and changed the displayName the atomicity step
  compared against; `scenarios/robustness/patch.yaml` reads the state right before the mixed
  PATCH.
"""


def render_open_bugs(runs: Sequence[ServerRun]) -> str:
    """The rows still scimcert's fault, by cause, with the servers they show on."""
    causes: dict[str, tuple[Explanation, list[str]]] = {}
    for run in runs:
        for _, known in open_harness_bugs(run.summary.failures, run.explanations):
            servers = causes.setdefault(known.cause, (known, []))[1]
            if run.target.name not in servers:
                servers.append(run.target.name)
    if not causes:
        return ""
    lines = "".join(
        f"- **{cause}** (`{'`, `'.join(sorted(known.checks))}` on {', '.join(servers)}): "
        f"{known.why}\n"
        for cause, (known, servers) in causes.items()
    )
    title = "Open, not fixed yet (the rows marked open harness bug above, never the server's):"
    return f"{title}\n\n{lines}\nFixed:\n\n"


def render_doc(
    runs: Sequence[ServerRun],
    *,
    run_command: str,
    report_dirs: Mapping[str, str],
    scimcert: str,
    when: str | None = None,
) -> str:
    return DOC.format(
        when=when or datetime.now(UTC).isoformat(timespec="seconds"),
        scimcert=scimcert,
        python=platform.python_version(),
        run_command=run_command,
        overview=render_overview(runs),
        setup=SETUP,
        matrix=render_matrix(runs),
        bases="; ".join(f"**{name}**, {meaning}" for name, meaning in BASES.items()),
        sections="\n".join(render_section(run, report_dirs[run.target.name]) for run in runs),
        harness=HARNESS_FIXES,
        open_bugs=render_open_bugs(runs),
    )


# --- Running it -------------------------------------------------------------------------------


def run_scimcert(url: str, token: str, report: Path) -> str:
    """Grade url; the command as the document shows it."""
    argv = [
        str(Path(sys.executable).parent / "scimcert"),
        "run",
        "--url",
        url,
        "--idp",
        "all",
        "--seed",
        str(SEED),
        "--report-dir",
        str(report),
        "--json",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM", "SCIMCERT_"))}
    env.update(SCIM_TOKEN=token, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    try:
        proc = subprocess.run(
            argv,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SetupError(f"scimcert run did not finish within {RUN_TIMEOUT:.0f} s") from exc
    # 1: a check failed; 3: an item ended in ERROR. Both are graded here; anything else is not.
    if proc.returncode not in (0, 1, 3):
        output = (proc.stdout + proc.stderr).replace(token, "$SCIM_TOKEN")
        raise SetupError(f"scimcert run exited {proc.returncode}:\n{output[-4000:]}")
    return shlex.join(["scimcert", *argv[1:]])


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def grade(target: Target, out: Path) -> ServerRun:
    """Install, start, grade and stop one server."""
    versions = install(target)
    token, port = secrets.token_urlsafe(32), free_port()
    url = f"http://127.0.0.1:{port}{target.base_path}"
    report = out / target.name / "report"
    with tempfile.TemporaryDirectory(prefix="crosscheck-") as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM", "SCIMCERT_"))}
        env.update(
            PORT=str(port),
            SCIM_TOKEN=token,
            PYTHONUNBUFFERED="1",
            CROSSCHECK_DB=str(Path(scratch) / "db.sqlite3"),
        )
        if target.prepare:
            _prepare(target.prepare(target.home, port, token), env, target.name)
        server = Server(target.launch(target.home, port, token), env)
        try:
            wait_until_answering(target, server, url, token)
            print(
                f"crosscheck: {target.name} {versions[target.dists[0]]} answering at {url}",
                flush=True,
            )
            run_scimcert(url, token, report)
        except SetupError as exc:
            log = "\n".join(server.lines[-60:])
            raise SetupError(
                f"{exc}\n--- {target.name} output ---\n{log}".replace(token, "$SCIM_TOKEN")
            ) from None
        finally:
            server.stop()
    records = read_records(report / "results.jsonl")
    return ServerRun(
        target,
        versions,
        summarise(records),
        count_checks(records),
        EXPLANATIONS.get(target.name, ()),
    )


def _prepare(argv: list[str], env: dict[str, str], name: str) -> None:
    proc = subprocess.run(
        argv,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise SetupError(
            f"preparing {name} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "crosscheck")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "crosscheck.md")
    parser.add_argument(
        "--server",
        action="append",
        choices=[t.name for t in TARGETS],
        help="only these servers (the document is then not written)",
    )
    args = parser.parse_args()
    out: Path = args.out.resolve()
    chosen = [t for t in TARGETS if not args.server or t.name in args.server]
    runs = []
    for target in chosen:
        try:
            runs.append(grade(target, out))
        except (SetupError, OSError) as exc:  # OSError: pip, npm or node not there to run
            print(f"crosscheck: {target.name}: {exc}")
            return 2
    shown = (
        f"SCIM_TOKEN=... scimcert run --url http://127.0.0.1:PORT/BASE --idp all --seed {SEED}"
        " --report-dir out/crosscheck/SERVER/report --json"
    )
    scimcert = str(runs[0].summary.started.get("versions", {}).get("scimcert")) if runs else "?"
    if not args.server:
        doc = render_doc(
            runs,
            run_command=shown,
            scimcert=scimcert,
            report_dirs={
                run.target.name: _relative(out / run.target.name / "report") for run in runs
            },
        )
        args.doc.write_text(doc, encoding="utf-8")
        print(f"crosscheck: wrote {_relative(args.doc)}")
    return max((report_to_console(run) for run in runs), default=0)


def report_to_console(run: ServerRun) -> int:
    """Prints counts and problems; 1 when a failure (or an ERROR item) is unexplained."""
    name, summary = run.target.name, run.summary
    print(
        f"crosscheck: {name}: {_counts_text(summary.counts)}; {len(summary.failures)} failing rows"
    )
    missing = unexplained(summary.failures, run.explanations)
    for f in missing:
        print(
            f"crosscheck: {name}: UNEXPLAINED {f.check} in {f.scenario} "
            f"[{', '.join(f.profiles)}]: {f.did}"
        )
    for cause in stale(summary.failures, run.explanations):
        print(f"crosscheck: {name}: note: {cause} explains nothing any more; drop it")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
