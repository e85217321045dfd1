"""Deliberate, named faults: how the harness proves that every one of its checks can fail.

A fault is named after what it breaks in the server, never after a check. Most are small
rewrites of one SCIM exchange, registered with `@fault`: of the request before the application
sees it, or of the buffered answer before the client does. The few that change what the server
*does* rather than what it says (a deactivation that deletes, a reactivation that keeps the role)
are registered with `hook` and implemented by marked hook calls in the SCIM layer (and one in the
app probe), which test `name in ctx.faults`; the domain rules themselves are never touched.

Every fault is off unless switched on: `serve --fault NAME` for every team, or per team through
the app probe (`PUT /faults`). The middleware in `app.py` makes the request's faults current
(`active()`, read by `Context.faults`) and runs the rewrites (`rewrite_exchange`).

The registry is in `registry.py`, an exchange and its ASGI side in `exchange.py`; the faults sit
by what they break: `protocol.py` (what answers say), `writes.py` (what writes do, the team
lifecycle), `filters.py` (how /Users reads a filter), `robust_input.py` and `robust_writes.py`
(unusual input and writes), and one IdP's traffic: `idp.py`, `okta.py`, `entra_onelogin.py`.
`variants.py` holds the allowed variants: what a server may rightly do otherwise, under which
the checks must all hold.
"""

from . import (
    entra_onelogin,
    filters,
    idp,
    okta,
    protocol,
    robust_input,
    robust_writes,
    variants,
    writes,
)
from .exchange import Exchange, rewrite_exchange
from .protocol import AUTH_NOT_ENFORCED
from .registry import (
    FAULTS,
    Fault,
    active,
    check_names,
    fault,
    hook,
    rewriting,
    switched_on,
)
from .robust_writes import ASCII_ONLY_CASE_FOLDING, nocase
from .variants import VALUE_PATH_REPLACE_NO_TARGET
from .writes import (
    ACCESS_LOST_ON_REACTIVATION,
    DEACTIVATION_DELETES,
    DEACTIVATION_IGNORED,
    PROVISIONED_AS_ADMIN,
    PUT_MERGES,
    ROLE_KEPT_ON_REACTIVATION,
    drop_access,
)

__all__ = [
    "ACCESS_LOST_ON_REACTIVATION",
    "ASCII_ONLY_CASE_FOLDING",
    "AUTH_NOT_ENFORCED",
    "DEACTIVATION_DELETES",
    "DEACTIVATION_IGNORED",
    "FAULTS",
    "PROVISIONED_AS_ADMIN",
    "PUT_MERGES",
    "ROLE_KEPT_ON_REACTIVATION",
    "VALUE_PATH_REPLACE_NO_TARGET",
    "Exchange",
    "Fault",
    "active",
    "check_names",
    "drop_access",
    "entra_onelogin",
    "fault",
    "filters",
    "hook",
    "idp",
    "nocase",
    "okta",
    "protocol",
    "rewrite_exchange",
    "rewriting",
    "robust_input",
    "robust_writes",
    "switched_on",
    "variants",
    "writes",
]
