"""What a loaded IdP profile is, apart from how it is loaded: strategies use it, `profile.py`
loads it (and checks it against the strategies' declared options, so it imports them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ProfileError(Exception):
    """A profile file is broken, or a profile name is unknown."""


@dataclass(frozen=True, slots=True)
class DocumentedDifference:
    """A way the profile differs from a recording of its IdP on purpose (`scimcert idp diff`)."""

    kind: str
    feature: str
    why: str
    ref: str


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    family: str
    title: str
    ref: str
    headers: Mapping[str, str]
    verbs: Mapping[str, Mapping[str, Any]]
    options: Mapping[str, Any]
    documented_differences: tuple[DocumentedDifference, ...] = ()

    def verb(self, name: str) -> Mapping[str, Any]:
        if name not in self.verbs:
            spoken = ", ".join(sorted(self.verbs))
            raise ProfileError(f"profile {self.id!r} does not speak {name!r}; it speaks: {spoken}")
        return self.verbs[name]
