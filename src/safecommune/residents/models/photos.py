"""A person's optional photo, kept in the database (docs/decisions/0015-images.md).

Only the re-encoded JPEG from ``safecommune.core.images.image_sanitize`` is stored: no name,
no metadata of the upload. It lives in its own table so that reading persons never loads the
bytes, and carries the person's commune, the scoping and distribution key.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel

__all__ = ["PersonPhoto"]


class PersonPhoto(BaseModel):
    person = models.OneToOneField("residents.Person", verbose_name=_("person"),
                                  on_delete=models.CASCADE, related_name="photo")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="+")
    content = models.BinaryField(_("JPEG image"))
    content_type = models.CharField(_("content type"), max_length=32, default="image/jpeg")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("person's photo")
        verbose_name_plural = _("persons' photos")
        constraints = [
            models.CheckConstraint(condition=models.Q(width__gt=0, height__gt=0, size__gt=0),
                                   name="person_photo_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.width}×{self.height}"
