"""What is graded and why: the checks and their references, schema validation, expected failures.

`load_all()` registers every check module.
"""

from __future__ import annotations

from importlib import import_module

CHECK_MODULES = (
    "always_on",
    "resources",
    "cursor",
    "interop",
    "ipsie",
    "declared",
    "gallery",
    "oauth",
)


def load_all() -> None:
    """Import every check module once, so the registry holds every check."""
    for name in CHECK_MODULES:
        import_module(f"{__name__}.{name}")
