"""Redacted passwords in a recorded body, replaced by a placeholder the replay makes up.

Recordings never keep secrets: a password a request carried reads `[REDACTED]`. A password is
write-only (RFC 7643 4.1.1: never returned), so no answer shows it and the replay can send one of
its own: a placeholder made of the run's id, printed at the start of every run, like the
throw-away password Okta sends on create. Any other redacted value (a client secret, a token,
a redaction inside text) leaves the request unreplayable (docs/replay.md#what-is-not-replayed).
"""

from __future__ import annotations

from typing import Any

from harness.transport.redaction import REDACTED

# Upper and lower case, digits and symbols: what password rules commonly ask for. Not a secret:
# both parts are printed by the run.
PLACEHOLDER = "Replay-${run.item}-${run.id}!"
PASSWORD = "password"


def _names_password(name: Any) -> bool:
    """`password`, `urn:...:User:password`, a PATCH path `password`, in any case."""
    return isinstance(name, str) and name.rsplit(":", 1)[-1].strip().lower() == PASSWORD


def with_placeholders(document: Any) -> Any:
    """The document with each redacted password replaced by PLACEHOLDER."""
    if isinstance(document, list):
        return [with_placeholders(item) for item in document]
    if not isinstance(document, dict):
        return document
    lowered = {str(key).lower(): item for key, item in document.items()}
    patching = "op" in lowered and _names_password(lowered.get("path"))
    found = {}
    for key, item in document.items():
        password = _names_password(key) or (patching and str(key).lower() == "value")
        found[key] = PLACEHOLDER if password and item == REDACTED else with_placeholders(item)
    return found


def still_redacted(document: Any) -> bool:
    """Whether a redacted value other than a password remains."""
    if isinstance(document, dict):
        return any(still_redacted(item) for item in document.values())
    if isinstance(document, list):
        return any(still_redacted(item) for item in document)
    return isinstance(document, str) and REDACTED in document
