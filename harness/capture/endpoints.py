"""The SCIM endpoints of RFC 7644 3.2, as path segments: how a recorded URL is read as SCIM."""

from __future__ import annotations

RESOURCES = ("Users", "Groups", "Schemas", "ServiceProviderConfig", "ResourceTypes", "Bulk", "Me")
SEARCH = ".search"  # RFC 7644 3.4.3, after a resource endpoint or at the root
# Their `id`s are fixed names (a schema URN, "User"), not ids the server assigns.
DISCOVERY = frozenset({"Schemas", "ResourceTypes", "ServiceProviderConfig"})
