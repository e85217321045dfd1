"""Settings: the package's app, URLs under /scim/v2/, SQLite in a throw-away file.

The package needs its service provider's address (NETLOC) and scheme for meta.location, and a
prior middleware that authenticates the request (its SCIMAuthCheckMiddleware answers 401 to an
anonymous one): here a bearer token compared with SCIM_TOKEN.
"""

from __future__ import annotations

import os
import secrets

SECRET_KEY = secrets.token_urlsafe(32)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
ROOT_URLCONF = "django_scim2_site.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django_scim",
    "django_scim2_site",
]
AUTH_USER_MODEL = "django_scim2_site.User"
MIDDLEWARE = [
    "django_scim2_site.auth.BearerToken",
    "django_scim.middleware.SCIMAuthCheckMiddleware",
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["CROSSCHECK_DB"]}
}
SCIM_SERVICE_PROVIDER = {
    "NETLOC": f"127.0.0.1:{os.environ['PORT']}",
    "SCHEME": "http",
    "GROUP_MODEL": "django_scim2_site.models.Group",
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication scheme using the OAuth Bearer Token Standard",
        }
    ],
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="django-scim2"',
}
