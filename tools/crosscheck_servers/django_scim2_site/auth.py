"""The authentication middleware django-scim2 expects before its own check."""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class BearerToken:
    """Logs the request in as a transient client user when it carries SCIM_TOKEN as a bearer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import get_user_model  # the app registry is ready only now

        expected = f"Bearer {os.environ['SCIM_TOKEN']}".encode()
        if hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected):
            request.user = get_user_model()(username="crosscheck-client")
        return self.get_response(request)
