"""The users every server is seeded with: the same documents for every server, by index.

Names are deterministic (`bench.user000042@example.test`), so the load scripts can pick hits
and misses without asking the server; ids are whatever each server gave, and the seeders return
them in index order.
"""

from __future__ import annotations

import random
from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GIVEN = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim")
FAMILY = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson")
SAMPLE_SEED = 8


def user_name(index: int) -> str:
    return f"bench.user{index:06d}@example.test"


def missing_user_name(index: int) -> str:
    """A userName no seeded user has (same shape and length as a real one)."""
    return f"bench.nobody{index:04d}@example.test"


def user_document(index: int) -> dict[str, Any]:
    """A typical IdP-provisioned user: the attributes Okta and Entra send on assignment."""
    given, family = GIVEN[index % len(GIVEN)], FAMILY[index % len(FAMILY)]
    name = user_name(index)
    return {
        "schemas": [USER_SCHEMA],
        "userName": name,
        "externalId": f"00u{index:017d}",
        "name": {"givenName": given, "familyName": family, "formatted": f"{given} {family}"},
        "displayName": f"{given} {family}",
        "emails": [{"value": name, "type": "work", "primary": True}],
        "active": True,
    }


def deactivate_body() -> dict[str, Any]:
    """PATCH deactivate as Entra (aadOptscim062020) and most RFC clients send it."""
    return {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }


def sample_indexes(users: int, size: int, seed: int = SAMPLE_SEED) -> list[int]:
    """A fixed spread of user indexes for the load scripts to cycle through."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    return rng.sample(range(users), min(size, users))
