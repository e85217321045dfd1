"""The IdP's own people: seeded Faker profiles, named by alias in scenarios ("alice").

Every name carries the run prefix, so runs against a shared server never collide and a sweep can
find what a run left behind.
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass, field

from faker import Faker

_THREAD = threading.local()


def _faker(draws: random.Random) -> Faker:
    """The thread's Faker, drawing from `draws`: building a Faker for every item cost the run
    more than all its draws (benchmarks/RESULTS.md), and a Random of its own per directory keeps
    each item's people the same whatever ran before it."""
    faker: Faker | None = getattr(_THREAD, "faker", None)
    if faker is None:
        faker = _THREAD.faker = Faker("en_US")
    for generator in faker.factories:  # one, for one locale
        generator.random = draws
    return faker


def item_seed(seed: int, scenario_id: str, profile: str) -> int:
    """A stable per-item seed: `hash()` of a str is salted per process, sha256 is not."""
    digest = hashlib.sha256(f"{seed}:{scenario_id}:{profile}".encode()).hexdigest()
    return int(digest[:16], 16)


@dataclass(frozen=True, slots=True)
class Person:
    alias: str
    user_name: str
    given_name: str
    family_name: str
    email: str
    idp_id: str
    title: str

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class Directory:
    """People and groups of one item, plus the SCIM ids the target gave them."""

    run_prefix: str
    seed: int
    people: dict[str, Person] = field(default_factory=dict)
    scim_ids: dict[str, str] = field(default_factory=dict)
    group_ids: dict[str, str] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)
    # What the IdP itself reports of its last verbs (an import report...), by verb name.
    facts: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # What Faker.seed_instance(seed) draws from: reproducible test data, not secrets.
        self._draws = random.Random(self.seed)  # noqa: S311

    def person(self, alias: str) -> Person:
        if alias not in self.people:
            self.people[alias] = self._new_person(alias)
        return self.people[alias]

    def _new_person(self, alias: str) -> Person:
        faker = _faker(self._draws)
        given, family = faker.first_name(), faker.last_name()
        # Mixed case on purpose: servers must preserve it (okta.md 8.5).
        user_name = f"{self.run_prefix}-{alias}.{family}@example.test"
        idp_id = "00u" + faker.bothify("?#?#?#?#?#?#?#?#?").lower()
        return Person(alias, user_name, given, family, user_name, idp_id, faker.job()[:60])

    def group_name(self, alias: str) -> str:
        if alias not in self.group_names:
            self.group_names[alias] = f"{self.run_prefix}-{alias}"
        return self.group_names[alias]

    def scim_id(self, alias: str) -> str:
        if alias not in self.scim_ids:
            raise KeyError(f"{alias!r} has no SCIM id yet: assign them first")
        return self.scim_ids[alias]

    def variables(self) -> dict[str, object]:
        """What scenarios may interpolate: `${user.alice.userName}`, `${user.alice.id}`..."""
        users = {
            alias: {
                "userName": person.user_name,
                "givenName": person.given_name,
                "familyName": person.family_name,
                "email": person.email,
                "externalId": person.idp_id,
                "displayName": person.display_name,
                "id": self.scim_ids.get(alias, ""),
            }
            for alias, person in self.people.items()
        }
        groups = {
            alias: {"displayName": name, "id": self.group_ids.get(alias, "")}
            for alias, name in self.group_names.items()
        }
        return {
            "user": users,
            "group": groups,
            "run": {"prefix": self.run_prefix},
            "idp": dict(self.facts),
        }
