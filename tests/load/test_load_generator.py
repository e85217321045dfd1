"""The generator watching itself: saturation from its samples, INCONCLUSIVE instead of FAIL,
the remedy, the exit code, the chart, and the presets. No Locust, no server."""

from __future__ import annotations

import argparse
import xml.dom.minidom
from collections import Counter
from typing import Any

import pytest

from harness.cli import main as cli
from harness.load.duplicates import NameCheck
from harness.load.generator import (
    CPU_BUSY_PCT,
    MAX_POINTS,
    GeneratorLog,
    Sample,
    assess,
    series,
)
from harness.load.measure import Measured, Row
from harness.load.options import LoadSettings, add_parser, settings_from
from harness.load.presets import PRESETS
from harness.load.tally import Tally
from harness.load.verdicts import judge
from reports.load import section
from reports.load_chart import chart
from tests.support.reference import SCIM_TOKEN
from verdict.outcomes import Outcome, combine
from verdict.status import ExitCode, RunVerdict, Status, exit_code

T0 = 1_000_000.0


def _second(
    n: int,
    cpu: float,
    *,
    wait: float = 0.0,
    lag: float = 5.0,
    process: str = "local",
    started: int = 40,
    late: int = 0,
    load: float = 1.0,
) -> Sample:
    return Sample(process, T0 + n + 1, cpu, wait, lag, started, late, load)


def _log(*samples: Sample) -> GeneratorLog:
    log = GeneratorLog()
    for sample in samples:
        log.add(sample)
    return log


def _busy(seconds: int = 10, **kwargs: Any) -> GeneratorLog:
    return _log(*(_second(n, 100.0, **kwargs) for n in range(seconds)))


def _idle(seconds: int = 10) -> GeneratorLog:
    return _log(*(_second(n, 20.0) for n in range(seconds)))


def test_a_process_is_saturated_by_its_cpu_its_wait_for_one_its_loop_or_late_starts() -> None:
    assert not assess(_idle()).saturated
    assert assess(_busy()).saturated[0].cpu_bound
    starved = assess(_log(*(_second(n, 30.0, wait=65.0) for n in range(10)))).saturated
    assert starved and not starved[0].cpu_bound  # wanted a core, got a third of one
    lagging = _log(*(_second(n, 30.0, lag=400.0 if n % 2 else 5.0) for n in range(10)))
    assert assess(lagging).saturated
    late = _log(*(_second(n, 30.0, started=100, late=20) for n in range(10)))
    assert assess(late).saturated
    # One busy second (users spawning) is not saturation.
    assert not assess(_log(_second(0, 100.0), *(_second(n, 10.0) for n in range(1, 10)))).saturated


def test_the_master_is_left_out_and_samples_before_the_start_do_not_count() -> None:
    log = _log(
        *(_second(n, 100.0, process="master") for n in range(10)),
        *(_second(n, 10.0, process=f"w{w}") for n in range(10) for w in (0, 1)),
    )
    assert [p.process for p in assess(log).processes] == ["w0", "w1"]
    assert not assess(log).saturated
    early = _log(*(_second(n, 100.0) for n in range(5)), *(_second(n, 10.0) for n in range(5, 15)))
    assert assess(early).saturated and not assess(early, since=T0 + 5.5).saturated


def test_a_log_survives_the_trip_from_worker_to_master() -> None:
    worker = _busy(3, process="w0")
    worker.warned("w0")
    master = GeneratorLog()
    master.merge(worker.drain())
    master.merge(worker.drain())  # drained: nothing twice
    assert len(master.samples) == 3 and master.cpu_warnings == {"w0": 1}
    assert master.samples[0] == _second(0, 100.0, process="w0")


def test_the_series_sums_processes_per_second_and_is_kept_short() -> None:
    log = _log(
        *(_second(n, 50.0 + w, process=f"w{w}", started=10) for n in range(4) for w in (0, 1))
    )
    assert series(log.samples, T0) == [[float(n + 1), 20.0, 51.0, 51.0] for n in range(4)]
    long = _log(*(_second(n, 10.0) for n in range(3 * MAX_POINTS)))
    assert len(series(long.samples, T0)) == MAX_POINTS


def _settings(monkeypatch: pytest.MonkeyPatch, *argv: str) -> LoadSettings:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    args = parser.parse_args(["load", "--url", "http://127.0.0.1:1/v2", *argv])
    return settings_from(args)


def _measured(
    requests: int, log: GeneratorLog, statuses: dict[str, int] | None = None, p95: float = 90.0
) -> Measured:
    total = Row("Aggregated", "", requests, 0, requests / 10, 40, p95, 120, 300)
    tally = Tally(statuses=Counter(statuses or {"200": requests}))
    return Measured(total, (), tally, 10.0, "duration", 0, log, T0)


def _outcomes(settings: LoadSettings, measured: Measured) -> dict[str, Outcome]:
    return {v.check: v.outcome for v in judge(settings, measured, NameCheck())}


def _exit(outcomes: dict[str, Outcome]) -> ExitCode:
    return exit_code(RunVerdict(combine(outcomes.values()), Status.COMPLETE))


