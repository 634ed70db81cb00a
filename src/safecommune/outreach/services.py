"""Writes on feedback. Each is one transaction with its audit entry."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append
from safecommune.core.errors import DomainError, ValidationFailed, full_clean_or_raise
from safecommune.outreach.models import Feedback, FeedbackMessage, FeedbackStatus, Topic
from safecommune.receipts.services import IssuedReceipt, receipt_issue
from safecommune.territory.models import Level, Structure
from safecommune.territory.services import commune_settings_for

MAX_TEXT = 4000


def _clean_text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed([{"field": field, "rule": "required",
                                 "message": _("Write your message.")}])
    if len(text) > MAX_TEXT:
        raise ValidationFailed([{"field": field, "rule": "max_length",
                                 "message": _("The message is longer than %(max)d characters.")
                                 % {"max": MAX_TEXT}}])
    return text


@transaction.atomic
def feedback_submit(*, commune, topic: str, text: str, village=None, contact_name: str = "",
                    contact_phone: str = "") -> tuple[Feedback, IssuedReceipt]:
    """A resident's feedback, sent without an account; returns it with its receipt."""
    if commune.structure != Structure.CURRENT or commune.level != Level.COMMUNE:
        raise DomainError(_("Choose a commune of the 2025 structure."), field="commune",
                          rule="current_commune")
    if not commune_settings_for(commune=commune).public_pages_open:
        raise DomainError(_("This commune does not take submissions here."), field="commune",
                          rule="closed")
    if topic not in Topic.values:
        raise ValidationFailed([{"field": "topic", "rule": "choice",
                                 "message": _("Choose a topic from the list.")}])
    if village is not None and village.commune_id != commune.pk:
        raise DomainError(_("The village must belong to the same commune."), field="village",
                          rule="same_commune")
    text = _clean_text(text)
    feedback = Feedback(recorded_unit=commune, commune=commune, village=village, topic=topic,
                        contact_name=(contact_name or "").strip(),
                        contact_phone=(contact_phone or "").strip())
    full_clean_or_raise(feedback)
    feedback.save()
    FeedbackMessage.objects.create(feedback=feedback, from_public=True, text=text)
    issued = receipt_issue(kind="feedback", commune=commune, submission=feedback)
    audit_append(action="feedback.submit", commune=commune, obj=feedback,
                 details={"topic": topic, "named": bool(feedback.contact_name)})
    return feedback, issued


@transaction.atomic
def feedback_follow_up(*, feedback: Feedback, text: str) -> FeedbackMessage:
    if feedback.status == FeedbackStatus.CLOSED:
        raise DomainError(_("This conversation is closed."), field="text", rule="closed")
    message = FeedbackMessage.objects.create(feedback=feedback, from_public=True,
                                             text=_clean_text(text))
    if feedback.status == FeedbackStatus.ANSWERED:
        feedback.status = FeedbackStatus.RECEIVED
        feedback.save(update_fields=["status", "modified_at"])
    audit_append(action="feedback.follow_up", commune=feedback.commune, obj=feedback)
    return message


@transaction.atomic
def feedback_answer(*, actor, feedback: Feedback, text: str, close: bool = False) -> FeedbackMessage:
    message = FeedbackMessage.objects.create(feedback=feedback, from_public=False, author=actor,
                                             text=_clean_text(text))
    feedback.status = FeedbackStatus.CLOSED if close else FeedbackStatus.ANSWERED
    feedback.modified_by = actor
    feedback.save(update_fields=["status", "modified_by", "modified_at"])
    audit_append(action="feedback.answer", actor=actor, commune=feedback.commune, obj=feedback,
                 details={"closed": close})
    return message
