"""Where a recording's SCIM API was: its base URL, and each request's path relative to it.

A recording holds full URLs (the upstream's, a proxy's, a browser's); a replay sends the same
requests under another base URL. The recorded base is the prefix before the first path segment
that names a SCIM endpoint (RFC 7644 3.2 and 4: Users, Groups, Me, Bulk, .search and the three
discovery endpoints), taken from the URL most requests agree on (docs/replay.md#the-recorded-base).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from harness.capture.endpoints import RESOURCES, SEARCH

ENDPOINTS = frozenset({*RESOURCES, SEARCH})


@dataclass(frozen=True, slots=True)
class Base:
    """A SCIM base: host (with port) and path prefix, without a trailing slash."""

    netloc: str
    path: str

    def __str__(self) -> str:
        return f"{self.netloc}{self.path}"

    def relative(self, url: str) -> str | None:
        """`/Users/x?filter=...` for a URL under this base (query kept as recorded), else None."""
        parts = urlsplit(url)
        if parts.netloc.lower() != self.netloc.lower():
            return None
        path = parts.path
        if path != self.path and not path.startswith(self.path + "/"):
            return None
        rest = path[len(self.path) :] or "/"
        return f"{rest}?{parts.query}" if parts.query else rest


def endpoint(relative: str) -> str:
    """The endpoint a relative path names (`Users`, `.search`), or "" for the base itself."""
    first = relative.partition("?")[0].strip("/").split("/", 1)[0]
    return first if first in ENDPOINTS else ""


def candidate(url: str) -> Base | None:
    """The base a URL shows: the path up to its first SCIM endpoint segment."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index, segment in enumerate(segments):
        if segment in ENDPOINTS:
            return Base(parts.netloc, "/".join(segments[:index]).rstrip("/"))
    return None


def recorded_base(urls: Iterable[str]) -> Base | None:
    """The base most URLs show (the first seen among equals); None when none names an endpoint."""
    found = Counter(base for url in urls if (base := candidate(url)) is not None)
    return found.most_common(1)[0][0] if found else None
