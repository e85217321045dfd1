"""The User and Group models django-scim2 asks a project for: its SCIM mixins on Django models."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django_scim.models import AbstractSCIMGroupMixin, AbstractSCIMUserMixin


class Group(AbstractSCIMGroupMixin):
    name = models.CharField(max_length=254)


class User(AbstractSCIMUserMixin, AbstractUser):
    # The mixin leaves scim_groups to the project; SCIMGroup manages members through user_set.
    scim_groups = models.ManyToManyField(Group, related_name="user_set", blank=True)  # type: ignore[assignment]
