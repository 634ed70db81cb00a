"""Users. Roles on units and two-factor sign-in arrive with issue 3 ("Who may see what")."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    language = models.CharField(
        _("interface language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("Empty: follow the browser or the language switcher."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
