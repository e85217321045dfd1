"""A small Django project serving django-scim2 (15five's `django_scim`), set up as its docs say."""
