"""A receipt for something the public submitted without an account.

It holds no trace of the sender: no address, user agent, cookie or account. The secret that
proves ownership is stored only as an HMAC-SHA256 digest under a key kept outside the database.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicReceipt(models.Model):
    code = models.CharField(_("receipt code"), max_length=16, unique=True)
    secret_digest = models.CharField(_("secret digest"), max_length=64)
    kind = models.CharField(_("kind"), max_length=32)
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=40)
    submission = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public receipt")
        verbose_name_plural = _("public receipts")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"],
                                               name="receipt_one_per_submission")]

    def __str__(self) -> str:
        return self.code
