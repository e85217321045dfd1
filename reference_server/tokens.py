"""Bearer tokens: generated, shown once, stored only as SHA-256 and compared in constant time.

A slow KDF is not needed: tokens are 256-bit random values, not passwords, and the hash is
checked on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_client_id(slug: str) -> str:
    """An OAuth client id (RFC 6749 2.2): unique, shown to the user, not a secret."""
    return f"{slug}-{secrets.token_hex(8)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
