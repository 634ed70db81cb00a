"""Feedback through the API: residents send and follow it with a receipt; staff read and answer."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune
from safecommune.api.auth import token_or_session
from safecommune.core.errors import NotFound
from safecommune.outreach import selectors, services
from safecommune.outreach.models import FeedbackStatus, Topic
from safecommune.receipts.services import rate_limit, receipt_open
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.services import commune_settings_for

router = Router(tags=["feedback"])


class FeedbackIn(Schema):
    topic: Topic
    text: str = Field(..., min_length=1, max_length=4000)
    village_id: int | None = None
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=20)


class ReceiptOut(Schema):
    receipt: str
    secret: str = Field(..., description="Shown once; keep it to follow the submission.")
    status: FeedbackStatus


class ReceiptIn(Schema):
    code: str = Field(..., max_length=20)
    secret: str = Field(..., max_length=100)


class FollowUpIn(ReceiptIn):
    text: str = Field(..., min_length=1, max_length=4000)


class MessageOut(Schema):
    from_public: bool
    text: str
    created_at: datetime


class ConversationOut(Schema):
    receipt: str
    commune: str
    status: FeedbackStatus
    messages: list[MessageOut]


class FeedbackOut(Schema):
    id: int
    topic: Topic
    status: FeedbackStatus
    village_id: int | None
    contact_name: str
    contact_phone: str
    created_at: datetime


class AnswerIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)
    close: bool = False


def _conversation(receipt, feedback) -> dict:
    from safecommune.receipts.services import format_code

    return {"receipt": format_code(receipt.code), "commune": receipt.commune.name,
            "status": feedback.status, "messages": list(feedback.messages.all())}


@router.post("/communes/{code}/feedback", response={201: ReceiptOut},
             summary="Send feedback to a commune's police (no account; anonymous allowed)")
def feedback_send(request, code: str, payload: FeedbackIn):
    rate_limit(request, "submit")
    commune = territory_selectors.commune_get(code=code)
    if not commune_settings_for(commune=commune).public_pages_open:
        raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                       % {"code": code}, field="code", rule="exists")
    data = payload.dict()
    village_id = data.pop("village_id")
    village = None
    if village_id is not None:
        village = commune.villages.active().filter(pk=village_id).first()
        if village is None:
            raise NotFound(_("No village with id %(id)s in this commune.") % {"id": village_id},
                           field="village_id", rule="exists")
    feedback, issued = services.feedback_submit(commune=commune, village=village, **data)
    return Status(201, {"receipt": issued.code, "secret": issued.secret,
                        "status": feedback.status})


@router.post("/receipts/feedback", response=ConversationOut,
             summary="Follow feedback with its receipt code and secret")
def feedback_follow(request, payload: ReceiptIn):
    rate_limit(request, "lookup")
    receipt = receipt_open(code=payload.code, secret=payload.secret, kind="feedback")
    return _conversation(receipt, receipt.submission)


@router.post("/receipts/feedback/messages", response={201: ConversationOut},
             summary="Add to feedback with its receipt code and secret")
def feedback_add(request, payload: FollowUpIn):
    rate_limit(request, "lookup")
    receipt = receipt_open(code=payload.code, secret=payload.secret, kind="feedback")
    services.feedback_follow_up(feedback=receipt.submission, text=payload.text)
    receipt.submission.refresh_from_db()
    return Status(201, _conversation(receipt, receipt.submission))


@router.get("/communes/{code}/feedback", response=list[FeedbackOut], auth=token_or_session,
            summary="A commune's feedback inbox (its staff)")
def feedback_inbox(request, code: str, status: FeedbackStatus | None = None):
    commune = territory_selectors.commune_get(code=code)
    if not can_read_commune(request.auth, commune):
        raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                       % {"code": code}, field="code", rule="exists")
    rows = selectors.feedback_visible_to(user=request.auth).filter(commune=commune)
    if status:
        rows = rows.filter(status=status)
    return list(rows[:500])


@router.post("/feedback/{id}/answer", response={201: ConversationOut}, auth=token_or_session,
             summary="Answer feedback (the commune's officers and chief)")
def feedback_answer(request, id: int, payload: AnswerIn):
    feedback = selectors.feedback_get_for(user=request.auth, id=id)
    if not can_edit_commune(request.auth, feedback.commune):
        raise HttpError(403, _("You are not allowed to do this."))
    services.feedback_answer(actor=request.auth, feedback=feedback, text=payload.text,
                             close=payload.close)
    feedback.refresh_from_db()
    from safecommune.receipts.models import PublicReceipt

    receipt = PublicReceipt.objects.select_related("commune").get(
        content_type__model="feedback", object_id=str(feedback.pk))
    return Status(201, _conversation(receipt, feedback))
