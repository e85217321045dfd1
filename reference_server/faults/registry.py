"""The fault registry: every named fault, its rewrites, and the names a user may switch on."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal

from registry import Registry

from .exchange import Exchange

NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# --- the registry -------------------------------------------------------------------------------

Phase = Literal["request", "response"]
Rewrite = Callable[[Exchange], None]


@dataclass(frozen=True, slots=True)
class Fault:
    """A named breakage; or, `allowed`, a variant: what a server may rightly do that the reference
    server does not, switched on the same way, under which every check must still hold."""

    name: str
    description: str
    request: Rewrite | None = None
    response: Rewrite | None = None
    allowed: bool = False


FAULTS: Registry[Fault] = Registry("fault")


def _declare(name: str, description: str, allowed: bool = False) -> Fault:
    if not NAME.fullmatch(name):
        raise ValueError(f"fault name {name!r} is not kebab-case")
    if not description.strip():
        raise ValueError(f"fault {name!r} needs a description")
    return FAULTS.add(name, Fault(name, description, allowed=allowed))


def fault(
    name: str, description: str = "", *, phase: Phase = "response", allowed: bool = False
) -> Callable[[Rewrite], Rewrite]:
    """Register a rewrite; a fault with two halves registers its second one without description.
    `allowed` marks an allowed variant rather than a fault (see `Fault`)."""

    def register(rewrite: Rewrite) -> Rewrite:
        found = FAULTS[name] if not description else _declare(name, description, allowed)
        if getattr(found, phase) is not None:
            raise ValueError(f"fault {name!r} already has a {phase} rewrite")
        halves = {"request": found.request, "response": found.response, phase: rewrite}
        FAULTS.swap(name, replace(found, request=halves["request"], response=halves["response"]))
        return rewrite

    return register


def hook(name: str, description: str, *, allowed: bool = False) -> str:
    """Register a fault (or an allowed variant) that changes what the server decides at one of
    its seams (`FaultBehaviour` in `behaviour.py`); returns its name."""
    return _declare(name, description, allowed).name


def check_names(names: Iterable[str]) -> frozenset[str]:
    """The names, if each is a registered fault; else ValueError listing the valid ones."""
    chosen = frozenset(names)
    for name in sorted(chosen):
        if name not in FAULTS:
            known = ", ".join(sorted(FAULTS))
            raise ValueError(f"unknown fault {name[:80]!r}; valid faults: {known}")
    return chosen


def variants() -> list[str]:
    """The names of the allowed variants, in registration order."""
    return [f.name for f in FAULTS.values() if f.allowed]


def rewriting(names: Iterable[str]) -> list[Fault]:
    """The faults among `names` that rewrite exchanges, in registration order."""
    chosen = set(names)
    return [f for f in FAULTS.values() if f.name in chosen and (f.request or f.response)]
