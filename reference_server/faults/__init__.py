"""Deliberate, named faults: how the harness proves that every one of its checks can fail.

A fault is named after what it breaks in the server, never after a check. Most are small
rewrites of one SCIM exchange, registered with `@fault`: of the request before the application
sees it, or of the buffered answer before the client does. The few that change what the server
*does* rather than what it says (a deactivation that deletes, a reactivation that keeps the role)
are registered with `hook` and decided by `FaultBehaviour` (`behaviour.py`), which the server's
seams consult (`reference_server/behaviour.py`); the server's code never names a fault.

This package is a layer the server is built with, never part of it: `fault_layer` (`layer.py`)
plugs the fault API (`api.py`: `GET`/`PUT /faults` on the app probe) and the fault middleware
(`injection.py`) into `create_app`, only for `serve --fault NAME` (on for every team) or
`serve --fault-api` (none on until `PUT /faults` switches some on for one team). The middleware
serves the request with the faults' behaviour and runs their rewrites (`rewriting.py`).

The registry is in `registry.py`, an exchange in `exchange.py`, the per-team names in
`store.py`; the faults sit by what they break: `protocol.py` (what answers say), `writes.py`
(what writes do, the team lifecycle), `filters.py` (how /Users reads a filter), `robust_input.py`
and `robust_writes.py` (unusual input and writes), `cursors.py` (RFC 9865 cursor paging), one
IdP's traffic: `idp.py`, `okta.py`, `entra_onelogin.py`, what Microsoft's gallery validation
sends: `gallery.py`, the token endpoint's answers: `oauth.py`, and the SCIM interoperability
profile draft's rules: `interop.py`; the OpenID IPSIE AL1 SCIM profile's: `ipsie.py`; large
membership changes and declared bulk limits: `group_limits.py`.
`variants.py` holds the allowed variants: what a server may rightly do otherwise, under which
the checks must all hold.
"""

from . import (
    cursors,
    entra_onelogin,
    filters,
    gallery,
    group_limits,
    idp,
    interop,
    ipsie,
    oauth,
    okta,
    protocol,
    robust_input,
    robust_writes,
    variants,
    writes,
)
from .layer import fault_layer
from .registry import FAULTS, Fault, check_names, fault, hook

__all__ = [
    "FAULTS",
    "Fault",
    "check_names",
    "cursors",
    "entra_onelogin",
    "fault",
    "fault_layer",
    "filters",
    "gallery",
    "group_limits",
    "hook",
    "idp",
    "interop",
    "ipsie",
    "oauth",
    "okta",
    "protocol",
    "robust_input",
    "robust_writes",
    "variants",
    "writes",
]
