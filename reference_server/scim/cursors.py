"""Cursors of RFC 9865: opaque, bound to the query that issued them, and expiring.

A cursor carries the 1-based index of the page it opens, the `count` of the query and the time
it was issued, sealed with an HMAC over those and the query's shape (resource type, filter and
sort). Nothing is stored: any worker process can read a cursor another one issued, since the key
comes from the team's own record. The encoding is base64url without padding around a `.`, so a
cursor holds only RFC 3986 unreserved characters (RFC 9865 2, Table 1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

from ..storage.teams import Team
from .errors import ScimError, ScimType, bad_request

_PAYLOAD = struct.Struct(">QQQ")  # start index, count, issued at (seconds)
_MAC_BYTES = 16


def _key(team: Team) -> bytes:
    # Derived, never stored: rotating the team's SCIM token retires every cursor it had.
    return hashlib.sha256(
        f"scimcert-cursor\x00{team.id}\x00{team.scim_token_hash}".encode()
    ).digest()


def _mac(key: bytes, shape: str, payload: bytes) -> bytes:
    return hmac.new(key, shape.encode() + b"\x00" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(team: Team, shape: str, *, start_index: int, count: int, now: float) -> str:
    """The cursor of the page from `start_index` of the query `shape`, paged by `count`."""
    payload = _PAYLOAD.pack(start_index, count, int(now))
    return f"{_b64(payload)}.{_b64(_mac(_key(team), shape, payload))}"


def invalid_cursor() -> ScimError:
    return bad_request(
        "The cursor is not one this server issued for this query", ScimType.INVALID_CURSOR
    )


def read(team: Team, shape: str, cursor: str, *, count: int, now: float, timeout: int) -> int:
    """The start index a cursor of the query `shape` points at, or the RFC 9865 2.1 error."""
    payload_text, _, mac_text = cursor.partition(".")
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except ValueError as error:  # binascii.Error is a ValueError
        raise invalid_cursor() from error
    if len(payload) != _PAYLOAD.size or not hmac.compare_digest(
        mac, _mac(_key(team), shape, payload)
    ):
        raise invalid_cursor()
    start_index, issued_count, issued_at = _PAYLOAD.unpack(payload)
    if now - issued_at > timeout:
        raise bad_request(
            f"The cursor has expired: cursors are valid {timeout} seconds between page requests",
            ScimType.EXPIRED_CURSOR,
        )
    if count != issued_count:
        # RFC 9865 2.1: the count must be "identical" to the initial query's.
        raise bad_request(
            f"count must stay {issued_count}, the count of the query's first page",
            ScimType.INVALID_COUNT,
        )
    return int(start_index)
