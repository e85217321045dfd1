"""JWT client authentication at the token endpoint (`private_key_jwt`, RFC 7523 2.2 and 3).

A client registers a public JWK Set (RFC 7517 5) with its team; it authenticates by sending a
JWT it signed (RS256 or ES256, RFC 7518 3.3 and 3.4) as `client_assertion`, with
`client_assertion_type` set to the JWT bearer URN. Signatures are checked by `cryptography`,
never by hand. Every refusal is an `AssertionRefusedError` the endpoint answers as `invalid_client`
(RFC 6749 5.2), its description saying which rule of RFC 7523 3 the assertion broke.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"  # RFC 7523 2.2
CLOCK_SKEW_S = 60  # RFC 7523 3: "subject to allowable clock skew between systems"
MAX_ASSERTION_CHARS = 4096
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


class AssertionRefusedError(Exception):
    """The assertion does not authenticate the client; the message says why."""


class KeySetError(ValueError):
    """A JWK Set that cannot be registered."""


def _b64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


def _integer(text: Any) -> int:
    if not isinstance(text, str) or not text:
        raise ValueError("a key parameter is missing")
    return int.from_bytes(_b64url(text), "big")


def _public_key(jwk: Mapping[str, Any]) -> tuple[str, PublicKey]:
    """The key's algorithm and the key; RSA keys of at least 2048 bits and P-256 keys only."""
    kty = jwk.get("kty")
    if kty == "RSA":
        key = rsa.RSAPublicNumbers(_integer(jwk.get("e")), _integer(jwk.get("n"))).public_key()
        if key.key_size < 2048:
            raise ValueError("an RSA key shorter than 2048 bits")
        return "RS256", key
    if kty == "EC" and jwk.get("crv") == "P-256":
        numbers = ec.EllipticCurvePublicNumbers(
            _integer(jwk.get("x")), _integer(jwk.get("y")), ec.SECP256R1()
        )
        return "ES256", numbers.public_key()
    raise ValueError(f"key type {str(kty)[:16]!r} is not RSA or EC P-256")


@dataclass(frozen=True)
class KeySet:
    """A client's registered public keys by `kid` (a key without one is found by algorithm)."""

    keys: tuple[tuple[str | None, str, PublicKey], ...]

    @classmethod
    def parse(cls, text: str) -> KeySet:
        try:
            document = json.loads(text)
        except ValueError:
            raise KeySetError("the JWK Set is not JSON") from None
        found = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(found, list) or not found:
            raise KeySetError('the JWK Set has no "keys" array')
        keys = []
        for jwk in found:
            if not isinstance(jwk, dict):
                raise KeySetError("a JWK is not an object")
            if "d" in jwk:
                raise KeySetError("a JWK holds a private key: register the public key only")
            try:
                alg, key = _public_key(jwk)
            except ValueError as error:
                raise KeySetError(f"unusable JWK: {error}") from None
            kid = jwk.get("kid")
            keys.append((kid if isinstance(kid, str) else None, alg, key))
        return cls(tuple(keys))

    def find(self, kid: Any, alg: str) -> PublicKey:
        for key_id, key_alg, key in self.keys:
            if key_alg == alg and (kid is None or key_id == kid):
                return key
        raise AssertionRefusedError(f"No registered key with kid {str(kid)[:64]!r} for {alg}")


@dataclass(frozen=True)
class Claims:
    """What the endpoint still needs of a verified assertion: its id, for replays (RFC 7523 3
    item 7), until it expires."""

    jti: str | None
    exp: float


def _segments(assertion: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    parts = assertion.split(".")
    if len(parts) != 3 or len(assertion) > MAX_ASSERTION_CHARS:
        raise AssertionRefusedError("The client assertion is not a signed JWT (JWS compact form)")
    try:
        header, claims = (json.loads(_b64url(part)) for part in parts[:2])
        signature = _b64url(parts[2])
    except ValueError:
        raise AssertionRefusedError("The client assertion is not a well-formed JWT") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AssertionRefusedError("The client assertion's header and claims must be JSON objects")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _verify_signature(key: PublicKey, alg: str, signed: bytes, signature: bytes) -> None:
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), SHA256())
        else:
            # RFC 7518 3.4: ES256 signs R and S as two 32-byte integers, not DER.
            if len(signature) != 64:
                raise InvalidSignature
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), signed, ec.ECDSA(SHA256()))
    except InvalidSignature:
        raise AssertionRefusedError(f"The client assertion's {alg} signature is invalid") from None


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AssertionRefusedError(f'The client assertion\'s "{name}" is not a NumericDate')
    return float(value)


def _check_claims(claims: Mapping[str, Any], client_id: str, audience: str | None) -> None:
    # RFC 7523 3 items 1 and 2: for client authentication iss and sub are the client_id.
    for name in ("iss", "sub"):
        if claims.get(name) != client_id:
            raise AssertionRefusedError(f'The client assertion\'s "{name}" is not the client_id')
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    # Item 3: the server "MUST reject any JWT that does not contain its own identity as the
    # intended audience"; its identity here is its token endpoint URL, compared as a string.
    if audience is not None and audience not in audiences:
        raise AssertionRefusedError(f'The client assertion\'s "aud" does not name {audience}')


def _check_times(claims: Mapping[str, Any], now: float, *, expiry: bool) -> float:
    exp = _number(claims, "exp")
    if exp is None:
        raise AssertionRefusedError('The client assertion has no "exp" (RFC 7523 3 requires it)')
    if expiry and exp + CLOCK_SKEW_S <= now:
        raise AssertionRefusedError("The client assertion has expired")
    nbf = _number(claims, "nbf")
    if nbf is not None and nbf - CLOCK_SKEW_S > now:
        raise AssertionRefusedError("The client assertion is not valid yet (nbf)")
    return exp


def verify(
    assertion: str,
    keys: KeySet,
    client_id: str,
    audience: str | None,
    now: float,
    *,
    signature: bool = True,
    expiry: bool = True,
) -> Claims:
    """The assertion's claims when it authenticates `client_id` at `audience`; `signature` and
    `expiry` off, or no `audience`, are the faults that skip those rules (`faults/ipsie.py`)."""
    header, claims, signed, sig = _segments(assertion)
    alg = header.get("alg")
    if alg not in ("RS256", "ES256"):
        # "none" and HMAC are refused: a public key set can check neither.
        refused = f"Algorithm {str(alg)[:16]!r} is not accepted; use RS256 or ES256"
        raise AssertionRefusedError(refused)
    key = keys.find(header.get("kid"), alg)
    if signature:
        _verify_signature(key, alg, signed, sig)
    _check_claims(claims, client_id, audience)
    exp = _check_times(claims, now, expiry=expiry)
    jti = claims.get("jti")
    return Claims(jti if isinstance(jti, str) else None, exp)
