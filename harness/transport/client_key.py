"""The private key a run signs JWT client assertions with (RFC 7523 2.2, docs/oauth.md).

The user gives it in `SCIM_CLIENT_KEY`: the path of a PEM file (PKCS#8 or the traditional form),
or the PEM text itself; an RSA key signs RS256, a P-256 key ES256. `SCIM_CLIENT_KEY_ID` names the
`kid` the server registered it under (left out otherwise). The key's text is a secret: the run's
redactor scrubs it, and every assertion made with it, wherever they show up.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

from harness.transport.auth_error import AuthError

CLIENT_KEY_ENV = "SCIM_CLIENT_KEY"
CLIENT_KEY_ID_ENV = "SCIM_CLIENT_KEY_ID"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LIFETIME_S = 120  # short: RFC 7523 3 lets a server refuse an exp "unreasonably far in the future"
EXPIRED_S = 3600  # the `expired` variant's exp: an hour ago, beyond any clock skew
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
# What a step may ask for (`assertion:`): a well-formed assertion, or one that breaks one rule.
VARIANTS = ("valid", "expired", "wrong-aud", "forged")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_segment(document: Mapping[str, Any]) -> str:
    return _b64url(json.dumps(document, separators=(",", ":")).encode())


def load_private_key(pem: str) -> PrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise ValueError(f"{CLIENT_KEY_ENV}: the key must be RSA or EC P-256")


def _sign(key: PrivateKey, signed: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(signed, padding.PKCS1v15(), SHA256())
    # RFC 7518 3.4: ES256 sends R and S as two 32-byte integers, not DER.
    r, s = decode_dss_signature(key.sign(signed, ec.ECDSA(SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def signed_jwt(key: PrivateKey, header: Mapping[str, Any], claims: Mapping[str, Any]) -> str:
    """A JWS compact serialization (RFC 7515 3.1) of `claims`, signed with `key`."""
    signed = f"{_json_segment(header)}.{_json_segment(claims)}"
    return f"{signed}.{_b64url(_sign(key, signed.encode('ascii')))}"


def _twin(key: PrivateKey) -> PrivateKey:
    """A fresh key of the same kind: what signs a forged assertion."""
    if isinstance(key, rsa.RSAPrivateKey):
        return rsa.generate_private_key(public_exponent=65537, key_size=key.key_size)
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class ClientKey:
    """The run's signing key; `pem` is the text it was read from, kept to be scrubbed."""

    key: PrivateKey = field(repr=False)
    pem: str = field(repr=False)
    kid: str | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """The key's PEM lines, for the redactor (the header and footer lines are no secret)."""
        lines = (line.strip() for line in self.pem.splitlines())
        return tuple(line for line in lines if line and not line.startswith("-----"))

    @property
    def alg(self) -> str:
        return "RS256" if isinstance(self.key, rsa.RSAPrivateKey) else "ES256"

    def assertion(self, client_id: str, audience: str, variant: str = "valid") -> str:
        """A JWT of RFC 7523 3 for `client_id` at `audience` (the token endpoint URL), or the
        `variant` that breaks one of its rules."""
        if variant not in VARIANTS:
            raise ValueError(f"assertion must be one of {', '.join(VARIANTS)}")
        now = int(time.time())
        exp = now - EXPIRED_S if variant == "expired" else now + LIFETIME_S
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": audience + "/elsewhere" if variant == "wrong-aud" else audience,
            "iat": now - EXPIRED_S - 60 if variant == "expired" else now,
            "exp": exp,
            "jti": secrets.token_urlsafe(16),
        }
        signer = _twin(self.key) if variant == "forged" else self.key
        return signed_jwt(signer, self.header(), claims)

    def header(self) -> dict[str, str]:
        return {"alg": self.alg, "typ": "JWT"} | ({"kid": self.kid} if self.kid else {})


def client_key(env: Mapping[str, str]) -> ClientKey | None:
    """The key `SCIM_CLIENT_KEY` gives (a PEM file's path or PEM text); None without one."""
    given = env.get(CLIENT_KEY_ENV, "").strip()
    if not given:
        return None
    try:
        pem = given if given.startswith("-----BEGIN") else Path(given).read_text(encoding="ascii")
        key = load_private_key(pem)
    except (OSError, ValueError, TypeError, UnicodeDecodeError):
        # The message names the variable, never its value: it may be the key itself.
        raise AuthError(
            f"{CLIENT_KEY_ENV} is not an unencrypted RSA or P-256 private key in PEM, "
            "nor the path of a readable file holding one"
        ) from None
    kid = env.get(CLIENT_KEY_ID_ENV, "").strip() or None
    return ClientKey(key, pem.strip(), kid)


def public_jwk(key: PrivateKey, kid: str | None = None) -> dict[str, str]:
    """The public half of `key` as a JWK (RFC 7517, RFC 7518 6): what the server registers."""
    named = {"kid": kid} if kid else {}
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.public_key().public_numbers()
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        return {"kty": "RSA", "alg": "RS256", "n": _b64url(n), "e": _b64url(e)} | named
    point = key.public_key().public_numbers()
    x, y = point.x.to_bytes(32, "big"), point.y.to_bytes(32, "big")
    return {"kty": "EC", "crv": "P-256", "alg": "ES256", "x": _b64url(x), "y": _b64url(y)} | named


@dataclass(frozen=True)
class KeyPair:
    """A fresh key pair for the demo and the tests: the private PEM the run signs with, the
    public JWK Set the server registers, and the kid naming it in both."""

    pem: str = field(repr=False)
    jwks: str
    kid: str


def new_key_pair(kid: str = "scimcert") -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return KeyPair(pem, json.dumps({"keys": [public_jwk(key, kid)]}), kid)
