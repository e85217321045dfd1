"""One `idp diff`: a recording's shapes against those a profile sends to a live SCIM server."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from harness.capture.drift import Drift, Explanation, compare
from harness.capture.drift_emission import Emission, emit
from harness.capture.drift_report import Subject
from harness.capture.recording import Recording
from harness.capture.shapes import Shape, shape_of, shapes_of
from harness.transport.auth import Auth
from mock_idp.profile_model import Profile


def documented(name: str) -> Path | None:
    """A vendor-documented recording shipped with scimcert (`mock_idp/documented/`), by its file
    name, so an installed scimcert can diff them without a source checkout."""
    folder = resources.files("mock_idp").joinpath("documented")
    found = folder.joinpath(name)
    return Path(str(found)) if name.endswith(".jsonl") and found.is_file() else None


@dataclass(frozen=True, slots=True)
class DiffResult:
    subject: Subject
    drift: Drift
    emission: Emission


def explanations(profile: Profile) -> tuple[Explanation, ...]:
    return tuple(
        Explanation(kind=d.kind, feature=d.feature, why=d.why, ref=d.ref)
        for d in profile.documented_differences
    )


def profile_shapes(emission: Emission) -> list[Shape]:
    return [shape_of(exchange.request, verb) for verb, exchange in emission.exchanges]


def diff(recording: Recording, name: str, profile: Profile, url: str, auth: Auth) -> DiffResult:
    """`url`, `auth`: the SCIM server the profile is driven against (a fresh reference server)."""
    emission = emit(profile, url, auth)
    drift = compare(shapes_of(recording), profile_shapes(emission), explanations(profile))
    subject = Subject(
        recording=name,
        source=recording.header.source,
        origin=recording.header.origin,
        profile=profile.id,
        title=profile.title,
    )
    return DiffResult(subject, drift, emission)
