"""The IdP's own people: seeded Faker profiles, named by alias in scenarios ("alice").

Every name carries the run prefix, so runs against a shared server never collide and a sweep can
find what a run left behind. People look like a real directory's: names from several locales,
accents included (José, Müller, Łukasz), and a login on a deliverable-looking domain that email
validators accept (a special-use one such as .test is refused by pydantic's EmailStr); the login
is the name spelled in ASCII, as corporate directories make logins.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

_THREAD = threading.local()
_BUILDING = threading.Lock()  # Faker's first load of a locale's providers is not thread-safe

# Locales a multinational's directory holds, weighted towards en_US; all in Latin script, so a
# login can be spelled in ASCII from the name.
LOCALES = ("en_US", "en_US", "en_US", "de_DE", "fr_FR", "es_ES", "sv_SE", "pl_PL", "pt_BR")
# Documentation domains (RFC 2606) that look deliverable and that email-validator accepts.
DOMAINS = ("example.com", "example.org", "example.net")
# Letters that NFKD does not take apart into an ASCII letter and accents.
_SPELLED = str.maketrans({"ß": "ss", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "Ae", "æ": "ae"})
_NOT_LOGIN = re.compile(r"[^A-Za-z0-9-]")


def _faker(draws: random.Random, locale: str) -> Faker:
    """The thread's Faker for `locale`, drawing from `draws`: building a Faker for every item cost
    the run more than all its draws (benchmarks/RESULTS.md), and a Random of its own per directory
    keeps each item's people the same whatever ran before it."""
    fakers: dict[str, Faker] = getattr(_THREAD, "fakers", None) or {}
    _THREAD.fakers = fakers
    faker = fakers.get(locale)
    if faker is None:
        with _BUILDING:
            faker = fakers[locale] = Faker(locale)
    for generator in faker.factories:  # one, for one locale
        generator.random = draws
    return faker


def ascii_login(name: str) -> str:
    """`García López` -> `GarciaLopez`: case kept (servers must preserve it,
    docs/idp/okta.md#spec-test-6)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_SPELLED))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_LOGIN.sub("", letters) or "x"


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
        self.domain = self._draws.choice(DOMAINS)  # one organisation, one domain

    def person(self, alias: str) -> Person:
        if alias not in self.people:
            self.people[alias] = self._new_person(alias)
        return self.people[alias]

    def _new_person(self, alias: str) -> Person:
        faker = _faker(self._draws, self._draws.choice(LOCALES))
        given, family = faker.first_name(), faker.last_name()
        # Mixed case on purpose: servers must preserve it (docs/idp/okta.md#spec-test-6).
        user_name = f"{self.run_prefix}-{alias}.{ascii_login(family)}@{self.domain}"
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
