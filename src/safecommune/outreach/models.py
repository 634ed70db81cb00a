"""Residents' feedback to the commune police: questions, suggestions, complaints, praise.

Sent from the commune's public page without an account; followed with the public receipt.
No address, user agent or cookie is kept; a name and phone only when the sender gives them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel
from safecommune.territory.models import phone_validator


class Topic(models.TextChoices):
    QUESTION = "question", _("question")
    SUGGESTION = "suggestion", _("suggestion")
    COMPLAINT = "complaint", _("complaint")
    PRAISE = "praise", _("praise")
    OTHER = "other", _("other")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class Feedback(BaseModel):
    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="feedback")
    village = models.ForeignKey("territory.Village", verbose_name=_("village"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    status = models.CharField(_("status"), max_length=16, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.RECEIVED, db_index=True)
    contact_name = models.CharField(_("name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True,
                                     validators=[phone_validator])

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["commune", "status", "-created_at"],
                                name="feedback_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} #{self.pk}"


class FeedbackMessage(models.Model):
    """One message of the conversation: the resident's (no author) or an officer's answer."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="messages")
    from_public = models.BooleanField(_("from the resident"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(from_public=True, author__isnull=True)
            | models.Q(from_public=False, author__isnull=False),
            name="feedback_message_author_matches_side")]
