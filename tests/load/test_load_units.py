"""The load's parts that need no server: the mix, the tally, pacing, names, options."""

from __future__ import annotations

import argparse
import socket
from collections import Counter
from types import SimpleNamespace
from typing import Any, cast

import pytest

from harness.cli import main as cli
from harness.load.duplicates import NameCheck, check_names
from harness.load.locust_wire import Meter, retry_after_seconds, stats_name
from harness.load.measure import Measured, Row
from harness.load.mix import KINDS, Mix, MixError
from harness.load.options import add_parser, settings_from
from harness.load.tally import Tally
from harness.load.traffic import FLOWS
from harness.load.verdicts import judge
from harness.transport.client import Transport
from mock_idp.profile import all_profiles
from tests.support.reference import SCIM_TOKEN
from verdict.outcomes import Outcome


def test_every_kind_has_a_flow() -> None:
    assert set(KINDS) == set(FLOWS)


def test_the_mix_is_parsed_and_unknown_kinds_are_named() -> None:
    mix = Mix.parse("assign=3, import=1")
    assert mix.text() == "import=1,assign=3"
    with pytest.raises(MixError, match="kinds: import, assign, deactivate, group"):
        Mix.parse("assign=1,purge=2")
    with pytest.raises(MixError, match="no kind a positive weight"):
        Mix.parse("assign=0")
    with pytest.raises(MixError, match="must be a number"):
        Mix.parse("assign=lots")


def test_a_profile_sends_only_the_kinds_it_has_verbs_for() -> None:
    mix = Mix.parse("import=1,assign=1,deactivate=1,group=1")
    for profile in all_profiles().values():
        sent = mix.for_profile(profile)
        assert ("assign" in sent) == ("assign" in profile.verbs)
        missing = mix.not_sent([profile]).get(profile.id, [])
        assert set(sent) | set(missing) == set(KINDS)


def test_a_tally_survives_the_trip_from_worker_to_master() -> None:
    worker = Tally()
    worker.saw(201, {})
    worker.saw(429, {"Retry-After": "2"})
    worker.saw(409, {}, raced=True)
    worker.post({"userName": "a@example.test"}, 201)
    worker.post({"userName": "b@example.test"}, 500)
    worker.failed("entra assign", KeyError("x"), str)
    master = Tally()
    master.merge(worker.drain())
    master.merge(worker.drain())  # drained: nothing counted twice
    assert master.statuses == {"201": 1, "429": 1, "409": 1}
    assert master.retry_after == {"429": 1}
    assert master.raced_conflicts == 1
    assert master.posted == {"a@example.test", "b@example.test"}
    assert master.created == {"a@example.test"}
    assert sum(master.errors.values()) == 1


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_pacing_sends_one_request_per_interval_and_never_bursts_to_catch_up() -> None:
    clock = Clock()
    meter = Meter(rate=2.0, first_due=100.25, clock=clock)
    assert meter.wait() == 0.25  # the user's place in the stream
    clock.now = 100.25
    meter.sending()
    assert meter.wait() == pytest.approx(0.5)
    clock.now = 110.0  # a ten-second stall
    meter.sending()
    meter.sending()
    assert meter.wait() == pytest.approx(0.5)  # one missed request forgiven, not twenty


def test_retry_after_holds_a_user_back() -> None:
    clock = Clock()
    meter = Meter(rate=10.0, clock=clock)
    meter.sending()
    meter.answered(429, {"Retry-After": "3"})
    assert meter.wait() == pytest.approx(3.0)
    meter.answered(429, {"Retry-After": "3600"})
    assert meter.wait() == pytest.approx(30.0)  # capped; the run's duration bounds it anyway
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds(None) == 0.0


def test_statistics_names_hide_ids_and_queries() -> None:
    assert stats_name("entra assign", "GET", "/Users?aadOptscim062020&filter=x") == (
        "entra assign GET /Users"
    )
    assert stats_name("okta deactivate", "PATCH", "/Users/2819c") == (
        "okta deactivate PATCH /Users/{id}"
    )
    assert stats_name("rfc x", "POST", "/Users/.search") == "rfc x POST /Users/.search"


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(["load", *argv])


