"""The IdP's own people: seeded Faker profiles, named by alias in scenarios ("alice").

Every name carries the run prefix, so runs against a shared server never collide and a sweep can
find what a run left behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from faker import Faker


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
        self._faker = Faker("en_US")
        self._faker.seed_instance(self.seed)

    def person(self, alias: str) -> Person:
        if alias not in self.people:
            self.people[alias] = self._new_person(alias)
        return self.people[alias]

    def _new_person(self, alias: str) -> Person:
        given, family = self._faker.first_name(), self._faker.last_name()
        # Mixed case on purpose: servers must preserve it (okta.md 8.5).
        user_name = f"{self.run_prefix}-{alias}.{family}@example.test"
        idp_id = "00u" + self._faker.bothify("?#?#?#?#?#?#?#?#?").lower()
        return Person(alias, user_name, given, family, user_name, idp_id, self._faker.job()[:60])

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
