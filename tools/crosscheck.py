"""Run scimcert against the stock `scim2-server` and explain every failure (`make crosscheck`).

scim2-server (PyPI) is a SCIM server nobody here wrote: installed, pinned, into its own virtualenv
under .venv-crosscheck/scim2-server/, started in memory on a free loopback port with a random
bearer token, then `scimcert run --idp all` runs against it (no app probe, so app steps SKIP).
The run's results.jsonl becomes docs/crosscheck.md: every failing or warning check, what the
server did, and why it is the server's deviation. The "why" is the hand-written EXPLANATIONS,
checked against the recorded exchanges; a failure it does not explain is flagged (exit 1), so the
document never silently goes stale. Exits 2 when the run itself could not be carried out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shlex
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from conformance import ROOT, Server, SetupError, _run

PACKAGE = "scim2-server"
VERSION = "0.8.3"  # the release this document was verified against; bump and re-verify together
VENV = ROOT / ".venv-crosscheck" / PACKAGE
DISTS = ("scim2-server", "scim2-models")
SEED = 1  # fixed, so the document's names and order replay; the run id stays random
START_TIMEOUT = 30.0
RUN_TIMEOUT = 900.0
RESOURCE_PATHS = frozenset({"Users", "Groups"})


@dataclass(frozen=True)
class Explanation:
    """Why a check fails against scim2-server, verified against the recorded exchanges.

    `scenarios` are the scenario ids it was verified in: the same check failing anywhere else
    is flagged as unexplained, since the reason may be a different one there."""

    basis: str  # RFC, IdP, domain (DESIGN.md), consequence, open
    ref: str  # the RFC or ../shared/idp section the server's behaviour breaks
    why: str
    scenarios: frozenset[str]


def _explain(basis: str, ref: str, why: str, *scenarios: str) -> Explanation:
    return Explanation(basis, ref, " ".join(why.split()), frozenset(scenarios))


EXPLANATIONS: dict[str, Explanation] = {
    "robustness-schemas-required": _explain(
        "RFC",
        "RFC 7643 3; RFC 7644 3.3, 3.12 (invalidSyntax)",
        """`POST /Users` with no `schemas` answers 201 and creates the user. RFC 7643 3 makes
        `schemas` REQUIRED in every resource representation; scimcert expects a body that breaks
        it refused with 400 (robustness.md 4 D).""",
        "robustness/schemas-and-values",
    ),
    "robustness-invalid-value": _explain(
        "RFC",
        "RFC 7643 4.1.1 (userName); RFC 7644 3.12 (invalidValue)",
        """`POST /Users` with `"userName": ""` answers 201. RFC 7643 4.1.1: "Each User MUST include
        a non-empty userName value". The other bad values of the step (a number, no userName,
        `active: "maybe"`, `name: "Bob"`) are refused with 400 as they should be.""",
        "robustness/schemas-and-values",
    ),
    "robustness-control-characters": _explain(
        "RFC (SHOULD)",
        "RFC 7644 7.8 (PRECIS, RFC 7613); robustness.md 4 E",
        """A userName holding U+0000 is stored and echoed (201). SCIM has service providers
        prepare userNames with the PRECIS rules of RFC 7613, whose IdentifierClass disallows
        control characters; the stock command skips PRECIS (`scim2-server --precis`, opt-in and
        needing an extra, would refuse it).""",
        "robustness/schemas-and-values",
    ),
    "robustness-patch-invalid": _explain(
        "RFC",
        "RFC 7644 3.5.2, 3.12 (invalidSyntax)",
        """A PATCH body without `schemas` answers 204 and is applied (displayName becomes "No
        Schemas"). RFC 7644 3.5.2: the body "MUST contain the "schemas" attribute with the URI
        value of urn:ietf:params:scim:api:messages:2.0:PatchOp"; scimcert expects a body that
        breaks it refused with 400 (robustness.md 4 I). Every other malformed PATCH of the
        scenario is refused, and the mixed good/bad PATCH is refused atomically.""",
        "robustness/patch",
    ),
    "robustness-filter-depth": _explain(
        "robustness (SHOULD)",
        "robustness.md 0.5, 2 and 4 H (parser depth caps)",
        """A filter nested in 300 parentheses answers 200 with the right empty result: the
        parser has no depth cap. Not wrong per the RFC; unbounded recursion in filter parsers
        crashed several SCIM stacks (robustness.md 2), so scimcert asks for 400
        invalidFilter.""",
        "robustness/filters",
    ),
    "group-created": _explain(
        "IdP",
        "entra_onelogin.md 1.5 (Create group), 2 row 4",
        """Entra's group create carries a second schema URI,
        `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group`, as in
        Microsoft's documented request. scim2-server answers 400 invalidSyntax "Unknown extension
        schemas", so no group is provisioned under the `entra` and `entra-2020` profiles
        (`entra-validator` and the other profiles send only the core URI and pass). The RFC lets
        a server refuse a URI it does not know; Entra sends it anyway.""",
        "core/groups",
        "entra/groups",
    ),
    "schema-valid": _explain(
        "consequence",
        "RFC 7643 4.2 (via group-created)",
        """Same exchange as `group-created`: the step expects a Group, so the 400 Error that
        refused Entra's ADSCIM schema URI is graded against the Group schema.""",
        "core/groups",
    ),
    "group-displayname-unique": _explain(
        "IdP (SHOULD)",
        "entra_onelogin.md 1.5 (displayName must be unique), 3.1 test 19",
        """A second group with the same displayName is created (201). RFC 7643 4.2 gives
        displayName uniqueness "none", so this is RFC-conformant; Entra and its validator
        expect 409.""",
        "entra/validator/groups-create",
    ),
    "entra-create-tolerates-nulls": _explain(
        "IdP (SHOULD)",
        "entra_onelogin.md 1.4 step 2 (MS-SCIM doc, Example 2)",
        """The create of Microsoft's documented Example 2 is refused: 400 invalidSyntax
        "Unknown extension schemas: urn:ietf:params:scim:schemas:extension:enterprise:2.0User"
        (the doc's URN typo). The RFC lets a server refuse an unknown URI; Entra's own example
        carries it, hence a SHOULD.""",
        "entra/create-tolerance",
    ),
    "entra-attribute-update": _explain(
        "IdP (RFC 7644 3.5.2.3 says otherwise)",
        "entra_onelogin.md 1.4 step 4, 3.1 test 6",
        """Entra replaces `phoneNumbers[type eq "mobile"].value` on a user with no mobile number
        and expects the entry created. scim2-server answers 400 noTarget ("no value of
        'phone_numbers' matches the path filter"), as RFC 7644 3.5.2.3 prescribes, so the whole
        PATCH is refused and the GET shows none of its changes. Known Entra behaviour servers
        have to accommodate (sourcegraph/sourcegraph-public-snapshot#49200,
        Captain-P-Goldfish/scim-for-keycloak#73): with this server, Entra's attribute updates
        fail whenever a mapped multi-valued entry is new.""",
        "entra/attribute-update",
    ),
    "entra-manager-reference": _explain(
        "IdP",
        "entra_onelogin.md 1.4 step 5, 3.2 (SCIM_Update_Manager)",
        """Entra's provisioning service sends the manager as a plain string id
        (`"path": "urn:...:enterprise:2.0:User:manager", "value": "<id>"`); scim2-server
        answers 400 invalidValue (a pydantic message: "Input should be a valid dictionary or
        instance of Manager"), so the manager is never set and the GET has none. RFC 7643 4.3
        types manager as complex; the `entra-validator` profile, which sends `{"value": ...}`,
        passes.""",
        "entra/manager",
    ),
    "entra-manager-removed": _explain(
        "IdP",
        "entra_onelogin.md 3.1 test 11, 3.2 (SCIM_Update_Manager)",
        """Removing the manager the way Microsoft's validation does (`replace` with `""`)
        answers the same 400 invalidValue as `entra-manager-reference`.""",
        "entra/manager",
    ),
    "put-keeps-active": _explain(
        "IdP",
        "entra_onelogin.md 4.2, 4.3 steps 3-4; DESIGN.md (PUT without active)",
        """A PUT without `active` answers 200 with `active` gone: the server clears what a PUT
        omits, which RFC 7644 3.5.1 allows. OneLogin suspends with `"active": false` but sends
        every later update as its core template, which never carries `active`; on this server
        a suspended user's next update leaves her status unassigned, which reads as active
        (RFC 7643 4.1.1 leaves the meaning to the server): the update restores her.""",
        "onelogin/update-put",
    ),
}


