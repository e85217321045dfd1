"""Registers the data-only checks of `catalogue.yaml`."""

from __future__ import annotations

from importlib import resources

import yaml

from harness.checks.registry import Level, declare


def _register() -> None:
    text = resources.files(__package__).joinpath("catalogue.yaml").read_text("utf-8")
    # libyaml's parser when PyYAML has it: every process (each xdist worker too) reads this file,
    # and the pure-Python parser took 60 ms of it.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for entry in yaml.load(text, Loader=loader):  # noqa: S506 - a safe loader, C or Python
        level, ref, quote = Level(entry["level"]), entry["ref"], entry["quote"]
        declare(entry["id"], level, ref, entry["title"], quote=quote)


_register()
