"""The incident category vocabulary (issue 5, item 4; docs/decisions/0016-incidents.md).

A system administrator edits it (Django admin, through ``category_save`` and its audit entry).
Names are data, not msgids, so a category added later is named in every language without a
new release: one column per interface language, Vietnamese required, the others falling back
to Vietnamese. Codes are stable keys (Open311 ``service_code``): archive a category, never
rename or delete it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel

__all__ = ["Category", "CategoryQuerySet"]


class CategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Category(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Stable key, also the Open311 service code; never "
                                        "changes."))
    parent = models.ForeignKey("self", verbose_name=_("group"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    name_vi = models.CharField(_("name in Vietnamese"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=120, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=120, blank=True)
    is_public = models.BooleanField(
        _("open to residents"), default=True,
        help_text=_("Residents (and Open311 clients) may report in this category."))
    is_tip = models.BooleanField(
        _("crime tip"), default=False,
        help_text=_("Reports are tips about crimes: forwarded to the investigating body within "
                    "the deadline, and their reporters are protected."))
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                                   name="category_not_own_group"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "vi")[:2]
        return getattr(self, f"name_{language}", "") or self.name_vi

    @property
    def is_active(self) -> bool:
        return self.archived_at is None
