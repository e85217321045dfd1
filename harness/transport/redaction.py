"""What counts as a secret in a recorded exchange, and how each spelling of one is scrubbed.

Two ways to know a secret (docs/secrets.md): by its value (the run's credentials, and every
password the run has sent, wherever it comes back) and by its meaning (a `password` attribute in
any body, in any case or schema extension, a PATCH operation whose path names it, a credential
header). This module is pure text; `redactor.Redactor` holds what one run knows.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

REDACTED = "[REDACTED]"
# X-API-Key: the credential header of servers that take an API key instead of Authorization.
SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
# Scrubbing a two-letter secret from text would blank out half of every body.
MIN_TEXT_SECRET = 4
# What a run learns is scrubbed from every later text, so it must not be a word of SCIM itself:
# a password "true" or "member" would break every later body. Shorter ones are still redacted
# by meaning, where they stand. A cookie this short is a preference (theme=dark), not a session.
MIN_LEARNT_PASSWORD = 6
MIN_SESSION_COOKIE = 16
# Attribute names whose values are secrets wherever they appear in a body (RFC 7643 4.1.1, 7),
# compared without case and without a schema URN prefix (`urn:...:User:password`).
# An OAuth client's signed assertion and an issued ID token are credentials too (RFC 7523,
# OpenID Connect): a recording of a token endpoint carries them.
SECRET_ATTRIBUTES = frozenset(
    {
        "password",
        "client_secret",
        "client_assertion",
        "secret",
        "access_token",
        "refresh_token",
        "id_token",
    }
)
_SECRET_KEY = (
    r'"(?:[^"\\]*:)?'
    r'(?:password|client_secret|client_assertion|secret|access_token|refresh_token|id_token)"'
)
# A secret attribute's scalar value in JSON text, found even in a body cut short or not JSON.
_KEYED_VALUE = re.compile(
    "(" + _SECRET_KEY + r'\s*:\s*)(?:"(?:[^"\\]|\\.)*(?:"|\Z)|-?\d[\d.eE+-]*|true|false)',
    re.IGNORECASE,
)
# Without one of these a body cannot hold a secret attribute (`\u`: an escaped key spelling).
_MAYBE_KEYED = ("password", "secret", "token", "assertion", "\\u")
# The fields of an OAuth token request (RFC 6749 4.1.3, 4.3.2, 6; RFC 7523 2.1, 2.2) whose
# values are credentials, in an `application/x-www-form-urlencoded` body.
FORM_SECRET_FIELDS = SECRET_ATTRIBUTES | {"assertion", "code", "code_verifier"}
# A whole body of `name=value` pairs joined by `&`: a form, not JSON or prose.
_FORM_BODY = re.compile(r"[\w.~%+-]+=[^&\s]*(?:&[\w.~%+-]+=[^&\s]*)*")
_FORM_VALUE = re.compile(
    r"(?:(?<=&)|^)(?P<name>[\w.~%+-]+)=(?P<value>[^&]*)",
)
_COOKIE_ATTRIBUTES = frozenset(
    {"path", "domain", "expires", "max-age", "samesite", "secure", "httponly", "priority"}
)
_PATH_PARTS = re.compile(r"[.:\s]+")
_FILTER = re.compile(r"\[[^\]]*\]?")


def secret_forms(secret: str) -> set[str]:
    """The spellings a secret takes in URLs, JSON and HTML, including lower-case percent-escapes."""
    json_form = json.dumps(secret)[1:-1]
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json_form,
        json_form.replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
    }
    return forms | {re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), f) for f in forms}


def literal_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for many literals, as a trie: a run knows hundreds of passwords, and a flat
    alternation would try every one of them at every character of every body (40 times slower).
    Greedy at each branch, so the longest spelling is replaced whole."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def chain(node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        # A run of single-child nodes is walked, not recursed into: a secret as long as a client
        # assertion (RFC 7523, hundreds of characters) would otherwise pass the recursion limit.
        text = ""
        while len(node) == 1 and "" not in node:
            ((char, node),) = node.items()
            text += re.escape(char)
        return text, node

    def emit(node: dict[str, Any]) -> str:
        branches = []
        for char, child in sorted(node.items()):
            if char:
                text, rest = chain(child)
                branches.append(re.escape(char) + text + emit(rest))
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return re.compile(emit(root))


@lru_cache(maxsize=16)
def secrets_pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) >= MIN_TEXT_SECRET:
            forms |= secret_forms(secret)
    return literal_pattern(forms) if forms else None


def redact_text(text: str, secrets: Iterable[str]) -> str:
    pattern = secrets_pattern(frozenset(secrets))
    return text if pattern is None else pattern.sub(REDACTED, text)


def _redact_header(name: str, value: str, secrets: frozenset[str], short: set[str]) -> str:
    if name.lower() in SENSITIVE_HEADERS:
        return REDACTED
    if short and (short & set(value.split()) or value in short):
        return REDACTED  # a short secret is only safe to match as a whole token
    return redact_text(value, secrets)


def redact_headers(headers: Mapping[str, str], secrets: Iterable[str]) -> dict[str, str]:
    known = frozenset(secrets)
    short = {s for s in known if s and len(s) < MIN_TEXT_SECRET}
    return {name: _redact_header(name, value, known, short) for name, value in headers.items()}


def cookie_values(headers: Mapping[str, str]) -> Iterator[str]:
    """Values of `Cookie` / `Set-Cookie`: a session a server hands out is a credential too.

    Several Set-Cookie headers arrive joined by ", ", so pairs are split on both separators and
    the cookie attributes (`Path=/`, `Expires=...`) are left out.
    """
    for name, value in headers.items():
        if name.lower() not in COOKIE_HEADERS:
            continue
        for pair in re.split(r"[;,]", value):
            key, equals, cookie = pair.partition("=")
            cookie = cookie.strip().strip('"')
            if equals and cookie and key.strip().lower() not in _COOKIE_ATTRIBUTES:
                yield cookie


def credential_values(headers: Mapping[str, str]) -> Iterator[str]:
    """What a credential header carries, for scrubbing wherever it comes back: the whole value,
    the token after its scheme, and for Basic the decoded `user:password` and the password.
    The recording proxy learns these from the IdP's requests, whose credentials it never held."""
    for name, value in headers.items():
        if name.lower() not in SENSITIVE_HEADERS - COOKIE_HEADERS:
            continue
        yield value
        scheme, _, token = value.strip().partition(" ")
        token = token.strip()
        if not token:
            continue
        yield token
        if scheme.lower() == "basic":
            yield from _basic_parts(token)