# --- Reading results.jsonl --------------------------------------------------------------------


@dataclass
class Failure:
    """One check failing (or warning) in one scenario, under one or more profiles."""

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
    errors: list[str]
    started: dict[str, Any]


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


def summarise(records: Iterable[Mapping[str, Any]]) -> RunSummary:
    """Items by outcome, and each failing check grouped by (check, scenario) over profiles."""
    records = list(records)
    started = next((r for r in records if r["event"] == "RunStarted"), {})
    exchanges = {
        (r["item"], r["sequence"]): r["exchange"]
        for r in records
        if r["event"] == "ExchangeRecorded"
    }
    items = {r["item"]: r for r in records if r["event"] == "ItemStarted"}
    grouped: dict[tuple[str, str], Failure] = {}
    for r in records:
        if r["event"] != "CheckEvaluated" or r["passed"]:
            continue
        item = items.get(r["item"], {})
        scenario, profile = item.get("scenario", r["item"]), item.get("profile", "?")
        failure = grouped.get((r["check"], scenario))
        if failure is None:
            finding = (r.get("findings") or [{}])[0].get("message", "")
            seen = exchanges.get((r["item"], r["sequence"]))
            did = describe_exchange(seen, str(started.get("target", ""))) if seen else ""
            did = "; ".join(x for x in (did, _short(finding)) if x)
            failure = Failure(r["check"], r["level"], scenario, int(r.get("line") or 0), did)
            grouped[(r["check"], scenario)] = failure
        if profile not in failure.profiles:
            failure.profiles.append(profile)
    finished = [r for r in records if r["event"] == "ItemFinished"]
    counts = Counter(str(r["outcome"]) for r in finished)
    skipped = Counter(str(r.get("reason", "")) for r in finished if r["outcome"] == "SKIP")
    errors = [f"{r['item']}: {r.get('reason', '')}" for r in finished if r["outcome"] == "ERROR"]
    failures = sorted(grouped.values(), key=lambda f: (f.level != "MUST", f.check, f.scenario))
    for failure in failures:
        failure.profiles.sort()
    return RunSummary(counts, failures, skipped, errors, dict(started))


