"""The traffic mix: which kinds of IdP work a load sends, and in what proportions.

A kind is a unit of work an IdP really does in bulk (issue 10): an import, an assign burst, a
deactivation wave, a group push. Each needs some verbs of the profile; a profile that does not
speak a kind's verbs simply does not send it, and the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mock_idp.profile import Profile

# kind -> (verbs it cannot do without, verbs it uses when the profile has them)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "import": (("import",), ()),
    "assign": (("assign",), ()),
    "deactivate": (("assign", "deactivate"), ("reactivate",)),
    "group": (("assign", "push_group"), ("add_members", "remove_members")),
}
DEFAULT_MIX = "import=1,assign=4,deactivate=2,group=1"


class MixError(ValueError):
    """A `--mix` that names an unknown kind or gives a weight that is not a number."""


@dataclass(frozen=True, slots=True)
class Mix:
    weights: Mapping[str, float]

    @classmethod
    def parse(cls, text: str) -> Mix:
        """`assign=4,import=1`: kinds left out get weight 0; at least one weight is positive."""
        weights = dict.fromkeys(KINDS, 0.0)
        for part in (p.strip() for p in text.split(",") if p.strip()):
            kind, _, value = part.partition("=")
            kind = kind.strip()
            if kind not in KINDS:
                raise MixError(f"unknown traffic kind {kind!r}; kinds: {', '.join(KINDS)}")
            try:
                weights[kind] = float(value)
            except ValueError:
                raise MixError(f"--mix {kind}={value!r}: the weight must be a number") from None
            if weights[kind] < 0:
                raise MixError(f"--mix {kind}: the weight must not be negative")
        if not any(weights.values()):
            raise MixError(f"--mix gives no kind a positive weight; kinds: {', '.join(KINDS)}")
        return cls(weights)

    def text(self) -> str:
        return ",".join(f"{kind}={weight:g}" for kind, weight in self.weights.items() if weight)

    def for_profile(self, profile: Profile) -> dict[str, float]:
        """The kinds this profile can send, with their weights (possibly none at all)."""
        return {
            kind: weight
            for kind, weight in self.weights.items()
            if weight > 0 and all(verb in profile.verbs for verb in KINDS[kind][0])
        }

    def not_sent(self, profiles: Sequence[Profile]) -> dict[str, list[str]]:
        """profile id -> kinds of the mix it cannot send: what the load did not verify."""
        missing: dict[str, list[str]] = {}
        for profile in profiles:
            chosen = self.for_profile(profile)
            lacking = [k for k, w in self.weights.items() if w > 0 and k not in chosen]
            if lacking:
                missing[profile.id] = lacking
        return missing
