"""Dialect drift: the request shapes of a recording set against what a profile sends, kind by kind.

For every kind of request the recording holds, each feature's values (`shapes.py`) must be ones the
profile also sends for that kind: a recorded value the profile never sends is a difference (the
profile cannot speak what the IdP was seen or documented to send), and so is a recorded kind the
profile never sends at all. What the profile sends beyond the recording is reported, never a
difference: a recording is one slice of an IdP's traffic, the profile covers all of it. A
difference the profile explains (`documented_differences`, with a public source) is shown as
explained and does not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.capture.shapes import DESCRIPTIVE, INFORMATIONAL, Shape, by_kind

WHOLE_KIND = "kind"  # the feature of a difference that is a kind one side never sends


@dataclass(frozen=True, slots=True)
class Explanation:
    """A difference a profile declares on purpose (mock_idp/profile.schema.json)."""

    kind: str
    feature: str
    why: str
    ref: str

    def covers(self, kind: str, feature: str) -> bool:
        return self.kind == kind and self.feature in (feature, "*")


@dataclass(frozen=True, slots=True)
class Difference:
    kind: str
    feature: str  # WHOLE_KIND, or a feature name of shapes.py
    recorded: tuple[str, ...]  # the recording's values the profile does not send
    sent: tuple[str, ...]  # what the profile sends for the feature instead
    recording_example: Shape | None
    profile_example: Shape | None
    explanation: Explanation | None = None
    informational: bool = False  # reported, never counted: an informational feature, or extra
    extra: bool = False  # the profile sends more than the recording shows (always informational)

    @property
    def undocumented(self) -> bool:
        return self.explanation is None and not self.informational


@dataclass(frozen=True, slots=True)
class Drift:
    differences: tuple[Difference, ...]
    recording_kinds: tuple[str, ...]
    profile_only_kinds: tuple[Shape, ...]  # a first example of each kind only the profile sends

    @property
    def undocumented(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.undocumented)

    @property
    def explained(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.explanation is not None)


def _values(shapes: Iterable[Shape], feature: str) -> set[str]:
    return {value for shape in shapes for value in shape.features.get(feature, ())}


def _showing(shapes: Sequence[Shape], feature: str, values: set[str]) -> Shape | None:
    """The first shape whose feature holds one of `values`, else the first that has the feature,
    else the first shape: the example shown beside a difference."""
    with_value = (s for s in shapes if values & set(s.features.get(feature, ())))
    with_feature = (s for s in shapes if feature in s.features)
    return next(with_value, None) or next(with_feature, None) or next(iter(shapes), None)


def _explain(explanations: Sequence[Explanation], kind: str, feature: str) -> Explanation | None:
    return next((e for e in explanations if e.covers(kind, feature)), None)


def _compare_kind(
    kind: str, recorded: Sequence[Shape], sent: Sequence[Shape], explanations: Sequence[Explanation]
) -> list[Difference]:
    differences = []
    features = sorted({name for shape in recorded for name in shape.features} - DESCRIPTIVE)
    for feature in features:
        ours, theirs = _values(recorded, feature), _values(sent, feature)
        missing, extra = ours - theirs, theirs - ours
        informational = feature in INFORMATIONAL
        if missing:
            differences.append(
                Difference(
                    kind=kind,
                    feature=feature,
                    recorded=tuple(sorted(missing)),
                    sent=tuple(sorted(theirs)),
                    recording_example=_showing(recorded, feature, missing),
                    profile_example=_showing(sent, feature, theirs),
                    explanation=None if informational else _explain(explanations, kind, feature),
                    informational=informational,
                )
            )
        elif extra and not informational:
            differences.append(
                Difference(
                    kind=kind,
                    feature=feature,
                    recorded=tuple(sorted(ours)),
                    sent=tuple(sorted(extra)),
                    recording_example=_showing(recorded, feature, ours),
                    profile_example=_showing(sent, feature, extra),
                    informational=True,
                    extra=True,
                )
            )
    return differences


def compare(
    recorded: Sequence[Shape], sent: Sequence[Shape], explanations: Sequence[Explanation] = ()
) -> Drift:
    ours, theirs = by_kind(recorded), by_kind(sent)
    differences: list[Difference] = []
    for kind, shapes in ours.items():
        if kind not in theirs:
            differences.append(
                Difference(
                    kind=kind,
                    feature=WHOLE_KIND,
                    recorded=(kind,),
                    sent=(),
                    recording_example=shapes[0],
                    profile_example=None,
                    explanation=_explain(explanations, kind, WHOLE_KIND),
                )
            )
            continue
        differences += _compare_kind(kind, shapes, theirs[kind], explanations)
    only_sent = tuple(shapes[0] for kind, shapes in theirs.items() if kind not in ours)
    return Drift(tuple(differences), tuple(ours), only_sent)
