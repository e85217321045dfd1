"""A verb that sends one request per thing the server lists (Okta's Entitlements test pages every
entitlement endpoint) has each answer graded alike, each finding on its own exchange; listing
nothing, the item is SKIPped with the verb's reason, never passed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.checks import load_all
from harness.engine.runner import ItemRun, RunContext
from harness.engine.target import Capabilities, Target
from harness.scenario.model import load_scenario
from harness.transport.auth import no_auth
from harness.transport.client import Transport
from mock_idp.profile import select_profiles
from tests.support.fake_wire import listing
from verdict.events import CheckEvaluated, Event, ExchangeRecorded, ItemFinished
from verdict.outcomes import Outcome

SCENARIO = Path(__file__).resolve().parents[3] / "scenarios/okta/entitlements-test.yaml"
ROLE = "urn:okta:scim:schemas:core:1.0:Role"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
TYPES = [
    {"name": "User", "endpoint": "/Users", "schema": USER},
    {"name": "Role", "endpoint": "/Roles", "schema": ROLE},
    {"name": "License", "endpoint": "/Licenses", "schema": ROLE},
]
GOOD = listing([{"id": "r1", "displayName": "One"}], total=3)
COUNT_IGNORED = listing([{"id": "l1"}, {"id": "l2"}])  # itemsPerPage 2, not the 1 asked for


@contextmanager
def serving(routes: Mapping[str, Any]) -> Iterator[str]:
    """A SCIM base URL whose every path answers 200 with the body `routes` gives it."""

    class _Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path.removeprefix("/scim/v2")
            encoded = json.dumps(routes.get(path, {"detail": "no"})).encode()
            self.send_response(200 if path in routes else 404)
            self.send_header("Content-Type", "application/scim+json")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/scim/v2"
    finally:
        server.shutdown()
        server.server_close()


def run(routes: Mapping[str, Any]) -> list[Event]:
    load_all()
    events: list[Event] = []
    with serving(routes) as url:
        target = Target(Transport(url, no_auth()), None, Capabilities(frozenset()))
        profile = select_profiles("okta-oin")[0]
        context = RunContext(run_id="several01", seed=1)
        ItemRun(load_scenario(SCENARIO), profile, target, context, events.append).execute()
    return events


def test_each_page_is_graded_and_a_bad_one_fails_on_its_own_exchange() -> None:
    routes = {"/ResourceTypes": listing(TYPES), "/Roles": GOOD, "/Licenses": COUNT_IGNORED}
    events = run(routes)
    sent = {
        e.sequence: e.exchange["request"]["url"] for e in events if isinstance(e, ExchangeRecorded)
    }
    graded = [
        e
        for e in events
        if isinstance(e, CheckEvaluated) and e.check == "okta-entitlements-endpoint"
    ]
    assert [(urlsplit(sent[e.sequence]).path, e.passed) for e in graded] == [
        ("/scim/v2/Roles", True),
        ("/scim/v2/Licenses", False),
    ]
    assert "/itemsPerPage" in graded[1].findings[0]["message"]
    (finished,) = [e for e in events if isinstance(e, ItemFinished)]
    assert finished.outcome is Outcome.FAIL
    assert finished.failed_checks == ("okta-entitlements-endpoint",)


def test_every_good_page_passes() -> None:
    events = run({"/ResourceTypes": listing(TYPES), "/Roles": GOOD, "/Licenses": GOOD})
    (finished,) = [e for e in events if isinstance(e, ItemFinished)]
    assert finished.outcome is Outcome.PASS, finished
    graded = [
        e
        for e in events
        if isinstance(e, CheckEvaluated) and e.check == "okta-entitlements-endpoint"
    ]
    assert len(graded) == 2


def test_no_entitlement_endpoint_skips_the_item_saying_why() -> None:
    events = run({"/ResourceTypes": listing(TYPES[:1])})
    (finished,) = [e for e in events if isinstance(e, ItemFinished)]
    assert finished.outcome is Outcome.SKIP
    assert finished.reason.startswith("not verified: GET /ResourceTypes (status 200) lists no")
    assert not [e for e in events if isinstance(e, CheckEvaluated) and not e.passed]
