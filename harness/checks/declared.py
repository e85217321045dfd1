"""Registers the data-only checks of `catalogue.yaml`."""

from __future__ import annotations

from importlib import resources

import yaml

from .registry import Level, declare


def _register() -> None:
    text = resources.files(__package__).joinpath("catalogue.yaml").read_text("utf-8")
    for entry in yaml.safe_load(text):
        declare(entry["id"], Level(entry["level"]), entry["ref"], entry["title"])


_register()
