"""Run settings from `[tool.scimcert]` in pyproject.toml and `SCIMCERT_*` variables.

Precedence (as README.md states it): command-line flags, then environment variables, then
pyproject.toml. Secrets are never settings: tokens come only from their own environment variables.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

PYPROJECT = "pyproject.toml"
KEYS: dict[str, Callable[[Any], Any]] = {
    "url": str,
    "app_url": str,
    "idp": str,
    "tags": str,
    "scenarios": Path,
    "report_dir": Path,
    "seed": int,
    "workers": int,
    "timeout": float,
    "auth": str,
    "token_url": str,
    "client_id": str,
    "fail_on": str,
    "gate": str,
    "budget": float,
    "scenario": str,
    "baseline": Path,
}


class ConfigError(Exception):
    pass


def _convert(key: str, value: Any, where: str) -> Any:
    if key not in KEYS:
        raise ConfigError(f"{where}: unknown setting {key!r}; valid: {', '.join(KEYS)}")
    try:
        return KEYS[key](value)
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
    for key in KEYS:
        name = f"SCIMCERT_{key.upper()}"
        if env.get(name):
            found[key] = _convert(key, env[name], name)
    return found


def defaults(folder: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """The settings that flags may override: pyproject.toml, then the environment on top."""
    return {**from_pyproject(folder), **from_env(env)}
