"""A suite's end of a run: every test judged, the vendor's rule applied, the vendor-shaped file
written next to the usual reports, and the `SuiteJudged` record the reports render."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports.suite import SUITE_JUDGED
from verdict.events import FORMAT_VERSION
from verdict.outcomes import Outcome

from .files import WRITERS, SuiteRun
from .model import Suite
from .results import Judged, TestResult, judge
from .rules import RULES, Overall

Record = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Conclusion:
    record: dict[str, Any]
    overall: Overall
    warned: bool  # an optional test failed: what `--fail-on warn` makes fail the gate

    @property
    def outcome(self) -> Outcome:
        """The suite's result in the run's vocabulary, for the exit code."""
        if not self.overall.passed:
            return Outcome.FAIL
        return Outcome.WARN if self.warned else Outcome.PASS


def caveat(suite: Suite, tests: Sequence[Judged]) -> str:
    """What the overall result is not: scimcert's emulation, without the vendor's cloud."""
    cloud = [j.test.name for j in tests if j.result is TestResult.SKIPPED and j.test.needs_cloud]
    other = [
        j.test.name for j in tests if j.result is TestResult.SKIPPED and not j.test.needs_cloud
    ]
    parts = ["scimcert emulation"]
    if cloud:
        parts.append(f"{len(cloud)} test(s) need {suite.vendor}'s cloud: {', '.join(cloud)}")
    if other:
        parts.append(f"{len(other)} more SKIPPED: {', '.join(other)}")
    return "; ".join(parts)


def _run(
    suite: Suite, tests: list[Judged], overall: Overall, header: Record, **facts: Any
) -> SuiteRun:
    options = (header.get("invocation") or {}).get("options") or {}
    return SuiteRun(
        suite=suite,
        tests=tests,
        overall=overall,
        run_id=str(header.get("run_id", "")),
        target=str(header.get("target", "")),
        started_at=str(header.get("started_at", "")),
        options=options,
        **facts,
    )


def conclude(
    suite: Suite,
    records: Sequence[Record],
    planned: Sequence[str],
    *,
    report_dir: Path | None,
    finished_at: str,
    interruption: str = "",
) -> Conclusion:
    tests = judge(suite, records, planned)
    overall = RULES[suite.rule](tests)
    header = next((r for r in records if r.get("event") == "RunStarted"), {})
    items = [r for r in records if r.get("event") == "ItemFinished"]
    done = {str(r["item"]) for r in items}
    run = _run(
        suite,
        tests,
        overall,
        header,
        finished_at=finished_at,
        items=items,
        not_run=[item for item in planned if item not in done],
        interruption=interruption,
    )
    name, document = WRITERS[suite.result_file](run)
    if report_dir is not None:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        (report_dir / name).write_text(text, encoding="utf-8")
    record = {
        "event": SUITE_JUDGED,
        "v": FORMAT_VERSION,
        "suite": suite.id,
        "title": suite.title,
        "vendor": suite.vendor,
        "result": overall.result,
        "passed": overall.passed,
        "reasons": list(overall.reasons),
        "caveat": caveat(suite, tests),
        "result_file": name if report_dir is not None else "",
        "sources": [dict(source) for source in suite.sources],
        "tests": [judged.to_dict() for judged in tests],
    }
    warned = any(judged.result is TestResult.WARNING for judged in tests)
    return Conclusion(record, overall, warned)