def unexplained(
    failures: Iterable[Failure], explanations: Mapping[str, Explanation] = EXPLANATIONS
) -> list[Failure]:
    """Failures with no explanation verified for their check in their scenario."""
    return [
        f
        for f in failures
        if f.check not in explanations or f.scenario not in explanations[f.check].scenarios
    ]


def stale(
    failures: Iterable[Failure], explanations: Mapping[str, Explanation] = EXPLANATIONS
) -> list[str]:
    """Explained checks that no longer fail anywhere: the server (or scimcert) changed."""
    failing = {f.check for f in failures}
    return sorted(check for check in explanations if check not in failing)


# --- Writing docs/crosscheck.md ---------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(
    failures: Iterable[Failure], explanations: Mapping[str, Explanation] = EXPLANATIONS
) -> str:
    rows = [
        "| check | level | scenario [profiles] | what the server did | breaks | basis |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in failures:
        known = explanations.get(f.check)
        ok = known is not None and f.scenario in known.scenarios
        ref, basis = (known.ref, known.basis) if ok and known else ("?", "**unexplained**")
        where = f"`{f.scenario}` [{', '.join(f.profiles)}] (line {f.line})"
        cells = [f"`{f.check}`", f.level, where, f"`{f.did}`" if f.did else "", ref, basis]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows) + "\n"


def render_reasons(
    failures: Iterable[Failure], explanations: Mapping[str, Explanation] = EXPLANATIONS
) -> str:
    lines = []
    for check in dict.fromkeys(f.check for f in failures):
        if known := explanations.get(check):
            lines.append(f"- **`{check}`** ({known.basis}): {known.why}")
    return "\n".join(lines) + "\n"


