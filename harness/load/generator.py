"""The load generator watching itself: was it, rather than the target, the bottleneck?

Each Locust process (the local one, or every worker and the master) keeps one `GeneratorLog`:
once a second its own CPU (psutil, as Locust's own CPU warning reads it), how long it waited for
a CPU while ready to run (Linux's run-queue wait, `/proc/self/schedstat`: a process that other
work on the machine starves uses little CPU yet cannot keep up), the worst lag of its
event loop in that second (a greenlet that asks to sleep 50 ms and measures how late it woke),
how many requests it started, and how many of those started late because the process was too
busy to send them when they were due (a paced request that was waiting for its turn, not for an
answer). Workers ship their log to the master like the tally, so a distributed run ends with one
log. `assess` reads it; it knows nothing of Locust.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Locust's own CPU warning fires above this (its runners.CPU_WARNING_THRESHOLD): beyond it,
# Locust says, "response time measurements" become inconsistent. Here it bounds the CPU a
# process used plus the time it waited for one: either way, it wanted a whole core.
CPU_BUSY_PCT = 90.0
# A process is saturated when it wanted that much CPU in this share of its seconds, ...
CPU_BUSY_SHARE = 0.25
# ... or its event loop woke this late in this share of its seconds (every request and every
# answer waits that long in the generator, so latency and rate are the generator's) ...
LAG_MS = 100.0
LAG_SHARE = 0.25
# ... or this share of its paced requests started this late for want of the loop.
LATE_MS = 100.0
LATE_SHARE = 0.10
LAG_TICK_S = 0.05  # how long the lag probe asks to sleep
SAMPLE_S = 1.0
MAX_POINTS = 300  # the series kept in the record; a long run is averaged down to this


@dataclass(frozen=True, slots=True)
class Sample:
    """One second of one process."""

    process: str
    at: float  # wall clock (epoch seconds) at the end of the second
    cpu_pct: float  # of one core
    wait_pct: float  # of the second spent ready to run, waiting for a core (0 off Linux)
    lag_ms: float
    started: int
    late: int
    load_avg: float  # the machine's 1-minute load average: other work competing for it

    @property
    def demand_pct(self) -> float:
        return self.cpu_pct + self.wait_pct

    def to_list(self) -> list[Any]:
        figures = [self.cpu_pct, self.wait_pct, self.lag_ms]
        return [
            self.process,
            round(self.at, 2),
            *(round(f, 1) for f in figures),
            self.started,
            self.late,
            round(self.load_avg, 2),
        ]

    @classmethod
    def from_list(cls, row: Sequence[Any]) -> Sample:
        return cls(
            str(row[0]),
            float(row[1]),
            float(row[2]),
            float(row[3]),
            float(row[4]),
            int(row[5]),
            int(row[6]),
            float(row[7]),
        )


@dataclass
class GeneratorLog:
    samples: list[Sample] = field(default_factory=list)
    cpu_warnings: dict[str, int] = field(default_factory=dict)  # process -> Locust's warnings

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)

    def warned(self, process: str) -> None:
        self.cpu_warnings[process] = self.cpu_warnings.get(process, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": [s.to_list() for s in self.samples],
            "cpu_warnings": dict(self.cpu_warnings),
        }

    def merge(self, data: Mapping[str, Any]) -> None:
        self.samples.extend(Sample.from_list(row) for row in data.get("samples", []))
        for process, count in data.get("cpu_warnings", {}).items():
            self.cpu_warnings[process] = self.cpu_warnings.get(process, 0) + int(count)

    def drain(self) -> dict[str, Any]:
        """Everything gathered so far, and start again (a worker's report to its master)."""
        data = self.to_dict()
        self.samples, self.cpu_warnings = [], {}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GeneratorLog:
        log = cls()
        log.merge(data)
        return log


@dataclass(frozen=True, slots=True)
class ProcessLoad:
    """What one process's seconds say about it."""

    process: str
    seconds: int
    busy_share: float  # of its seconds wanting CPU_BUSY_PCT or more (used, or waited for)
    own_share: float  # of its seconds using CPU_BUSY_PCT or more itself
    lagging_share: float  # of its seconds whose loop woke LAG_MS late or worse
    late_share: float  # of its started requests that started LATE_MS late or worse
    peak_cpu_pct: float
    peak_lag_ms: float
    started: int
    warnings: int
    load_avg: float  # the machine's highest 1-minute load average while it ran

    @property
    def cpu_bound(self) -> bool:
        """Busy on a core of its own: more processes (cores) or machines would carry more.
        Otherwise a saturated process was starved by other work on its machine."""
        return self.own_share >= CPU_BUSY_SHARE

    @property
    def saturated(self) -> bool:
        return (
            self.busy_share >= CPU_BUSY_SHARE
            or self.lagging_share >= LAG_SHARE
            or self.late_share >= LATE_SHARE
        )

    def describe(self) -> str:
        return (
            f"{self.process}: wanted >= {CPU_BUSY_PCT:g} % of a core in "
            f"{self.busy_share:.0%} of {self.seconds} s (used it in {self.own_share:.0%}, "
            f"peak {self.peak_cpu_pct:.0f} %), loop {LAG_MS:g} ms late in "
            f"{self.lagging_share:.0%} (worst {self.peak_lag_ms:.0f} ms), "
            f"{self.late_share:.0%} of {self.started} requests started late; load average "
            f"up to {self.load_avg:.1f}"
        )


def _process_load(process: str, samples: Sequence[Sample], warnings: int) -> ProcessLoad:
    seconds = len(samples)
    started = sum(s.started for s in samples)
    return ProcessLoad(
        process=process,
        seconds=seconds,
        busy_share=sum(s.demand_pct >= CPU_BUSY_PCT for s in samples) / seconds,
        own_share=sum(s.cpu_pct >= CPU_BUSY_PCT for s in samples) / seconds,
        lagging_share=sum(s.lag_ms >= LAG_MS for s in samples) / seconds,
        late_share=sum(s.late for s in samples) / started if started else 0.0,
        peak_cpu_pct=max(s.cpu_pct for s in samples),
        peak_lag_ms=max(s.lag_ms for s in samples),
        started=started,
        warnings=warnings,
        load_avg=max(s.load_avg for s in samples),
    )


@dataclass(frozen=True, slots=True)
class Assessment:
    processes: tuple[ProcessLoad, ...]

    @property
    def measured(self) -> bool:
        return bool(self.processes)

    @property
    def saturated(self) -> tuple[ProcessLoad, ...]:
        return tuple(p for p in self.processes if p.saturated)

    @property
    def busiest(self) -> ProcessLoad | None:
        ranked = sorted(self.processes, key=lambda p: (p.saturated, p.busy_share, p.lagging_share))
        return ranked[-1] if ranked else None

    @property
    def warnings(self) -> int:
        return sum(p.warnings for p in self.processes)


def assess(log: GeneratorLog, since: float | None = None) -> Assessment:
    """Each process's load over the run (from `since`, the test's start, when known). The
    master is left out when workers reported: it only gathers statistics, sends nothing."""
    by_process: dict[str, list[Sample]] = {}
    for sample in log.samples:
        if since is None or sample.at > since:
            by_process.setdefault(sample.process, []).append(sample)
    if len(by_process) > 1:
        by_process.pop("master", None)
    return Assessment(
        tuple(
            _process_load(name, samples, log.cpu_warnings.get(name, 0))
            for name, samples in sorted(by_process.items())
        )
    )


def series(samples: Iterable[Sample], since: float) -> list[list[float]]:
    """Per second from `since`: [second, requests started (all processes), CPU % used and CPU %
    wanted (used + waited for) by the busiest process]; averaged down to MAX_POINTS points."""
    seconds: dict[int, list[Sample]] = {}
    for sample in samples:
        if sample.process != "master" and sample.at > since:
            seconds.setdefault(round(sample.at - since), []).append(sample)
    rows = [
        [
            float(second),
            float(sum(s.started for s in group)),
            max(s.cpu_pct for s in group),
            max(s.demand_pct for s in group),
        ]
        for second, group in sorted(seconds.items())
    ]
    step = max(1, -(-len(rows) // MAX_POINTS))
    return [
        [
            rows[i][0],
            *(
                round(sum(r[k] for r in rows[i : i + step]) / len(rows[i : i + step]), 1)
                for k in (1, 2, 3)
            ),
        ]
        for i in range(0, len(rows), step)
    ]
