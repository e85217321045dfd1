"""`scimcert scan DIR`: look for secrets in a report folder before it is shared.

Two searches (docs/secrets.md). By value: each secret named by an environment variable
(`SCIM_TOKEN`... and any `--secret-env NAME`), in every spelling reports give it: raw,
URL-encoded, JSON- and HTML-escaped, those nested up to three deep (pytest-html puts escaped
HTML in JSON in an HTML attribute), in every file as stored, HTML-unescaped and inside base64
`data:` URIs. By meaning: in `results.jsonl`, a recorded body holding a password (or a PATCH
setting one) whose value is not `[REDACTED]`, or a credential header that is not. Hits name the
file, the secret's variable and the spelling, never the secret.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import html
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from harness.transport.auth import AuthError
from harness.transport.client_key import CLIENT_KEY_ENV, client_key
from harness.transport.redaction import (
    MIN_TEXT_SECRET,
    REDACTED,
    SENSITIVE_HEADERS,
    literal_pattern,
    parse_json,
    secret_leaves,
)

SECRET_ENVS = ("SCIM_TOKEN", "SCIM_APP_TOKEN", "SCIM_BASIC_PASSWORD", "SCIM_CLIENT_SECRET")
RESULTS_FILE = "results.jsonl"
ENCODINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda s: s,
    "quote": lambda s: quote(s, safe=""),
    "quote-path": quote,
    "quote_plus": quote_plus,
    "json": lambda s: json.dumps(s)[1:-1],
    "html": html.escape,
    "html-text": lambda s: html.escape(s, quote=False),
}
EXIT_CLEAN, EXIT_LEAKS, EXIT_USAGE = 0, 1, 2


def spellings(secret: str, depth: int = 3) -> dict[str, str]:
    """Every spelling of `secret` to look for, with its name: up to `depth` encodings in turn."""
    named: dict[str, str] = {}
    for length in range(1, depth + 1):
        for chain in itertools.product(ENCODINGS.items(), repeat=length):
            spelling = secret
            for _, encode in chain:
                spelling = encode(spelling)
            name = " of ".join(name for name, _ in reversed(chain))
            named.setdefault(spelling, name)
            lower = re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), spelling)
            named.setdefault(lower, f"{name}, lower-case %xx")
    return named


def views(text: str) -> Iterator[tuple[str, str]]:
    """The text as stored, HTML-unescaped, and every base64 `data:` URI in it decoded."""
    yield "as stored", text
    unescaped = html.unescape(text)
    yield "HTML-unescaped", unescaped
    for match in re.finditer(r"data:[^,\"'\s]*;base64,([A-Za-z0-9+/=]+)", unescaped):
        try:
            yield "in a data: URI", base64.b64decode(match[1]).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            continue


@lru_cache(maxsize=4)
def _searcher(
    secrets: frozenset[tuple[str, str]],
) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]]:
    """One pattern for every spelling of every secret, and what each spelling is."""
    meaning: dict[str, tuple[str, str]] = {}
    for name, secret in sorted(secrets):
        for spelling, encoding in spellings(secret).items():
            meaning.setdefault(spelling, (name, encoding))
    return (literal_pattern(meaning) if meaning else None), meaning


def leaks(secrets: Mapping[str, str], texts: Mapping[str, str]) -> list[str]:
    """`place (view): NAME, encoding form` for each secret found; the secret is never shown."""
    pattern, meaning = _searcher(frozenset(secrets.items()))
    if pattern is None:
        return []
    found: set[str] = set()
    for place, text in texts.items():
        for view, seen in views(text):
            for match in pattern.finditer(seen):
                name, encoding = meaning[match[0]]
                found.add(f"{place} ({view}): {name}, {encoding} form")
    return sorted(found)


def _exchange_leaks(record: Mapping[str, Any]) -> Iterator[str]:
    exchange = record.get("exchange") or {}
    where = f"{record.get('item', '?')} exchange {record.get('sequence', '?')}"
    for side in ("request", "response"):
        part = exchange.get(side) or {}
        headers = part.get("headers") or {}
        for header, value in headers.items():
            if str(header).lower() in SENSITIVE_HEADERS and value != REDACTED:
                yield f"{RESULTS_FILE}: {where}: {side} header {header} is not redacted"
        body = parse_json(part.get("body"))
        if any(leaf != REDACTED for leaf in secret_leaves(body)):
            yield f"{RESULTS_FILE}: {where}: {side} body holds a password or secret in clear"


def unredacted(results: Path) -> list[str]:
    """Secrets by meaning that `results.jsonl` holds in clear (a report scimcert did not write,
    or one from before redaction by meaning)."""
    found: list[str] = []
    for line in results.read_text(encoding="utf-8", errors="replace").splitlines():
        record = parse_json(line)
        if isinstance(record, dict) and record.get("event") == "ExchangeRecorded":
            found.extend(_exchange_leaks(record))
    return found


def folder_texts(folder: Path) -> dict[str, str]:
    """Every file under `folder` as text (a binary file's bytes decoded leniently)."""
    return {
        str(path.relative_to(folder)): path.read_bytes().decode("utf-8", "replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def known_secrets(env: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    chosen = {name: env.get(name, "").strip() for name in (*SECRET_ENVS, *names)}
    found = {name: value for name, value in chosen.items() if len(value) >= MIN_TEXT_SECRET}
    return found | _private_key_lines(env)


def _private_key_lines(env: Mapping[str, str]) -> dict[str, str]:
    """The lines of the private key `SCIM_CLIENT_KEY` names (a path or the PEM itself): the
    secret is the key's text, not the variable's value."""
    try:
        key = client_key(env)
    except AuthError:
        return {}  # not a key scimcert could have used, so none it could have leaked
    if key is None:
        return {}
    return {f"{CLIENT_KEY_ENV} (line {n})": line for n, line in enumerate(key.secrets, 1)}


def add_parser(commands: Any) -> None:
    scan = commands.add_parser("scan", help="look for secrets in a report folder before sharing")
    scan.add_argument("folder", type=Path, help="the report folder (--report-dir of the run)")
    scan.add_argument(
        "--secret-env",
        action="append",
        default=[],
        metavar="NAME",
        help="also look for the value of this environment variable (repeatable)",
    )
    scan.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"scimcert scan: {folder} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    secrets = known_secrets(os.environ, tuple(args.secret_env))
    hits = leaks(secrets, folder_texts(folder))
    if (folder / RESULTS_FILE).is_file():
        hits += unredacted(folder / RESULTS_FILE)
    names = ", ".join(sorted(secrets)) or "none (set SCIM_TOKEN... to search for them)"
    print(f"scimcert scan: {folder}: secrets searched by value: {names}")
    for hit in hits:
        print(f"LEAK {hit}")
    print(f"scimcert scan: {len(hits)} leak(s)")
    return EXIT_LEAKS if hits else EXIT_CLEAN
