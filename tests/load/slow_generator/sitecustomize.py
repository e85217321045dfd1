"""A deliberately slow load generator, for tests only: on PYTHONPATH of the Locust child.

With `SCIMCERT_TEST_SLOW_GENERATOR_MS` set, every request the generator sends first burns that
many milliseconds of its CPU, so one process cannot start more than about 1000/MS requests a
second, whatever the target does. The product has no such switch: the wire is wrapped when
Locust imports it (an import hook, so nothing is imported before Locust's gevent patching).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any

WRAPPED = "harness.load.locust_wire"
BURN_S = float(os.environ.get("SCIMCERT_TEST_SLOW_GENERATOR_MS", "0")) / 1000


def _burn() -> None:
    until = time.perf_counter() + BURN_S
    while time.perf_counter() < until:  # CPU, not a sleep: the generator itself is busy
        pass


def _slowed(module: ModuleType) -> None:
    send = module.LocustWire.send

    def slow_send(self: Any, *args: Any, **kwargs: Any) -> Any:
        _burn()
        return send(self, *args, **kwargs)

    module.LocustWire.send = slow_send


class _Hook(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != WRAPPED:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            _slowed(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if BURN_S > 0:
    sys.meta_path.insert(0, _Hook())
