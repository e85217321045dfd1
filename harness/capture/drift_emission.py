"""What a profile sends: its real strategies driven through one provisioning lifecycle against a
live SCIM server, every request kept in wire order.

The lifecycle covers the verbs a recording can hold (connect, assign, read, update, set and remove
a manager, assign a role, deactivate and reactivate, import, push a group and change its members,
rename and delete it, unassign); a verb
the profile does not speak is skipped, since that absence is itself what a diff shows. The server
only has to answer as a SCIM server does: the IdP reads its answers to choose the next request
(link or create, the ids it uses), so a fresh reference server on loopback serves best.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from harness.transport.auth import Auth
from harness.transport.client import Transport
from harness.transport.exchange import Exchange
from harness.transport.recording import RecordingTransport
from mock_idp.directory import Directory
from mock_idp.profile_model import Profile, ProfileError
from mock_idp.strategies import run_verb

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# An update touching each path form a PATCH can take: a plain attribute, a valuePath filter, a
# full URN; and an `add` of an attribute the user lacked (Microsoft's known-issues examples).
PATCH_UPDATE = {
    "with": {
        "name.familyName": "Driftwood",
        'emails[type eq "work"].value': "drift.updated@example.com",
        f"{ENTERPRISE}:employeeNumber": "4242",
    },
    "add": {"nickName": "Drifty"},
}
# Strategies that GET the user and PUT its whole document back: the change is to the document,
# so only a plain attribute path means anything to them.
WHOLE_DOCUMENT_UPDATES = frozenset({"okta-get-put"})
DOCUMENT_UPDATE = {"with": {"name.familyName": "Driftwood"}}


def _steps(profile: Profile) -> list[tuple[str, dict[str, Any]]]:
    update_strategy = str(profile.verbs.get("update", {}).get("strategy", ""))
    update = DOCUMENT_UPDATE if update_strategy in WHOLE_DOCUMENT_UPDATES else PATCH_UPDATE
    return [
        ("test_credentials", {}),
        ("probe_connection", {}),
        ("assign", {"user": "alice"}),
        ("assign", {"user": "bob"}),
        ("get_user", {"user": "alice"}),
        ("update", {"user": "alice", **update}),
        ("set_manager", {"user": "alice", "manager": "bob"}),
        ("change_manager", {"user": "alice", "manager": "bob"}),
        ("remove_manager", {"user": "alice"}),
        ("assign_role", {"user": "alice", "role": "Designer"}),
        ("deactivate", {"user": "alice"}),
        ("reactivate", {"user": "alice"}),
        ("import", {}),
        ("import_groups", {}),
        ("push_group", {"group": "team", "members": ["alice"]}),
        ("get_group", {"group": "team"}),
        ("add_members", {"group": "team", "members": ["bob"]}),
        ("remove_members", {"group": "team", "members": ["bob"]}),
        ("update_members", {"group": "team", "add": ["bob"], "remove": ["alice"]}),
        ("push_now", {"group": "team", "members": ["alice", "bob"]}),
        ("rename_group", {"group": "team", "to": "renamed"}),
        ("update_group", {"group": "team", "with": {"displayName": "drift-team-renamed"}}),
        ("delete_group", {"group": "team"}),
        ("unassign", {"user": "bob"}),
    ]


@dataclass(frozen=True, slots=True)
class Emission:
    exchanges: tuple[tuple[str, Exchange], ...]  # (the verb that sent it, the exchange)
    skipped: tuple[str, ...]  # verbs of the lifecycle the profile does not speak
    failed: tuple[str, ...] = ()  # verbs that could not be sent (an id an earlier step never got)


def emit(profile: Profile, url: str, auth: Auth, *, seed: int = 0) -> Emission:
    """Drive `profile` through the lifecycle against the SCIM server at `url`."""
    directory = Directory(run_prefix=f"drift-{uuid.uuid4().hex[:8]}", seed=seed)
    kept: list[tuple[str, Exchange]] = []
    skipped: list[str] = []
    failed: list[str] = []
    sent: list[Exchange] = []
    with Transport(url, auth) as transport:
        wire = RecordingTransport(transport, lambda exchange, _judged: sent.append(exchange))
        for verb, args in _steps(profile):
            if verb not in profile.verbs:
                skipped.append(verb)
                continue
            before = len(sent)
            try:
                run_verb(wire, directory, profile, verb, args)
            except (KeyError, ProfileError) as error:
                failed.append(f"{verb}: {error}")
            kept += [(verb, exchange) for exchange in sent[before:]]
    return Emission(tuple(kept), tuple(dict.fromkeys(skipped)), tuple(failed))
