"""What the fault tables share: a row, one server with a team per fault, and in-process runs.

A run goes through the runner in-process (`RunState.run_item`, the code `scimcert run` drives for
each item, and `verdict.status.exit_code` as `--fail-on warn` decides it): a `scimcert run` child
process costs seconds of start-up, and the tables hold about a hundred faults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import pytest

from harness.checks import load_all
from harness.engine.session import RunSettings, RunState
from harness.scenario.model import Scenario, load_scenarios
from mock_idp.profile import Profile
from reference_server.storage.engine import open_engine
from reference_server.teams import TokenSource, add_team
from tests.support.reference import (
    APP_TOKEN,
    CLIENT_KEYS,
    CLIENT_SECRET,
    SCIM_TOKEN,
    RunningServer,
    start_server,
)
from verdict.events import CheckEvaluated, Event, ItemFinished
from verdict.outcomes import Outcome, combine
from verdict.status import RunVerdict, Status, exit_code

ROOT = Path(__file__).resolve().parents[2]
PARALLEL_RUNS = 4
MOST_MAY = 2  # a fault may trip at most two checks besides its own (issue 7)


@dataclass(frozen=True)
class Bite:
    """A fault's run: the scenarios it needs, the checks it must trip, and those it may."""

    scenario_ids: str  # comma-separated, as `--scenario` takes them
    must: frozenset[str]
    may: frozenset[str] = frozenset()
    timeout: float = 15.0
    idp: str = "rfc"  # the profiles the scenarios run under (`--idp`)
    code: int = 1  # 0 when the checks it must trip are MAY notes, which never fail a run


def bite(
    scenario_ids: str,
    must: Iterable[str],
    may: Iterable[str] = (),
    timeout: float = 15.0,
    idp: str = "rfc",
    code: int = 1,
) -> Bite:
    return Bite(scenario_ids, frozenset(must), frozenset(may), timeout, idp, code)


def assert_well_formed(table: Mapping[str, Bite], registered: Iterable[str]) -> None:
    """Every row names a registered fault, checks it must trip, and at most two it may."""
    assert set(table) <= set(registered)
    for fault, row in table.items():
        assert row.must and len(row.may) <= MOST_MAY and not row.must & row.may, fault


@dataclass(frozen=True)
class Run:
    code: int
    tripped: frozenset[str]  # checks that failed or warned
    failed: frozenset[str] = frozenset()  # items (scenario[profile]) that did not pass
    events: list[Event] = field(default_factory=list)
    output: str = ""  # what to read when a test fails


def assert_bites(row: Bite, run: Run) -> None:
    assert run.code == row.code, run.output
    assert row.must <= run.tripped, f"not tripped: {sorted(row.must - run.tripped)}\n{run.output}"
    unexpected = run.tripped - row.must - row.may
    assert not unexpected, f"also tripped: {sorted(unexpected)}\n{run.output}"


def finished(run: Run) -> dict[str, ItemFinished]:
    """Each scenario of the run with how its item ended."""
    return {e.scenario: e for e in run.events if isinstance(e, ItemFinished)}


def assert_pack_passes(run: Run, pack: str) -> None:
    """The clean server passes every scenario of `pack` (comma-separated ids), nothing tripped."""
    assert (run.code, run.tripped, run.failed) == (0, frozenset(), frozenset()), run.output
    outcomes = {scenario: item.outcome for scenario, item in finished(run).items()}
    assert outcomes == dict.fromkeys(pack.split(","), Outcome.PASS)


def urls(server: RunningServer, team: str) -> tuple[str, str]:
    return (
        server.url.replace("/t/acme/", f"/t/{team}/"),
        server.app_url.replace("/t/acme/", f"/t/{team}/"),
    )


def client_id(team: str) -> str:
    """The team's OAuth client id (`fault_server` makes it; the secret is CLIENT_SECRET)."""
    return f"{team}-client"


