"""`scimcert record`: every IdP profile's run recorded through it whole and without a secret,
a killed recorder's file still read, and a bad command line refused in one line.

Every profile runs one scenario all of them run (`lifecycle/member-lifecycle`, SCIM and the app
probe) through the recorder, in front of a server that echoes every secret it is sent
(`tests.support.hostile_echo`) in front of the reference server: the recording must hold the
run's exchanges in the run's order, name the profile's family, and no secret in any spelling.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from harness.capture.recording import read_recording
from harness.cli.main import main
from harness.transport.redaction import REDACTED, secret_forms, secret_leaves
from mock_idp.profile import all_profiles
from tests.support.hostile_echo import COOKIE, HostileEcho
from tests.support.recorder import start_recorder, wire
from tests.support.reference import APP_TOKEN, SCIM_TOKEN, RunningServer, run_argv, start_server

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = "lifecycle/member-lifecycle"
HARNESS_AGENT = "scimcert"  # the run's own reads (preflight, discovery): results.jsonl skips them
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Upstream:
    server: RunningServer
    echo: HostileEcho
    url: str  # the tenant's root, through the echo: /scim/v2 and /app/v1 are under it


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("record") / "s.db")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def upstream(server: RunningServer) -> Iterator[Upstream]:
    """An echo of its own per test: it repeats an earlier request's password in later answers,
    and one from another test is a secret this test's recorder never saw."""
    echo = HostileEcho(server.url)
    try:
        yield Upstream(server, echo, echo.front(server.url).removesuffix("/scim/v2"))
    finally:
        echo.stop()


def _run_through(upstream: Upstream, proxy: str, report: Path) -> None:
    argv = run_argv(upstream.server, report, "--idp", "all", "--scenario", SCENARIO)
    argv[argv.index("--url") + 1] = proxy + "/scim/v2"
    argv[argv.index("--app-url") + 1] = proxy + "/app/v1"
    env = {**os.environ, "SCIM_TOKEN": SCIM_TOKEN, "SCIM_APP_TOKEN": APP_TOKEN}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_every_profiles_run_through_the_recorder_is_recorded_whole_and_without_secrets(
    upstream: Upstream, tmp_path: Path
) -> None:
    """One run of every profile (one process: eight runs took four times as long)."""
    out = tmp_path / "recording.jsonl"
    recorder = start_recorder(upstream.url, out)
    try:
        _run_through(upstream, recorder.url, tmp_path / "report")
    finally:
        code, printed = recorder.stop(signal.SIGTERM)
    assert code == 0, printed

    recording = read_recording(out)
    run = read_recording(tmp_path / "report" / "results.jsonl")
    recorded = wire(recording.exchanges, upstream.url)
    ran = wire(run.exchanges, recorder.url)
    # The run's reads before its first item (preflight, discovery) cross the proxy but are not
    # in results.jsonl: they come first, as the harness's own GETs. Then exactly the run.
    ahead = recording.exchanges[: len(recorded) - len(ran)]
    assert recorded[len(ahead) :] == ran
    assert all(x.request.method == "GET" for x in ahead)
    assert {x.request.headers.get("user-agent") for x in ahead} == {HARNESS_AGENT}
    agents = {x.request.headers.get("user-agent") for x in recording.exchanges}
    assert {profile.headers["User-Agent"] for profile in all_profiles().values()} <= agents

    assert recording.complete
    assert recording.header.source == "proxy"
    # Three profiles of eight are Entra's: most requests name it, the note counts the others.
    assert recording.header.idp == "entra"
    families = {profile.family for profile in all_profiles().values()} - {"entra"}
    assert all(f"; {family}: " in recording.header.notes[-1] for family in families)
    assert "IdP: entra (recognised as entra" in printed
    assert f"Recorded {len(recorded)} exchanges into {out}" in printed

    text = out.read_text(encoding="utf-8")
    # An AIW Okta PUTs back the document it read, whose password the run saw as [REDACTED].
    sent = upstream.echo.passwords - {REDACTED}
    assert sent  # Okta sends a password with every create: this cannot pass for want of one
    secrets = {SCIM_TOKEN, APP_TOKEN, COOKIE, *sent}
    leaked = sorted({s for s in secrets for form in secret_forms(s) if form in text})
    assert leaked == []
    assert '\\"password\\": \\"[REDACTED]\\"' in text
    for exchange in recording.exchanges:
        bodies = [exchange.request.body, exchange.response.body if exchange.response else None]
        for body in bodies:
            document = _json(body)
            assert all(leaf == REDACTED for leaf in secret_leaves(document)), body


def test_a_killed_recorder_leaves_a_file_cut_short_with_every_exchange_it_answered(
    upstream: Upstream, tmp_path: Path
) -> None:
    out = tmp_path / "recording.jsonl"
    recorder = start_recorder(upstream.url, out)
    headers = {"Authorization": f"Bearer {SCIM_TOKEN}", "User-Agent": "Okta SCIM Client 1.0.0"}
    with requests.Session() as session:
        session.trust_env = False
        statuses = [
            session.get(f"{recorder.url}/scim/v2/{path}", headers=headers).status_code
            for path in ("Users", "Groups", "ServiceProviderConfig", "Users/nobody")
        ]
    recorder.kill()
    recording = read_recording(out)
    assert not recording.complete
    assert [x.response.status if x.response else 0 for x in recording.exchanges] == statuses
    assert statuses == [200, 200, 200, 404]
    assert recording.header.idp == ""  # recognised only at a clean stop
    assert recording.header.notes[-1] == "cut short: no RecordingFinished line, 4 exchanges read"


