"""IdP work in bulk, in each IdP's own dialect: every request goes through `mock_idp.run_verb`.

This module knows nothing of Locust: it drives any `Wire`, so the flows are tested without a
load, and the Locust users in `locustfile.py` only add pacing and statistics around them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mock_idp.directory import Directory
from mock_idp.profile import Profile
from mock_idp.strategies import run_verb
from mock_idp.wire import Wire

BURST = 3  # people per assign burst, per deactivation wave, per group push


class Wires(Protocol):
    """A wire labelled with the verb it carries; `racing` tolerates losing a create race (409)."""

    def __call__(self, verb: str, *, racing: bool = False) -> Wire: ...


Parallel = Callable[[Sequence[Callable[[], object]]], None]


def sequential(calls: Sequence[Callable[[], object]]) -> None:
    for call in calls:
        call()


@dataclass
class Connection:
    """One simulated IdP connection: its own people, and what it believes their state is."""

    profile: Profile
    directory: Directory
    rng: random.Random
    active: list[str] = field(default_factory=list)
    inactive: list[str] = field(default_factory=list)
    groups: int = 0
    people: int = 0
    group_size: int = BURST - 1  # members a group push sends at once

    def new_person(self) -> str:
        self.people += 1
        alias = f"p{self.people}"
        self.directory.person(alias)  # created before any race, so both racers share it
        return alias

    def speaks(self, verb: str) -> bool:
        return verb in self.profile.verbs

    def verb(self, wires: Wires, verb: str, args: Mapping[str, Any], racing: bool = False) -> None:
        run_verb(wires(verb, racing=racing), self.directory, self.profile, verb, args)

    def known(self, alias: str) -> bool:
        return alias in self.directory.scim_ids


def import_users(conn: Connection, wires: Wires, parallel: Parallel) -> None:
    """The first cycle: page through every user the target has (Okta, Entra account discovery)."""
    conn.verb(wires, "import", {})


def assign_burst(conn: Connection, wires: Wires, parallel: Parallel) -> None:
    """New assignments, one of them sent twice at once, and one re-assignment of a known person.

    The double send is an IdP retrying an assign whose answer it lost, a timeout away: both
    look the person up, find nobody, and POST; a server must create one user and answer the
    other 409. The re-assignment is an incremental cycle: the lookup finds the user and links.
    """
    fresh = [conn.new_person() for _ in range(BURST)]
    raced = fresh[0]
    parallel([lambda: conn.verb(wires, "assign", {"user": raced}, racing=True)] * 2)
    for alias in fresh[1:]:
        conn.verb(wires, "assign", {"user": alias})
    if conn.active:
        conn.verb(wires, "assign", {"user": conn.rng.choice(conn.active)})
    conn.active.extend(alias for alias in fresh if conn.known(alias))


def deactivation_wave(conn: Connection, wires: Wires, parallel: Parallel) -> None:
    """Reactivate the previous wave (when the IdP can), then deactivate the oldest members."""
    if not conn.active:
        assign_burst(conn, wires, parallel)
    if conn.speaks("reactivate"):
        back, conn.inactive = conn.inactive[:BURST], conn.inactive[BURST:]
        for alias in back:
            conn.verb(wires, "reactivate", {"user": alias})
        conn.active.extend(back)
    leaving, conn.active = conn.active[:BURST], conn.active[BURST:]
    for alias in leaving:
        conn.verb(wires, "deactivate", {"user": alias})
    conn.inactive.extend(leaving)


def group_push(conn: Connection, wires: Wires, parallel: Parallel) -> None:
    """A new group pushed with `group_size` members at once, then one added and one removed.

    Members must be provisioned users first (Okta pushes only assigned, provisioned people), so
    a connection short of them assigns more, a burst at a time, within the same pacing."""
    wanted = conn.group_size + 1
    for _ in range(-(-wanted // BURST) + 1):  # bounded: assigns a failing server refuses
        if len(conn.active) >= wanted:
            break
        assign_burst(conn, wires, parallel)
    members = conn.rng.sample(conn.active, min(wanted, len(conn.active)))
    conn.groups += 1
    group = f"g{conn.groups}"
    conn.verb(wires, "push_group", {"group": group, "members": members[:-1]})
    if group not in conn.directory.group_ids or len(members) < 2:
        return  # not created, or nobody to move: what failed is already in the statistics
    if conn.speaks("add_members"):
        conn.verb(wires, "add_members", {"group": group, "members": members[-1:]})
    if conn.speaks("remove_members"):
        conn.verb(wires, "remove_members", {"group": group, "members": members[:1]})


FLOWS: dict[str, Callable[[Connection, Wires, Parallel], None]] = {
    "import": import_users,
    "assign": assign_burst,
    "deactivate": deactivation_wave,
    "group": group_push,
}