def switch_on(server: RunningServer, team: str, names: list[str]) -> None:
    _, app_url = urls(server, team)
    response = server.app().put(f"{app_url}/faults", json={"faults": names}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["faults"] == sorted(names)


@cache
def scenarios() -> tuple[Scenario, ...]:
    """The packaged scenarios, parsed once: parsing them all costs seconds."""
    return tuple(load_scenarios(ROOT / "scenarios"))


Item = tuple[Scenario, Profile]


def items(scenario_ids: str, idp: str) -> list[Item]:
    """What `scimcert run --idp <idp> --scenario <ids>` runs: each scenario x profile.

    Rows name their scenarios, not tags: a scenario added later under a shared tag never joins a
    fault's run, and tags stay what users select by. An id that runs under none of the row's
    profiles is a mistake in the row, not an empty run that proves nothing.
    """
    settings = RunSettings(url="", idp=idp, scenario_ids=tuple(scenario_ids.split(",")))
    chosen = [(s, p) for p in settings.profiles() for s in scenarios() if settings.selects(s, p)]
    idle = set(settings.scenario_ids) - {scenario.id for scenario, _ in chosen}
    assert not idle, f"no such scenario under --idp {idp}: {sorted(idle)}"
    return chosen


def every_item(rows: Iterable[Bite]) -> list[Item]:
    """The items of all the rows, each once."""
    chosen = {(s.id, p.id): (s, p) for row in rows for s, p in items(row.scenario_ids, row.idp)}
    return list(chosen.values())


def findings(events: list[Event]) -> str:
    return "\n".join(
        f"{e.item} {e.check}: {[f.get('message') for f in e.findings]}"
        for e in events
        if isinstance(e, CheckEvaluated) and not e.passed
    )


def run_items(
    server: RunningServer,
    team: str,
    chosen: list[Item],
    timeout: float,
    scenario_ids: tuple[str, ...] | None = None,
) -> Run:
    """The items run in-process against the team, judged as `--fail-on warn` judges them; the
    run names `scenario_ids` as `--scenario` does (by default the chosen scenarios, which is how
    a run asks for an opt-in profile such as IPSIE's)."""
    scim_url, app_url = urls(server, team)
    named = tuple(sorted({s.id for s, _ in chosen})) if scenario_ids is None else scenario_ids
    # The token endpoint is named beside the bearer token, as Microsoft's validation has both:
    # the token scenarios run, and a token fault cannot lock the other steps out.
    token_url = server.token_url.replace("/t/acme/", f"/t/{team}/")
    settings = RunSettings(
        url=scim_url,
        app_url=app_url,
        timeout=timeout,
        seed=7,
        token_url=token_url,
        client_id=client_id(team),
        scenario_ids=named,
    )
    state = RunState(settings)
    events: list[Event] = []
    finished = [state.run_item(scenario, profile, events.append) for scenario, profile in chosen]
    tripped = {e.check for e in events if isinstance(e, CheckEvaluated) and not e.passed}
    failed = {f.item for f in finished if f.outcome is not Outcome.PASS}
    judged = RunVerdict(combine(f.outcome for f in finished), Status.COMPLETE)
    code = exit_code(judged, fail_on_warn=True)
    return Run(code, frozenset(tripped), frozenset(failed), events, findings(events))


def run_row(server: RunningServer, team: str, row: Bite) -> Run:
    return run_items(server, team, items(row.scenario_ids, row.idp), row.timeout)


@contextmanager
def fault_server(
    folder: Path, faults_of: Mapping[str, list[str]], *serve_args: str
) -> Iterator[RunningServer]:
    """One reference server with a team per key of `faults_of`, its faults switched on;
    `serve_args` are more options of `scimcert serve` (`--cursor-timeout 2`)."""
    db = folder / "scimcert.db"
    engine = open_engine(f"sqlite:///{db}")
    for team in faults_of:
        tokens = TokenSource(
            SCIM_TOKEN, APP_TOKEN, client_id(team), CLIENT_SECRET, CLIENT_KEYS.jwks
        )
        add_team(engine, team, tokens, lambda _: None)
    engine.dispose()
    load_all()
    scenarios()  # parsed before the runs share it
    server = start_server(db, "--fault-api", *serve_args)  # the fault layer, none on yet
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCIM_TOKEN", SCIM_TOKEN)
        patch.setenv("SCIM_APP_TOKEN", APP_TOKEN)
        patch.setenv("SCIM_CLIENT_SECRET", CLIENT_SECRET)
        # The key the teams' public JWK Set matches, for JWT client authentication (RFC 7523).
        patch.setenv("SCIM_CLIENT_KEY", CLIENT_KEYS.pem)
        patch.setenv("SCIM_CLIENT_KEY_ID", CLIENT_KEYS.kid)
        try:
            for team, names in faults_of.items():
                if names:
                    switch_on(server, team, names)
            yield server
        finally:
            server.stop()


def run_all(jobs: Mapping[str, Callable[[], Run]]) -> dict[str, Run]:
    """The jobs a few at a time, started in the order given (put the slowest first)."""
    with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def run_table(
    folder: Path,
    table: Mapping[str, Bite],
    controls: Mapping[str, tuple[Sequence[str], Bite]],
    *serve_args: str,
) -> dict[str, Run]:
    """Each fault of `table` on a team of its own, run as its row says, beside the `controls`
    (team -> the faults on it, maybe none, and its row): the clean server, a server that does not
    claim a feature. The controls go first: they run a whole pack, the slowest rows."""
    teams = {team: list(faults) for team, (faults, _) in controls.items()}
    teams |= {fault: [fault] for fault in table}
    with fault_server(folder, teams, *serve_args) as server:
        jobs = {team: partial(run_row, server, team, row) for team, (_, row) in controls.items()}
        jobs |= {fault: partial(run_row, server, fault, row) for fault, row in table.items()}
        return run_all(jobs)
