"""How verbs become requests: small named strategies that profiles choose and parameterise.

A strategy sends what the IdP would send and returns the exchange a scenario judges (the last
meaningful one). It reads answers only to decide its next request, as an IdP does. How a request
goes on the wire (Entra's query, Okta's headers and retries) is the profile family's `Dialect`,
so a strategy written once serves every family.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from registry import Registry

from .directory import Directory, Person
from .options import Option
from .profile_model import Profile, ProfileError
from .wire import Sent, Wire

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DEFAULT_TIMEOUT = 30.0  # seconds, the harness's own default per request


class Send(Protocol):
    def __call__(
        self,
        call: VerbCall,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Sent: ...


def plain_send(
    call: VerbCall,
    method: str,
    path: str,
    *,
    params: Mapping[str, str] | None = None,
    json_body: Any = None,
) -> Sent:
    """A request as the RFC writes it: the profile's headers, the parameters as given."""
    return call.wire.send(
        method, path, headers=call.profile.headers, json_body=json_body, params=params
    )


def _nothing(call: VerbCall) -> None:
    """Most families do nothing as a verb begins."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one IdP family puts every request on the wire, and what it does as a verb begins."""

    send: Send = plain_send
    begin: Callable[[VerbCall], None] = _nothing


PLAIN = Dialect()
# By profile family; a family without one speaks `PLAIN`.
DIALECTS: Registry[Dialect] = Registry("dialect")


@dataclass(frozen=True, slots=True)
class VerbCall:
    wire: Wire
    directory: Directory
    profile: Profile
    options: Mapping[str, Any]
    args: Mapping[str, Any]
    dialect: Dialect = PLAIN
    # The run's per-request timeout (`--timeout`): it also caps what one request may spend
    # waiting out an IdP's retries.
    timeout: float = DEFAULT_TIMEOUT

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> Sent:
        return self.dialect.send(self, method, path, params=params, json_body=json_body)

    def option(self, name: str, default: Any = None) -> Any:
        """A step argument wins over the verb's option, which wins over the profile's option."""
        if name in self.args:
            return self.args[name]
        if name in self.options:
            return self.options[name]
        return self.profile.options.get(name, default)

    def person(self) -> Person:
        return self.directory.person(str(self.args["user"]))

    def user_id(self) -> str:
        return self.directory.scim_id(str(self.args["user"]))

    def group_id(self) -> str:
        return self.directory.group_ids[str(self.args["group"])]


Strategy = Callable[[VerbCall], Sent]


@dataclass(frozen=True, slots=True)
class Registered:
    run: Strategy
    options: Mapping[str, Option]  # what profiles may set for it, checked when they load


# Filled as the dialect modules are imported (`dialects.load()`, which loading profiles does).
STRATEGIES: Registry[Registered] = Registry("strategy")


def strategy(name: str, *options: Option) -> Callable[[Strategy], Strategy]:
    """Register a strategy under `name`, with the options it reads from profiles."""

    def register(function: Strategy) -> Strategy:
        STRATEGIES.add(name, Registered(function, {option.name: option for option in options}))
        return function

    return register


def run_verb(
    wire: Wire,
    directory: Directory,
    profile: Profile,
    verb: str,
    args: Mapping[str, Any],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Sent:
    options = profile.verb(verb)
    name = str(options["strategy"])
    if name not in STRATEGIES:  # loaded profiles are checked; this is one built by hand
        raise ProfileError(f"profile {profile.id!r}: unknown strategy {name!r} for {verb!r}")
    dialect = DIALECTS.get(profile.family) if profile.family in DIALECTS else PLAIN
    call = VerbCall(wire, directory, profile, options, args, dialect, timeout)
    dialect.begin(call)
    return STRATEGIES.get(name).run(call)


def user_body(person: Person, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "userName": person.user_name,
        "externalId": person.idp_id,
        "name": {"givenName": person.given_name, "familyName": person.family_name},
        "displayName": person.display_name,
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra or {})
    return body