def _basic_parts(token: str) -> Iterator[str]:
    try:
        pair = base64.b64decode(token, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return
    yield pair
    _, colon, password = pair.partition(":")
    if colon and password:
        yield password


# --- secrets by meaning in a form body ----------------------------------------------------------


def _is_form(body: str) -> bool:
    """A body of `name=value&...` pairs (an OAuth token request), told apart cheaply from JSON."""
    text = body.strip()
    return bool(text) and text[0] not in "{[" and "=" in text and bool(_FORM_BODY.fullmatch(text))


def _form_field(name: str) -> str:
    return unquote_plus(name).lower()


def form_secrets(body: str | None) -> tuple[str, ...]:
    """The values a form body holds in credential fields (`client_secret=...`), decoded."""
    if not body or not _is_form(body):
        return ()
    return tuple(
        unquote_plus(match["value"])
        for match in _FORM_VALUE.finditer(body.strip())
        if _form_field(match["name"]) in FORM_SECRET_FIELDS and match["value"]
    )


def redact_form(body: str) -> str:
    """A form body with the value of every credential field replaced, the rest as it was."""
    if not _is_form(body):
        return body

    def blank(match: re.Match[str]) -> str:
        if _form_field(match["name"]) not in FORM_SECRET_FIELDS or not match["value"]:
            return match[0]
        return f"{match['name']}={REDACTED}"

    return _FORM_VALUE.sub(blank, body)


# --- secrets by meaning in a JSON document ------------------------------------------------------


def _is_secret_name(name: str) -> bool:
    return name.lower().rsplit(":", 1)[-1] in SECRET_ATTRIBUTES


def _path_names_secret(path: object) -> bool:
    """A PATCH path such as `password` or `urn:...:User:password` (filters stripped)."""
    if not isinstance(path, str):
        return False
    parts = _PATH_PARTS.split(_FILTER.sub("", path.lower()))
    return any(part in SECRET_ATTRIBUTES for part in parts)


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield value


def _lowered(node: dict[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): item for key, item in node.items()}


def secret_leaves(document: Any) -> Iterator[Any]:
    """Every non-null scalar held by a secret attribute, or by the value of a PATCH operation
    whose path names one, at any depth."""
    if isinstance(document, list):
        for item in document:
            yield from secret_leaves(item)
        return
    if not isinstance(document, dict):
        return
    plain = _lowered(document)
    patching = "op" in plain and _path_names_secret(plain.get("path"))
    for key, item in document.items():
        if _is_secret_name(str(key)) or (patching and str(key).lower() == "value"):
            yield from _leaves(item)
        else:
            yield from secret_leaves(item)


def redact_document(document: Any) -> Any:
    """A copy with every secret leaf (see `secret_leaves`) replaced by REDACTED."""
    if isinstance(document, list):
        return [redact_document(item) for item in document]
    if not isinstance(document, dict):
        return document
    plain = _lowered(document)
    patching = "op" in plain and _path_names_secret(plain.get("path"))
    return {
        key: _blank(item)
        if _is_secret_name(str(key)) or (patching and str(key).lower() == "value")
        else redact_document(item)
        for key, item in document.items()
    }


def _blank(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _blank(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_blank(item) for item in value]
    return None if value is None else REDACTED


def parse_json(text: str | None) -> Any:
    """The document, or None when the text is not JSON (or too deep to walk: a hostile depth)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _may_hold_secret(body: str) -> bool:
    """Whether a body could hold a secret attribute at all. Case-folded text searched for plain
    substrings: a 10 MiB body takes milliseconds, where one case-blind regex took half a second
    (and every exchange asks twice). Folding matches at least what the regex did."""
    folded = body.casefold()
    return any(word in folded for word in _MAYBE_KEYED)


def body_secrets(body: str | None) -> tuple[str, ...]:
    """The strings a body holds as secrets by meaning (Okta sends a password on every create;
    a token request's form carries the client's secret)."""
    if not body:
        return ()
    if _is_form(body):
        return form_secrets(body)
    if not _may_hold_secret(body):
        return ()
    return tuple(leaf for leaf in secret_leaves(parse_json(body)) if isinstance(leaf, str))


def redact_body(body: str, secrets: Sequence[str] | frozenset[str]) -> str:
    """The body with every known secret and every secret by meaning scrubbed.

    The text is kept as the server wrote it (checks judge its spelling); only where a secret by
    meaning could not be found as text (a one-letter password, a number) is a JSON body written
    out again from its parsed, redacted document.
    """
    if _is_form(body):
        return redact_text(redact_form(body), secrets)
    scrubbed = redact_text(body, secrets)
    if not _may_hold_secret(body):
        return scrubbed
    scrubbed = _KEYED_VALUE.sub(lambda match: f'{match[1]}"{REDACTED}"', scrubbed)
    document = parse_json(body)
    if document is None:
        return scrubbed
    after = parse_json(scrubbed)
    if after is not None and all(leaf == REDACTED for leaf in secret_leaves(after)):
        return scrubbed
    return json.dumps(redact_document(document), ensure_ascii=False)
