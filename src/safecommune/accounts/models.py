"""Users and the roles they hold on units."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecommune.accounts.roles import Role
from safecommune.core.models import BaseModel


class User(AbstractUser):
    language = models.CharField(
        _("interface language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("Empty: follow the language switcher."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(BaseModel):
    """A role a user holds on a 2025 province or commune (none for the system administrator)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("territory.Village", verbose_name=_("village"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.SYSTEM_ADMIN, unit__isnull=True)
                | (~Q(role=Role.SYSTEM_ADMIN) & Q(unit__isnull=False)),
                name="role_unit_required_except_system_admin",
            ),
            models.UniqueConstraint(fields=["user", "role", "unit"],
                                    condition=Q(revoked_at__isnull=True),
                                    name="role_assignment_unique_active"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or '—'}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        from django.utils import timezone

        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """An API token: shown once, stored as an HMAC-SHA256 digest, carrying its user's roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
