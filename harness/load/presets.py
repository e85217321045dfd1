"""Named loads for what IdPs publish (or what their traffic is known to be), one flag each.

A preset only fills in what the command line leaves out: `--preset entra-gallery --rate 50`
keeps the preset's profiles and mix at twice the rate. Each names its public source; where a
figure is our own choice rather than the IdP's word, its `basis` says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ENTRA_SCIM = (
    "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/"
    "use-scim-to-provision-users-and-groups"
)
ENTRA_CYCLES = (
    "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"
)
OKTA_SCIM = "https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20"


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    summary: str
    basis: str  # where each figure comes from
    sources: tuple[str, ...]
    values: Mapping[str, object] = field(default_factory=dict)  # option dest -> value


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "entra-gallery",
            "Entra's gallery floor: 25 requests/s per tenant, every Entra dialect, 60 s",
            "Microsoft's SCIM guide requires a gallery app to support at least 25 requests per "
            "second per tenant; the mix is scimcert's default IdP work",
            (ENTRA_SCIM,),
            {"idp": "entra", "rate": 25.0, "duration": 60},
        ),
        Preset(
            "initial-sync",
            "A first provisioning cycle: lookups and creates of everyone in scope, 50 requests/s",
            "Entra's initial cycle (and Okta's first import) looks every in-scope user up and "
            "creates the missing ones before incremental cycles begin; the rate, twice Entra's "
            "floor for 120 s, is our choice for a burst, not a published figure",
            (ENTRA_CYCLES, OKTA_SCIM),
            {"idp": "all", "rate": 50.0, "duration": 120, "mix": "import=1,assign=8"},
        ),
        Preset(
            "okta-group-push",
            "Okta Group Push: groups pushed with 256 members in one PATCH, 25 requests/s",
            "Okta pushes a group's members in PATCH requests (PUT for AIW apps) once they are "
            "provisioned users; 256 members in one request is the largest push this preset "
            "sends, a figure Okta's reference does not state (treat it as our assumption); two "
            "connections, so each provisions its 257 people within the first minute",
            (OKTA_SCIM,),
            {
                "idp": "okta",
                "rate": 25.0,
                "duration": 120,
                "mix": "group=1",
                "users": 2,
                "group_size": 256,
            },
        ),
    )
}


def describe() -> str:
    return "; ".join(f"{p.name} ({p.summary})" for p in PRESETS.values())