def test_defaults_give_every_profile_a_user_and_a_request_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    settings = settings_from(_args("--url", "http://127.0.0.1:1/scim/v2", "--rate", "25"))
    assert settings.users == max(len(all_profiles()), 25)  # 1 request/s each
    assert settings.max_requests == 2 * 25 * 60 + 100
    assert settings.master_bind_host == "127.0.0.1"
    assert settings.prefix == f"scimcert-{settings.run_id}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rate", "0"], "--rate"),
        (["--mix", "assign=1,purge=1"], "unknown traffic kind"),
        (["--idp", "nobody"], "unknown IdP"),
        (["--master", "--worker"], "exclude each other"),
        (["--users", "1", "--idp", "all"], "needs a user"),
        (["--url", "ftp://x"], "http(s)"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    url = [] if "--url" in argv else ["--url", "http://127.0.0.1:1/scim/v2"]
    assert cli.main(["load", *url, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_token_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SCIM_TOKEN", raising=False)
    assert cli.main(["load", "--url", "http://127.0.0.1:1/scim/v2"]) == 2
    assert "SCIM_TOKEN" in capsys.readouterr().err


def test_an_unreachable_target_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    with socket.socket() as probe:  # a port nobody listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        code = cli.main(
            ["load", "--url", f"http://127.0.0.1:{port}/scim/v2", "--report-dir", str(tmp_path)]
        )
    assert code == 3
    assert "cannot reach" in capsys.readouterr().err


class _Answers:
    """A transport whose filter answers are scripted: userName -> totalResults (None: a 500)."""

    def __init__(self, found: dict[str, int | None]) -> None:
        self.found = found

    def __enter__(self) -> _Answers:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def send(self, method: str, path: str, *, params: dict[str, str]) -> Any:
        name = params["filter"].split('"')[1]
        total = self.found[name]
        status = 500 if total is None else 200
        body: dict[str, Any] = {"totalResults": total, "Resources": []}
        return SimpleNamespace(response=SimpleNamespace(status=status, json=lambda: body))


def test_names_found_twice_lost_or_unanswered_are_told_apart() -> None:
    found = {"twice@x": 2, "once@x": 1, "lost@x": 0, "refused@x": 0, "broken@x": None}
    check = check_names(
        lambda: cast(Transport, _Answers(found)), found, created={"twice@x", "once@x", "lost@x"}
    )
    assert check.checked == check.total == 5
    assert check.duplicated == {"twice@x": 2}
    assert check.lost == ["lost@x"]  # refused@x was never answered 201: not lost
    assert check.unanswered == ["broken@x"]


def _measured(statuses: dict[str, int], retry_after: dict[str, int]) -> Measured:
    total = Row("Aggregated", "", 250, 0, 25.0, 40, 90, 120, 300)
    tally = Tally(statuses=Counter(statuses), retry_after=Counter(retry_after))
    return Measured(total, (), tally, seconds=10.0, stopped_by="duration", workers=0)


def test_verdicts_read_the_statuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_TOKEN", SCIM_TOKEN)
    settings = settings_from(_args("--url", "http://127.0.0.1:1/v2", "--duration", "10"))
    measured = _measured({"200": 240, "429": 8, "503": 2}, {"429": 8})
    verdicts = {v.check: v for v in judge(settings, measured, NameCheck())}
    assert verdicts["load-rate-sustained"].outcome == Outcome.PASS  # 250 in 10 s
    assert verdicts["load-no-5xx"].outcome == Outcome.FAIL
    assert verdicts["load-no-429"].outcome == Outcome.FAIL
    assert verdicts["load-no-429"].detail == "8 of 8 carried Retry-After"
    assert verdicts["load-retry-after"].outcome == Outcome.WARN  # the 503s had none
    assert verdicts["load-no-duplicates"].outcome == Outcome.SKIP  # nothing was created
    clean = {v.check: v.outcome for v in judge(settings, _measured({"200": 250}, {}), NameCheck())}
    assert clean["load-retry-after"] == Outcome.SKIP
    assert set(clean.values()) <= {Outcome.PASS, Outcome.SKIP}
