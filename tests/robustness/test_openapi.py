"""docs/openapi.yaml describes exactly the application's routes: same paths, same methods."""

from __future__ import annotations

from pathlib import Path

import yaml
from starlette.routing import Route

from reference_server.app import APP_PREFIX, scim_routes
from reference_server.probe.api import probe_routes

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "put", "post", "patch", "delete"}


def _described() -> set[tuple[str, str]]:
    document = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    return {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def _served() -> set[tuple[str, str]]:
    served: set[tuple[str, str]] = set()
    # Everything the server can serve: /Roles too, which `serve --entitlements` adds.
    for route in [*scim_routes(entitlements=True), *probe_routes(APP_PREFIX)]:
        assert isinstance(route, Route)
        # Every SCIM route is also served with a trailing slash; the description lists it once.
        path = route.path.removesuffix("/") or "/"
        served |= {(path, method) for method in route.methods or () if method != "HEAD"}
    return served


def test_openapi_paths_and_methods_equal_the_routes() -> None:
    assert _described() == _served()


def test_every_operation_documents_its_errors() -> None:
    document = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                assert "default" in operation["responses"], (path, method)