DOC = """# Cross-check: scimcert against the stock `scim2-server`

Generated by `tools/crosscheck.py` on {when}; do not edit by hand: the explanations
live in the tool's `EXPLANATIONS`, verified against the recorded exchanges.

scim2-server is a SCIM 2.0 server nobody here wrote (PyPI, in-memory). Running scimcert against it
shows which failures belong to the server and which would be scimcert's own mistakes; every
failure below was checked against the recorded request and response and the RFC or IdP notes.

## How to reproduce

```sh
make crosscheck
```

which installs `{package}=={version}` into `.venv-crosscheck/{package}/` and runs, on a free
loopback port with a random token in `SCIM_TOKEN`:

```sh
{server_command}
{run_command}
```

The run's reports (`index.html`, `results.jsonl`...) are in `{report_dir}`.

## Versions

{versions}

## Result

Items (scenario x profile): {counts}. Checks evaluated: {checks}.

{not_verified}

## Failing and warning checks

{table}
Basis: **RFC**, the server breaks RFC 7643/7644; **IdP**, it refuses what an IdP really sends
(`../shared/idp/`); **domain**, RFC-conformant, but not the team app scimcert certifies
(DESIGN.md); **consequence**, the same cause as another row; **open**, the server is right per the
RFC and the failure stands on an unverified assumption about the IdP.

## Why

{reasons}
## Harness mistakes this cross-check found

- `robustness-patch-atomic` failed here only because an earlier PATCH of the scenario (one without
  `schemas`) had been accepted and changed the displayName the atomicity step compared against.
  `scenarios/robustness/patch.yaml` now reads the state right before the mixed PATCH; the server
  refuses that PATCH atomically and the check passes.
{problems}"""


def _counts_text(counts: Mapping[str, int]) -> str:
    order = ("PASS", "WARN", "FAIL", "SKIP", "ERROR")
    return ", ".join(f"{name} {counts.get(name, 0)}" for name in order)


def render_doc(
    summary: RunSummary,
    *,
    versions: Mapping[str, str],
    server_command: str,
    run_command: str,
    report_dir: str,
    checks: Mapping[str, int],
    explanations: Mapping[str, Explanation] = EXPLANATIONS,
    when: str | None = None,
) -> str:
    not_verified = "".join(
        f"- {n} skipped: {reason}\n" for reason, n in summary.not_verified.items()
    )
    problems = ""
    if missing := unexplained(summary.failures, explanations):
        problems += "\n## Unexplained failures (fix the harness or add an explanation)\n\n"
        problems += "".join(f"- `{f.check}` in `{f.scenario}`\n" for f in missing)
    if summary.errors:
        problems += "\n## Items that ended in ERROR\n\n" + "".join(
            f"- {e}\n" for e in summary.errors
        )
    return DOC.format(
        when=when or datetime.now(UTC).isoformat(timespec="seconds"),
        package=PACKAGE,
        version=versions.get(PACKAGE, VERSION),
        server_command=server_command,
        run_command=run_command,
        report_dir=report_dir,
        versions="\n".join(f"- {name} {v}" for name, v in versions.items()),
        counts=_counts_text(summary.counts),
        checks=f"{checks.get('passed', 0)} passed, {checks.get('failed', 0)} failed",
        not_verified=f"Not verified:\n\n{not_verified}" if not_verified else "",
        table=render_table(summary.failures, explanations),
        reasons=render_reasons(summary.failures, explanations),
        problems=problems,
    )


def count_checks(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counted = Counter(
        "passed" if r["passed"] else "failed" for r in records if r["event"] == "CheckEvaluated"
    )
    return dict(counted)


# --- Running it -------------------------------------------------------------------------------


def ensure_venv() -> dict[str, str]:
    """Create or reuse .venv-crosscheck/scim2-server/ with the pinned release; its versions."""
    python = VENV / "bin" / "python"
    code = "import importlib.metadata as m, json, sys; print(json.dumps({d: m.version(d) for d in sys.argv[1:]}))"  # noqa: E501
    if python.exists():
        try:
            versions: dict[str, str] = json.loads(_run([str(python), "-c", code, *DISTS], "v"))
            if versions.get(PACKAGE) == VERSION:
                return versions
        except (SetupError, ValueError):
            pass
    print(f"crosscheck: installing {PACKAGE}=={VERSION} into {VENV.relative_to(ROOT)}", flush=True)
    _run([sys.executable, "-m", "venv", "--clear", str(VENV)], f"creating {VENV}")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, f"{PACKAGE}=={VERSION}"], f"installing {PACKAGE}")
    return dict(json.loads(_run([str(python), "-c", code, *DISTS], "versions")))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(server: Server, url: str, token: str, timeout: float) -> None:
    """Poll /ServiceProviderConfig until it answers 200; the server prints nothing reliable."""
    session = requests.Session()
    session.trust_env = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SetupError(f"{PACKAGE} exited ({server.proc.returncode}) before it answered")
        try:
            answer = session.get(
                f"{url}/ServiceProviderConfig",
                headers={"Authorization": f"Bearer {token}"},
                timeout=2,
            )
            if answer.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SetupError(f"{PACKAGE} did not answer at {url} within {timeout:.0f} s")


