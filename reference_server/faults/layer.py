"""The fault layer as the server is built with it: the fault API and the fault middleware."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from sqlalchemy import Engine

from ..app import Layer
from .api import fault_routes
from .injection import FaultInjection
from .registry import check_names


def fault_layer(engine: Engine, always: Iterable[str] = ()) -> Layer:
    """`always` are on for every team (`serve --fault`); `PUT /faults` switches others per team."""
    on = check_names(always)
    return Layer(
        routes=partial(fault_routes, on),
        middleware=partial(FaultInjection, engine=engine, always=on),
    )
