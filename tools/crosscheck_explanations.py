"""Why each server fails what it fails: one explanation per cause, per server.

Each cites the RFC section (a public link) or the IdP's public documentation the server's
behaviour breaks, and holds itself to the run by the checks, scenarios and a pattern of the
recorded exchange. Nothing here excuses scimcert: a failure that is the harness's mistake is
fixed in the harness, not explained.
"""

from __future__ import annotations

from crosscheck_explain import Explanation

EXPLANATIONS: dict[str, tuple[Explanation, ...]] = {}