def test_ctrl_c_stops_the_recorder_cleanly(upstream: Upstream, tmp_path: Path) -> None:
    out = tmp_path / "recording.jsonl"
    recorder = start_recorder(upstream.url, out)
    with requests.Session() as session:
        session.trust_env = False
        session.get(f"{recorder.url}/scim/v2/Users", headers={"User-Agent": "curl/8"})
    code, printed = recorder.stop(signal.SIGINT)
    assert code == 0
    assert "GET /t/acme/scim/v2/Users 401 " in printed  # no token: the server's own 401
    assert "Recorded 1 exchanges" in printed
    assert "IdP: not recognised (not recognised: no known User-Agent" in printed
    assert "Traceback" not in printed
    assert read_recording(out).complete


def test_scrub_pseudonymises_people_as_they_pass_and_says_how_many(
    upstream: Upstream, tmp_path: Path
) -> None:
    """With --scrub no name, e-mail or phone number reaches the file, even from a recorder killed
    before its clean stop; the header counts what was replaced."""
    people = {"userName": "ann.lee@corp.example", "given": "Annabel", "family": "Leeward"}
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": people["userName"],
        "name": {"givenName": people["given"], "familyName": people["family"]},
        "emails": [{"value": people["userName"], "primary": True}],
        "phoneNumbers": [{"value": "+44 20 7946 0958"}],
    }
    out = tmp_path / "recording.jsonl"
    recorder = start_recorder(upstream.url, out, "--scrub")
    headers = {"Authorization": f"Bearer {SCIM_TOKEN}", "User-Agent": "Okta SCIM Client 1.0.0"}
    with requests.Session() as session:
        session.trust_env = False
        created = session.post(f"{recorder.url}/scim/v2/Users", json=user, headers=headers)
        assert created.status_code == 201, created.text
        query = {"filter": f'userName eq "{people["userName"]}"'}
        session.get(f"{recorder.url}/scim/v2/Users", params=query, headers=headers)
    code, printed = recorder.stop(signal.SIGTERM)
    assert code == 0, printed
    text = out.read_text(encoding="utf-8")
    originals = [*people.values(), "ann.lee%40corp.example", "7946 0958", "Annabel"]
    assert [value for value in originals if value in text] == []
    assert "scrubbed: " in printed
    header = read_recording(out).header
    assert header.scrubbed["email"] == 1
    assert header.scrubbed["name"] >= 2
    assert header.scrubbed["phone"] == 1


def _json(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


# --- The command line ---------------------------------------------------------------------------


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["record", *args])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("scimcert record: ")
    return lines[0]


def test_a_bad_upstream_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    assert "http:// or https://" in _refused(capsys, "--upstream", "ftp://x", "--out", str(out))
    assert "not a URL" in _refused(capsys, "--upstream", "http://x:99999", "--out", str(out))
    assert not out.exists()


def test_a_port_in_use_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    taken = socket.create_server(("127.0.0.1", 0))
    try:
        port = str(taken.getsockname()[1])
        line = _refused(
            capsys, "--upstream", "http://127.0.0.1:1", "--port", port, "--out", str(tmp_path / "r")
        )
    finally:
        taken.close()
    assert f"cannot listen on 127.0.0.1:{port}" in line
    assert not (tmp_path / "r").exists()


def test_another_host_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    anywhere = "0.0.0.0"  # noqa: S104 - the address the command must refuse
    out = str(tmp_path / "r")
    line = _refused(capsys, "--upstream", "http://127.0.0.1:1", "--host", anywhere, "--out", out)
    assert "127.0.0.1 only" in line


def test_an_existing_file_is_kept_unless_forced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text("mine\n")
    line = _refused(capsys, "--upstream", "http://127.0.0.1:1", "--out", str(out))
    assert "exists; --force overwrites it" in line
    assert out.read_text() == "mine\n"
    assert "is a folder" in _refused(
        capsys, "--upstream", "http://127.0.0.1:1", "--out", str(tmp_path)
    )


def test_an_unwritable_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    line = _refused(capsys, "--upstream", "http://127.0.0.1:1", "--out", str(blocker / "r.jsonl"))
    assert f"cannot write {blocker / 'r.jsonl'}" in line


def test_a_missing_ca_bundle_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    line = _refused(
        capsys,
        "--upstream",
        "https://127.0.0.1:1",
        "--ca-bundle",
        str(tmp_path / "none.pem"),
        "--out",
        str(tmp_path / "r.jsonl"),
    )
    assert "--ca-bundle" in line


def test_the_default_file_is_named_by_the_utc_time_in_the_current_folder(
    upstream: Upstream, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli.main", "record", "--upstream", upstream.url],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    rest = process.stdout.read()
    process.stdout.close()
    assert process.wait(timeout=30) == 0, first + rest
    [made] = list(tmp_path.iterdir())
    assert made.name.startswith("recording-") and made.name.endswith("Z.jsonl")
    assert read_recording(made).complete
