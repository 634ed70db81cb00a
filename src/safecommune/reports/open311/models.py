"""What Open311 adds to the reports app: client keys, the per-category publication policy and
the Open311 extras of a submitted report (docs/decisions/0019-open311.md).

Nothing here says who sent a report: the key names a client application (a city app, a
FixMyStreet install), never a person, and no address, user agent or device id is kept.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel

__all__ = ["ApiKey", "ServicePolicy", "Submission"]


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(BaseModel):
    """One Open311 client's key: shown once, stored as an HMAC-SHA256 digest like API tokens."""

    name = models.CharField(_("client name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    hourly_limit = models.PositiveIntegerField(
        _("submissions per hour"), null=True, blank=True,
        help_text=_("Empty means the server's default."))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hourly_limit__isnull=True)
                                   | Q(hourly_limit__gte=1), name="open311_key_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServicePolicy(BaseModel):
    """How Open311 lists the public reports of one category. A category without a row is
    listed without its descriptions (the safe default for categories added later)."""

    category = models.OneToOneField("reports.Category", verbose_name=_("category"),
                                    primary_key=True, on_delete=models.CASCADE,
                                    related_name="open311_policy")
    listed = models.BooleanField(
        _("listed publicly"), default=True,
        help_text=_("Open311 lists this category's public reports (coarse place, no "
                    "reporter). Turn off where even that could expose a victim or a "
                    "neighbour."))
    show_description = models.BooleanField(
        _("description listed publicly"), default=False,
        help_text=_("The reporter's own words are listed too (anonymous reports only, with "
                    "phone numbers and e-mail addresses masked)."))

    class Meta:
        verbose_name = _("Open311 publication policy")
        verbose_name_plural = _("Open311 publication policies")
        constraints = [
            models.CheckConstraint(condition=Q(listed=True) | Q(show_description=False),
                                   name="open311_policy_description_needs_listing"),
        ]

    def __str__(self) -> str:
        return str(self.category)


class Submission(models.Model):
    """The Open311 extras of a report that came through Open311."""

    report = models.OneToOneField("reports.Report", verbose_name=_("report"), primary_key=True,
                                  on_delete=models.PROTECT, related_name="open311")
    api_key = models.ForeignKey(ApiKey, verbose_name=_("Open311 key"),
                                on_delete=models.PROTECT, related_name="submissions")
    # The text of the URL only: the server never fetches it (decision 0019).
    media_url = models.CharField(_("media URL"), max_length=2000, blank=True)
    address_id = models.CharField(_("address id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.report_id}"
