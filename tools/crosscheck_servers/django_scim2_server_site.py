"""A one-module Django project serving django-scim2-server the way its README sets it up.

The app, its URLs under /scim/v2/ and its migrations, over SQLite in a throw-away file
(CROSSCHECK_DB). The only code of ours is the access check the package asks the project for
(SCIM2_SERVER_AUTH_CHECK): a bearer token compared with SCIM_TOKEN. Started by
tools/crosscheck.py with `django-admin ... --settings django_scim2_server_site`.
"""

from __future__ import annotations

import hmac
import os
import secrets

from django.http import HttpRequest
from django.urls import include, path

SECRET_KEY = secrets.token_urlsafe(32)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
USE_TZ = True
ROOT_URLCONF = __name__
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django_scim2_server"]
MIDDLEWARE: list[str] = []
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["CROSSCHECK_DB"]}
}
SCIM2_SERVER_AUTH_CHECK = f"{__name__}.bearer_token"

urlpatterns = [path("scim/v2/", include("django_scim2_server.urls"))]


def bearer_token(request: HttpRequest) -> bool:
    given = request.headers.get("Authorization", "").encode()
    return hmac.compare_digest(given, f"Bearer {os.environ['SCIM_TOKEN']}".encode())
