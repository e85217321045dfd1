"""The load's verdicts, computed once from what was measured; reporters only render them.

Each verdict has a stable id like the conformance checks. An outcome is PASS or FAIL against a
threshold; WARN where the rule is a SHOULD (Retry-After, RFC 6585 4); SKIP when there was
nothing to judge; ERROR when the harness itself broke (the mock IdP raised while driving);
INCONCLUSIVE for a rate or latency that fell short while the generator itself was saturated
(`load-generator` says so, with the figures and the remedy): the shortfall may be ours, so it
is never laid on the target.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from harness.load.duplicates import NameCheck
from harness.load.generator import ProcessLoad
from harness.load.measure import Measured
from harness.load.options import LoadSettings
from harness.load.tally import THROTTLED
from verdict.outcomes import Outcome

from . import generator


@dataclass(frozen=True, slots=True)
class Verdict:
    check: str
    title: str
    outcome: Outcome
    measured: str
    threshold: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "outcome": self.outcome.value}


def _held(condition: bool) -> Outcome:
    return Outcome.PASS if condition else Outcome.FAIL


def _rate(settings: LoadSettings, m: Measured) -> Verdict:
    needed = settings.rate * settings.thresholds.rate_tolerance
    rate = m.rate(settings.duration)
    detail = f"{m.total.requests} requests started in the {settings.duration} s window (run "
    detail += f"{m.seconds:.1f} s; Locust's own figure {m.total.rps:.2f}/s); by {m.stopped_by}"
    if m.workers:
        detail += f"; {m.workers} worker(s)"
    return Verdict(
        "load-rate-sustained",
        f"The target sustained {settings.rate:g} requests/s",
        _held(rate >= needed),
        f"{rate:.2f} requests/s",
        f">= {needed:.2f} ({settings.thresholds.rate_tolerance:.0%} of {settings.rate:g})",
        detail,
    )


def _error_rate(settings: LoadSettings, m: Measured) -> Verdict:
    limit = settings.thresholds.error_rate_pct
    unanswered = m.tally.statuses.get("0", 0)
    return Verdict(
        "load-error-rate",
        "Requests failed no more often than allowed",
        _held(m.error_rate_pct <= limit),
        f"{m.error_rate_pct:.2f} % ({m.total.failures})",
        f"<= {limit:g} %",
        f"{unanswered} without any answer" if unanswered else "",
    )


def _latency(name: str, value: float, limit: float, m: Measured) -> Verdict:
    return Verdict(
        f"load-latency-{name}",
        f"{name} latency within its threshold",
        _held(value <= limit) if m.total.requests else Outcome.SKIP,
        f"{value:g} ms",
        f"<= {limit:g} ms",
        "Locust's percentiles, rounded to its histogram buckets",
    )


def _statuses(statuses: Mapping[str, int], first: str) -> int:
    return sum(count for status, count in statuses.items() if status.startswith(first))


def _server_errors(m: Measured) -> Verdict:
    count = _statuses(m.tally.statuses, "5")
    shown = {s: n for s, n in sorted(m.tally.statuses.items()) if s.startswith("5")}
    return Verdict(
        "load-no-5xx",
        "No 5xx answer under load",
        _held(count == 0),
        str(count),
        "0",
        ", ".join(f"{n} x {s}" for s, n in shown.items()),
    )


def _throttled(m: Measured) -> Verdict:
    count = m.tally.statuses.get("429", 0)
    sent = m.tally.retry_after.get("429", 0)
    return Verdict(
        "load-no-429",
        "Not throttled at the asked rate",
        _held(count == 0),
        str(count),
        "0",
        f"{sent} of {count} carried Retry-After" if count else "",
    )


def _retry_after(m: Measured) -> Verdict:
    codes = [str(code) for code in THROTTLED]
    count = sum(m.tally.statuses.get(code, 0) for code in codes)
    sent = sum(m.tally.retry_after.get(code, 0) for code in codes)
    outcome = Outcome.SKIP if not count else Outcome.PASS if sent == count else Outcome.WARN
    return Verdict(
        "load-retry-after",
        "Every 429 and 503 said when to retry (Retry-After)",
        outcome,
        f"{sent} of {count}",
        "all",
        "no 429 or 503 to judge" if not count else "RFC 6585 4",
    )


def _duplicates(names: NameCheck) -> Verdict:
    bad = len(names.duplicated) + len(names.unanswered)
    examples = [f"{n} x{c}" for n, c in sorted(names.duplicated.items())[:3]]
    examples += [f"{n}: the filter failed" for n in names.unanswered[:3]]
    sampled = f"; a sample of {names.checked} of {names.total}" if names.sampled else ""
    return Verdict(
        "load-no-duplicates",
        "No user created twice under load (userName filter per name)",
        _held(bad == 0) if names.total else Outcome.SKIP,
        f"{len(names.duplicated)} duplicated of {names.checked}",
        "0",
        "; ".join(examples) + sampled,
    )


def _lost(names: NameCheck) -> Verdict:
    return Verdict(
        "load-no-lost-users",
        "Every user answered 201 is found afterwards",
        _held(not names.lost) if names.total else Outcome.SKIP,
        str(len(names.lost)),
        "0",
        "; ".join(names.lost[:3]),
    )


def _idp(m: Measured) -> Verdict:
    count = sum(m.tally.errors.values())
    return Verdict(
        "load-idp-flow",
        "The mock IdP drove the load without breaking",
        Outcome.ERROR if count else Outcome.PASS,
        str(count),
        "0",
        "; ".join(list(m.tally.errors)[:3]),
    )


def remedy(settings: LoadSettings, m: Measured, busiest: ProcessLoad, cores: int = 0) -> str:
    """What would carry the asked rate: more processes while this machine has cores for them,
    else more machines; first cores of its own when other work on the machine held them."""
    cores = cores or os.cpu_count() or 1
    processes = max(1, settings.processes, m.workers)
    per_process = m.rate(settings.duration) / processes
    needed = math.ceil(settings.rate / (per_process * 0.8)) if per_process > 0 else 2 * processes
    needed = max(needed, processes + 1)
    scale = (
        f"rerun with --processes {needed}"
        if needed <= cores
        else f"{needed} processes are more than this machine's {cores} cores: run workers on more "
        "machines (--master, --worker --processes N)"
    )
    reached = f"one process reached {per_process:.0f} requests/s (docs/load.md, Scale-out)"
    if busiest.cpu_bound:
        return f"{scale}; {reached}"
    return (
        f"other work held its cores (it got less CPU than it wanted; load average up to "
        f"{busiest.load_avg:.1f} on {cores} cores): give the generator cores of its own, "
        f"then {scale}; {reached}"
    )


def _generator(settings: LoadSettings, m: Measured, short: bool) -> Verdict:
    load = generator.assess(m.generator, m.started_at)
    busiest = load.busiest
    title = "The load generator kept up (its CPU, event loop and start delays)"
    threshold = (
        f"CPU < {generator.CPU_BUSY_PCT:g} % in {generator.CPU_BUSY_SHARE:.0%} of "
        f"seconds; loop < {generator.LAG_MS:g} ms late in {generator.LAG_SHARE:.0%}; "
        f"< {generator.LATE_SHARE:.0%} of requests started late"
    )
    if busiest is None:
        return Verdict(
            "load-generator",
            title,
            Outcome.SKIP,
            "no samples",
            threshold,
            "the generator recorded no samples of itself",
        )
    warned = f"; Locust warned of its CPU {load.warnings} time(s)" if load.warnings else ""
    detail = f"{len(load.processes)} process(es){warned}"
    if not load.saturated:
        return Verdict("load-generator", title, Outcome.PASS, busiest.describe(), threshold, detail)
    if not short:
        detail += "; saturated, yet the target met the rate and latency asked: they stand"
        return Verdict("load-generator", title, Outcome.WARN, busiest.describe(), threshold, detail)
    detail += f"; generator-bound: {remedy(settings, m, busiest)}"
    return Verdict(
        "load-generator", title, Outcome.INCONCLUSIVE, busiest.describe(), threshold, detail
    )


def _generator_bound(verdict: Verdict) -> Verdict:
    """A shortfall measured by a saturated generator: not the target's to answer for."""
    if verdict.outcome is not Outcome.FAIL:
        return verdict
    why = "generator-bound, not judged (see load-generator)"
    return replace(
        verdict,
        outcome=Outcome.INCONCLUSIVE,
        detail=f"{why}; {verdict.detail}" if verdict.detail else why,
    )


def judge(settings: LoadSettings, m: Measured, names: NameCheck) -> list[Verdict]:
    t = settings.thresholds
    latencies = [
        ("p50", m.total.p50_ms, t.p50_ms),
        ("p95", m.total.p95_ms, t.p95_ms),
        ("p99", m.total.p99_ms, t.p99_ms),
    ]
    # Rate and latency are what a saturated generator distorts: it starts requests late and
    # reads answers late. The error, status and duplicate verdicts are the target's own.
    paced = [
        _rate(settings, m),
        *(_latency(name, value, limit, m) for name, value, limit in latencies),
    ]
    own = _generator(settings, m, any(v.outcome is Outcome.FAIL for v in paced))
    if own.outcome is Outcome.INCONCLUSIVE:
        paced = [_generator_bound(v) for v in paced]
    return [
        paced[0],
        _error_rate(settings, m),
        *paced[1:],
        own,
        _server_errors(m),
        _throttled(m),
        _retry_after(m),
        _duplicates(names),
        _lost(names),
        _idp(m),
    ]


def broken(reason: str) -> Verdict:
    """The one verdict of a load that could not be measured at all."""
    return Verdict("load-ran", "Locust ran and left its statistics", Outcome.ERROR, "", "", reason)