def test_a_shortfall_while_the_generator_was_saturated_is_inconclusive_and_exits_4(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _settings(monkeypatch, "--rate", "100", "--duration", "10")
    bound = _outcomes(settings, _measured(400, _busy(), p95=2000.0))  # 40 of 100 requests/s
    assert bound["load-rate-sustained"] is Outcome.INCONCLUSIVE
    assert bound["load-latency-p95"] is Outcome.INCONCLUSIVE
    assert bound["load-latency-p50"] is Outcome.PASS  # what held, held
    assert bound["load-generator"] is Outcome.INCONCLUSIVE
    assert Outcome.FAIL not in bound.values() and _exit(bound) is ExitCode.NO_VERDICT
    # The same figures from a generator with room to spare: the target failed.
    free = _outcomes(settings, _measured(400, _idle(), p95=2000.0))
    assert free["load-rate-sustained"] is Outcome.FAIL and free["load-generator"] is Outcome.PASS
    assert _exit(free) is ExitCode.FAIL
    # A 5xx is the target's own whatever the generator did: it fails the run.
    broken = _outcomes(settings, _measured(400, _busy(), {"200": 390, "500": 10}))
    assert broken["load-no-5xx"] is Outcome.FAIL and _exit(broken) is ExitCode.FAIL


def test_a_saturated_generator_that_still_met_the_target_warns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _settings(monkeypatch, "--rate", "100", "--duration", "10")
    held = _outcomes(settings, _measured(1000, _busy()))
    assert held["load-rate-sustained"] is Outcome.PASS
    assert held["load-generator"] is Outcome.WARN and _exit(held) is ExitCode.OK


def _generator_detail(settings: LoadSettings, measured: Measured) -> str:
    found = [v for v in judge(settings, measured, NameCheck()) if v.check == "load-generator"]
    return found[0].detail


def test_the_remedy_is_more_processes_more_machines_or_a_quieter_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = _settings(monkeypatch, "--rate", "100", "--duration", "10")
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert "rerun with --processes 4" in _generator_detail(settings, _measured(400, _busy()))
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert "run workers on more machines" in _generator_detail(settings, _measured(400, _busy()))
    starved = _log(*(_second(n, 30.0, wait=65.0, load=7.5) for n in range(10)))
    detail = _generator_detail(settings, _measured(400, starved))
    assert "load average up to 7.5 on 2 cores" in detail and "cores of its own" in detail
    assert "run workers on more machines" in detail


def test_inconclusive_yields_to_a_failure_and_outranks_a_warning() -> None:
    assert combine(["PASS", "INCONCLUSIVE", "WARN"]) is Outcome.INCONCLUSIVE
    assert combine(["INCONCLUSIVE", "FAIL"]) is Outcome.FAIL
    assert combine(["INCONCLUSIVE", "ERROR"]) is Outcome.ERROR
    verdict = RunVerdict(Outcome.INCONCLUSIVE, Status.COMPLETE)
    assert exit_code(verdict) is ExitCode.NO_VERDICT


def test_the_chart_is_inline_svg_without_script() -> None:
    rows = [[float(n), 90.0 + n, 40.0 + n, 60.0 + n] for n in range(10)]
    svg = chart(rows, 100.0)
    xml.dom.minidom.parseString(svg)  # noqa: S318  # our own markup: is it well formed?
    assert svg.count("<polyline") == 4 and "<script" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched
    assert chart(rows[:1], 100.0) == ""  # one point is no line
    records: list[dict[str, Any]] = [
        {"event": "LoadStarted", "load_id": "a", "rate": 100, "client": "fast", "processes": 2},
        {
            "event": "LoadVerdict",
            "load_id": "a",
            "check": "load-generator",
            "outcome": "INCONCLUSIVE",
            "measured": "",
            "threshold": "",
            "detail": "generator-bound",
        },
        {
            "event": "LoadFinished",
            "load_id": "a",
            "exit_code": 4,
            "generator": {"series": rows, "processes": ["w0: ..."], "saturated": ["w0"]},
        },
    ]
    html = section(records)
    assert "Load a: INCONCLUSIVE" in html and 'class="INCONCLUSIVE"' in html
    assert "<svg" in html and "2 worker processes; saturated: w0" in html


def test_a_preset_fills_in_what_the_flags_leave_out(monkeypatch: pytest.MonkeyPatch) -> None:
    gallery = _settings(monkeypatch, "--preset", "entra-gallery")
    assert (gallery.idp, gallery.rate, gallery.duration) == ("entra", 25.0, 60)
    assert set(gallery.profiles) == {"entra", "entra-2020", "entra-validator"}
    faster = _settings(monkeypatch, "--preset", "entra-gallery", "--rate", "50")
    assert (faster.idp, faster.rate) == ("entra", 50.0)
    push = _settings(monkeypatch, "--preset", "okta-group-push")
    assert (push.group_size, push.users, push.mix.text()) == (256, 2, "group=1")
    plain = _settings(monkeypatch)
    assert (plain.idp, plain.rate, plain.group_size, plain.client) == ("all", 25.0, 2, "fast")
    for preset in PRESETS.values():
        assert preset.sources and all(url.startswith("https://") for url in preset.sources)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--master", "--processes", "2"], "--processes runs its own master"),
        (["--processes", "-1"], "--processes must be 0 to 256"),
        (["--group-size", "0"], "--group-size must be 1 to"),
    ],
)
def test_scale_out_usage_errors_exit_2(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    assert cli.main(["load", "--url", "http://127.0.0.1:1/scim/v2", *argv]) == 2
    assert message in capsys.readouterr().err


def test_busy_means_locusts_own_threshold() -> None:
    assert CPU_BUSY_PCT == 90.0  # locust.runners.CPU_WARNING_THRESHOLD, not imported here
