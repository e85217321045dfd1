"""The one error of authentication, apart so that the key loader and the authenticators share it."""

from __future__ import annotations


class AuthError(Exception):
    """Credentials are missing, malformed, or could not be obtained; the message names no secret."""
