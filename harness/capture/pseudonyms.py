"""The one table of a recording's pseudonyms: each original name, e-mail or phone number gets one
stand-in for the whole recording, written in whatever spelling the original took.

Stand-ins are numbered in the order the originals are first met, so scrubbing the same recording
twice gives the same file. They keep the shape a SCIM server checks: an e-mail stays a valid
address in the reserved `.invalid` domain (RFC 2606), a phone number a `+1-555-...` string, a
given name a word. Comparison folds case: `Ann@X.com` and `ann@x.com` are one address.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus

from harness.transport.redaction import literal_pattern

KINDS = ("name", "email", "phone")
EMAIL_DOMAIN = "example.invalid"
# Our own stand-ins are not personal data: scrubbing a scrubbed recording changes nothing.
_ONE = (
    r"(?:person-\d{4,}@example\.invalid|(?:Given|Family|Middle|Person)\d{4,}"
    r"|(?:tel:)?\+1-555-000-\d{4,})"
)
OWN = re.compile(rf"{_ONE}(?:\s+{_ONE})*", re.IGNORECASE)
# The spellings an original takes in URLs, JSON text and HTML; each maps to the same spelling of
# its stand-in, so an encoded filter stays encoded the way the IdP encoded it.
SPELLINGS: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    lambda s: json.dumps(s)[1:-1],
    lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    lambda s: quote(s, safe=""),
    lambda s: quote(s),
    quote_plus,
    lambda s: html.escape(s, quote=True),
)
_LETTER_OR_DIGIT = r"[^\W_]"


class Pseudonyms:
    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self._counters: dict[str, int] = {}
        self._anywhere: dict[str, str] = {}  # lower-cased spelling -> stand-in (e-mail, phone)
        self._words: dict[str, str] = {}  # the same for names, matched as whole words only
        self._patterns: tuple[re.Pattern[str], re.Pattern[str]] | None = None

    @property
    def replaced(self) -> dict[str, int]:
        return {kind: len(found) for kind, found in self._by_kind.items() if found}

    def originals(self) -> list[str]:
        """Every original met so far (for a caller that wants to prove none is left)."""
        return [original for found in self._by_kind.values() for original in found]

    def email(self, value: str) -> None:
        if OWN.fullmatch(value.strip()):
            return
        stand_in = self._stand_in("email", value.strip().lower(), "person-", "@" + EMAIL_DOMAIN)
        self._spell(self._anywhere, value.strip(), stand_in)

    def phone(self, value: str) -> None:
        value = value.strip()
        digits = re.sub(r"\D", "", value)
        if OWN.fullmatch(value) or len(digits) < 5:
            return
        number = self._stand_in("phone", digits, "", "")
        prefix = "tel:" if value.lower().startswith("tel:") else ""
        self._spell(self._anywhere, value, f"{prefix}+1-555-000-{number}")

    def part(self, prefix: str, value: str) -> None:
        """A given, family or middle name: `Given0001`."""
        value = value.strip()
        if value and not OWN.fullmatch(value):
            self._spell(self._words, value, self._stand_in("name", value.lower(), prefix, ""))

    def whole(self, value: str) -> None:
        """A formatted or display name: its known parts already spell it (`Given0001
        Family0001`); otherwise it gets a stand-in of its own (`Person0001`)."""
        value = value.strip()
        words = value.split()
        if not words or OWN.fullmatch(value) or all(w.lower() in self._words for w in words):
            return
        self._spell(self._words, value, self._stand_in("name", value.lower(), "Person", ""))

    def replace(self, text: str, *, names: bool = True) -> str:
        """`text` with every known original, in any known spelling, replaced by its stand-in."""
        if not text or not (self._anywhere or self._words):
            return text
        everything, anywhere = self._compiled()
        pattern = everything if names else anywhere
        return pattern.sub(self._lookup, text)

    def found_in(self, text: str, *, names: bool = True) -> bool:
        if not text or not (self._anywhere or self._words):
            return False
        everything, anywhere = self._compiled()
        return (everything if names else anywhere).search(text) is not None

    def _lookup(self, match: re.Match[str]) -> str:
        found = match[0].lower()
        return self._anywhere.get(found) or self._words.get(found) or match[0]

    def _stand_in(self, kind: str, key: str, prefix: str, suffix: str) -> str:
        known = self._by_kind[kind]
        if key not in known:
            self._counters[prefix] = self._counters.get(prefix, 0) + 1
            known[key] = f"{prefix}{self._counters[prefix]:04d}{suffix}"
        return known[key]

    def _spell(self, table: dict[str, str], original: str, stand_in: str) -> None:
        for spelling in SPELLINGS:
            form = spelling(original).lower()
            if table.get(form) != spelling(stand_in):
                table[form] = spelling(stand_in)
                self._patterns = None

    def _compiled(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        if self._patterns is None:
            anywhere = _trie(self._anywhere)
            words = _trie(self._words)
            bounded = f"(?<!{_LETTER_OR_DIGIT})(?:{words})(?!{_LETTER_OR_DIGIT})"
            both = "|".join(p for p in (anywhere, words and bounded) if p) or "(?!)"
            self._patterns = (
                re.compile(both, re.IGNORECASE),
                re.compile(anywhere or "(?!)", re.IGNORECASE),
            )
        return self._patterns


def _trie(table: dict[str, str]) -> str:
    return literal_pattern(table).pattern if table else ""
