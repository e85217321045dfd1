"""IdP-specific strategies, one module per IdP family; each registers with `strategies.strategy`.

Every module in this package is imported by `load()`, so adding an IdP is adding a module and a
profile file, never editing a list.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module


@cache
def load() -> tuple[str, ...]:
    names = tuple(sorted(module.name for module in pkgutil.iter_modules(__path__)))
    for name in names:
        import_module(f"{__name__}.{name}")
    return names
