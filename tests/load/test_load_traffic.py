"""Every kind of load traffic, in every profile's dialect, without Locust: the same flows the
Locust users run, sent through the harness's transport to the reference server."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from harness.load.mix import Mix
from harness.load.traffic import FLOWS, Connection, sequential
from harness.transport.auth import bearer
from harness.transport.client import Transport
from mock_idp.directory import Directory
from mock_idp.profile import Profile, all_profiles
from mock_idp.wire import Sent, Wire
from tests.support.reference import SCIM_TOKEN, RunningServer


class Recording:
    """A Wire that remembers what each verb sent and got (the Locust wire keeps statistics)."""

    def __init__(self, transport: Transport, seen: list[tuple[str, str, str, int]]) -> None:
        self.transport = transport
        self.seen = seen

    def wire(self, verb: str, *, racing: bool = False) -> Wire:
        recording = self

        class Labelled:
            def send(self, method: str, path: str, **kwargs: Any) -> Sent:
                sent = recording.transport.send(method, path, **kwargs)
                status = sent.response.status if sent.response is not None else 0
                recording.seen.append((verb, method, path, status))
                return sent

        return Labelled()


@pytest.mark.parametrize("profile", sorted(all_profiles()), ids=str)
def test_each_kind_runs_in_the_profiles_dialect(server: RunningServer, profile: str) -> None:
    chosen: Profile = all_profiles()[profile]
    kinds = Mix.parse("import=1,assign=1,deactivate=1,group=1").for_profile(chosen)
    directory = Directory(run_prefix=f"scimcert-loadflows-{profile}", seed=7)
    conn = Connection(chosen, directory, random.Random(7))
    with Transport(server.url, bearer(SCIM_TOKEN)) as transport:
        recording = Recording(transport, [])
        # Each once, in an order that needs no extra assign burst; the Locust runs repeat them.
        for kind in (k for k in ("assign", "group", "deactivate", "import") if k in kinds):
            FLOWS[kind](conn, recording.wire, sequential)
    assert recording.seen, f"{profile} sent nothing"
    failed = [s for s in recording.seen if not 200 <= s[3] < 300]
    assert failed == [], failed
    if "deactivate" in kinds:
        assert conn.inactive and {"deactivate"} <= {verb for verb, *_ in recording.seen}


def _threads(calls: Sequence[Callable[[], object]]) -> None:
    with ThreadPoolExecutor(len(calls)) as pool:
        for done in [pool.submit(call) for call in calls]:
            done.result()


def test_the_raced_assign_makes_one_user(server: RunningServer) -> None:
    """The burst's first person is assigned twice at once (two threads, two connections): the
    server must end with one user, answering the loser 409 if both lookups found nobody."""
    conn = Connection(all_profiles()["rfc"], Directory("scimcert-loadrace", 3), random.Random(3))
    transports: list[Transport] = []

    def wire(verb: str, *, racing: bool = False) -> Wire:
        transports.append(Transport(server.url, bearer(SCIM_TOKEN)))
        return Recording(transports[-1], seen).wire(verb)

    seen: list[tuple[str, str, str, int]] = []
    try:
        FLOWS["assign"](conn, wire, _threads)
        name = conn.directory.person("p1").user_name
        found = transports[0].send("GET", "/Users", params={"filter": f'userName eq "{name}"'})
    finally:
        for transport in transports:
            transport.close()
    assert found.response is not None and found.response.json()["totalResults"] == 1
    raced = [status for _, method, path, status in seen[:4] if method == "POST"]
    assert sorted(raced) in ([201], [201, 409]), seen


def test_a_group_push_sends_its_members_in_one_request(server: RunningServer) -> None:
    """`--group-size` (256 in the okta-group-push preset): members are provisioned first, then
    pushed together; the reference server keeps every one."""
    okta = all_profiles()["okta-oin"]
    conn = Connection(okta, Directory("scimcert-loadpush", 5), random.Random(5), group_size=12)
    bodies: list[Any] = []
    with Transport(server.url, bearer(SCIM_TOKEN)) as transport:
        recording = Recording(transport, [])

        def wire(verb: str, *, racing: bool = False) -> Wire:
            inner = recording.wire(verb, racing=racing)

            class Keeping:
                def send(self, method: str, path: str, **kwargs: Any) -> Sent:
                    if verb == "push_group" and method == "PATCH":
                        bodies.append(kwargs.get("json_body"))
                    return inner.send(method, path, **kwargs)

            return Keeping()

        FLOWS["group"](conn, wire, sequential)
        group = transport.send("GET", f"/Groups/{conn.directory.group_ids['g1']}")
    assert len(bodies) == 1
    assert len(bodies[0]["Operations"][0]["value"]) == 12
    assert group.response is not None
    assert len(group.response.json()["members"]) == 12  # 12 pushed, one added, one removed
