"""A named registry: things registered by name once, found by name with the known names on a miss.

Every registry of the project is one (IdP strategies and dialects, app steps, checks, the reference
server's faults), and this package imports nothing of the project so that each may use it.
Registries are filled by import (a decorator beside each definition), so two modules claiming one
name would otherwise leave whichever was imported last: a second registration is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class UnknownNameError(KeyError):
    """A name nothing was registered under; the message lists the names that were."""

    def __str__(self) -> str:  # KeyError's own quotes the whole message
        return str(self.args[0])


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind  # "strategy", "app step": what the error messages call an entry
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T) -> T:
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def register(self, name: str) -> Callable[[T], T]:
        """`@registry.register("name")` above a definition."""

        def add(entry: T) -> T:
            return self.add(name, entry)

        return add

    def swap(self, name: str, entry: T) -> T:
        """Put `entry` in the place of what `name` already holds (an entry completed in two
        steps, such as a fault's request and response halves); an unknown name is refused."""
        self.get(name)
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        if name not in self._entries:
            raise UnknownNameError(
                f"unknown {self.kind} {name!r}; known: {', '.join(sorted(self._entries))}"
            )
        return self._entries[name]

    __getitem__ = get

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> Iterator[tuple[str, T]]:
        return iter(self._entries.items())

    def values(self) -> Iterator[T]:
        return iter(self._entries.values())