def run_scimcert(url: str, token: str, report: Path) -> tuple[int, str]:
    argv = [str(Path(sys.executable).parent / "scimcert"), "run", "--url", url, "--idp", "all",
            "--seed", str(SEED), "--report-dir", str(report), "--json"]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCIM", "SCIMCERT_"))}
    env.update(SCIM_TOKEN=token, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    try:
        proc = subprocess.run(
            argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=RUN_TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise SetupError(f"scimcert run did not finish within {RUN_TIMEOUT:.0f} s") from exc
    if proc.returncode not in (0, 1):
        output = (proc.stdout + proc.stderr).replace(token, "$SCIM_TOKEN")
        raise SetupError(f"scimcert run exited {proc.returncode}:\n{output[-4000:]}")
    return proc.returncode, shlex.join(["scimcert", *argv[1:]])


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "crosscheck")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "crosscheck.md")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    report = out / "report"
    token = secrets.token_urlsafe(32)
    try:
        versions = ensure_venv()
    except SetupError as exc:
        print(f"crosscheck: {exc}")
        return 2
    port = free_port()
    url = f"http://127.0.0.1:{port}/v2"
    argv = [str(VENV / "bin" / PACKAGE), "--hostname", "127.0.0.1", "--port", str(port),
            "--bearer-token", token]  # fmt: skip
    server = Server(argv, {**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_until_answering(server, url, token, START_TIMEOUT)
        print(f"crosscheck: {PACKAGE} {versions[PACKAGE]} answering at {url}", flush=True)
        _, run_command = run_scimcert(url, token, report)
    except SetupError as exc:
        log = "\n".join(server.lines[-60:]).replace(token, "$SCIM_TOKEN")
        print(f"crosscheck: {str(exc).replace(token, '$SCIM_TOKEN')}\n--- server output ---\n{log}")
        return 2
    finally:
        server.stop()
    records = read_records(report / "results.jsonl")
    summary = summarise(records)
    shown_run = run_command.replace(url, "http://127.0.0.1:PORT/v2").replace(str(ROOT) + "/", "")
    doc = render_doc(
        summary,
        versions={**versions, "scimcert": str(summary.started.get("versions", {}).get("scimcert")),
                  "python": platform.python_version()},
        server_command=f"{PACKAGE} --hostname 127.0.0.1 --port PORT --bearer-token \"$SCIM_TOKEN\"",
        run_command=f"SCIM_TOKEN=... {shown_run}",
        report_dir=_relative(report),
        checks=count_checks(records),
    )  # fmt: skip
    if token in doc:
        raise AssertionError("the token leaked into the document")
    args.doc.write_text(doc, encoding="utf-8")
    return report_to_console(summary, args.doc)


def report_to_console(summary: RunSummary, doc: Path) -> int:
    """Prints counts and problems; 1 when a failure is unexplained or an item ended in ERROR."""
    print(f"crosscheck: {_counts_text(summary.counts)}; {len(summary.failures)} failing checks")
    print(f"crosscheck: wrote {_relative(doc)}")
    missing = unexplained(summary.failures)
    for f in missing:
        where = f"{f.scenario} [{', '.join(f.profiles)}]"
        print(f"crosscheck: UNEXPLAINED {f.check} in {where}: {f.did}")
    for check in stale(summary.failures):
        print(f"crosscheck: note: {check} is explained but no longer fails; drop its explanation")
    for error in summary.errors:
        print(f"crosscheck: ERROR item {error}")
    return 1 if missing or summary.errors else 0


if __name__ == "__main__":
    sys.exit(main())
