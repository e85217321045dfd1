"""Run settings from `[tool.scimcert]` in pyproject.toml and `SCIMCERT_*` variables.

Precedence (as README.md states it): command-line flags, then environment variables, then
pyproject.toml. The keys and their conversions are the run options' (harness/plugin/options.py);
secrets are never settings: tokens come only from their own environment variables.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.plugin.options import settings

PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    pass


def _convert(key: str, value: Any, where: str) -> Any:
    keys = settings()
    if key not in keys:
        raise ConfigError(f"{where}: unknown setting {key!r}; valid: {', '.join(keys)}")
    try:
        return keys[key].convert(value)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{where}: {key} = {value!r} is not valid ({error})") from error


def from_pyproject(folder: Path) -> dict[str, Any]:
    path = folder / PYPROJECT
    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("scimcert", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from error
    where = f"{path} [tool.scimcert]"
    return {
        key.replace("-", "_"): _convert(key.replace("-", "_"), v, where) for key, v in table.items()
    }


def from_env(env: Mapping[str, str]) -> dict[str, Any]:
    found = {}
    for key, option in settings().items():
        if env.get(option.env):
            found[key] = _convert(key, env[option.env], option.env)
    return found


def defaults(folder: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """The settings that flags may override: pyproject.toml, then the environment on top."""
    return {**from_pyproject(folder), **from_env(env)}
