"""The access log (method, path without query, status, time, request id) never holds secrets:
planted tokens, passwords and filter values are grepped for and must be absent."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import requests

from tests.support.reference import CLIENT_ID, CLIENT_SECRET, SCIM_TOKEN, RunningServer

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PLANTED_TOKEN = "planted-token-7f3a9c"
PLANTED_PASSWORD = "Planted-Passw0rd-41d2"
PLANTED_FILTER = "planted-filter-value-9b8e"
LINE = re.compile(
    r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*) (\d{3}) [0-9.]+ms id=[0-9a-f]+$"
)


def test_access_log_holds_no_secrets(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    log = tmp_path / "access.log"
    running = server_factory("--log-file", str(log))
    scim = running.scim()
    url = running.url
    # A wrong token, in both an Authorization header and a query string.
    scim.get(f"{url}/Users", headers={"Authorization": f"Bearer {PLANTED_TOKEN}"})
    scim.get(f"{url}/Users", params={"access_token": PLANTED_TOKEN})
    # A password on create, on PUT and in a PATCH; and in an invalid body.
    user = scim.post(
        f"{url}/Users",
        json={"schemas": [USER], "userName": "logged@example.test", "password": PLANTED_PASSWORD},
    ).json()
    scim.put(
        f"{url}/Users/{user['id']}",
        json={"schemas": [USER], "userName": "logged@example.test", "password": PLANTED_PASSWORD},
    )
    scim.patch(
        f"{url}/Users/{user['id']}",
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "password", "value": PLANTED_PASSWORD}],
        },
    )
    scim.post(f"{url}/Users", data=f'{{"password": "{PLANTED_PASSWORD}"')
    # Filter values: valid, invalid, and through /.search.
    scim.get(f"{url}/Users", params={"filter": f'userName eq "{PLANTED_FILTER}"'})
    scim.get(f"{url}/Users", params={"filter": f'userName zz "{PLANTED_FILTER}"'})
    scim.post(
        f"{url}/Users/.search",
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": f'userName eq "{PLANTED_FILTER}"',
        },
    )
    # The token endpoint: the client secret in the body and by Basic, right and wrong, and the
    # token it issues used on the SCIM API.
    grant = {"grant_type": "client_credentials", "client_id": CLIENT_ID}
    issued = requests.post(
        running.token_url, data=grant | {"client_secret": CLIENT_SECRET}, timeout=10
    ).json()["access_token"]
    scim.get(f"{url}/Users", headers={"Authorization": f"Bearer {issued}"})
    requests.post(running.token_url, data=grant | {"client_secret": PLANTED_PASSWORD}, timeout=10)
    requests.post(running.token_url, data=grant, auth=(CLIENT_ID, PLANTED_PASSWORD), timeout=10)
    running.stop()

    text = log.read_text()
    planted = (PLANTED_TOKEN, PLANTED_PASSWORD, PLANTED_FILTER, SCIM_TOKEN, "Bearer", "Basic")
    for secret in (*planted, CLIENT_SECRET, issued):
        assert secret not in text, secret
    access = [line for line in text.splitlines() if "reference_server.access" in line]
    assert len(access) >= 13
    for line in access:
        match = LINE.search(line)
        assert match, line
        assert "?" not in match.group(2)
