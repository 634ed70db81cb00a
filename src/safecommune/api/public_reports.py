"""Public reporting through the API, without an account: send a report (JSON, or multipart with
photos), follow it with the receipt code in the path and the secret in the ``X-Receipt-Secret``
header, and add to it. The same services as the public page; rate-limited per address through
the receipts service; nothing about the connection is stored."""

from __future__ import annotations

import json
from datetime import datetime

import pydantic
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError

from safecommune.core.errors import NotFound, ValidationFailed
from safecommune.receipts.services import rate_limit, receipt_open
from safecommune.reports.public import services
from safecommune.reports.public.idempotency import multipart_idempotent
from safecommune.reports.public.selectors import (
    PublicReport,
    PublicStatus,
    public_report_view,
    report_for_receipt,
)
from safecommune.territory.services import commune_settings_for

router = Router(tags=["public reports"])

SECRET_HEADER = "X-Receipt-Secret"


class PublicReportIn(Schema):
    commune: str = Field(..., max_length=8, description="The 2025 commune's code, e.g. 23776.")
    category: str = Field(..., max_length=40, description="A category open to residents "
                                                         "(GET /report-categories).")
    description: str = Field(..., min_length=1, max_length=services.MAX_TEXT)
    occurred_at: datetime | None = Field(None, description="When it happened; not in the "
                                                           "future.")
    village_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    place: str = Field("", max_length=255)
    reporter_name: str = Field("", max_length=150)
    reporter_phone: str = Field("", max_length=20)
    is_anonymous: bool = Field(False, description="Without a name and a phone the report is "
                                                  "anonymous anyway.")


class AdditionIn(Schema):
    text: str = Field("", max_length=services.MAX_TEXT)


class ReceiptIssuedOut(Schema):
    receipt: str
    secret: str = Field(..., description="Shown once; send it as the X-Receipt-Secret header "
                                         "to follow the report.")
    status: PublicStatus
    photo_count: int


class AdditionOut(Schema):
    created_at: datetime
    text: str
    photo_count: int


class PublicReportOut(Schema):
    receipt: str
    commune: str
    duty_hotline: str
    category: str
    category_name: str
    status: PublicStatus
    status_label: str
    received_at: datetime
    occurred_at: datetime | None
    description: str
    place: str
    village: str
    photo_count: int
    may_add: bool
    additions: list[AdditionOut]

    @staticmethod
    def resolve_category(obj: PublicReport) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj: PublicReport) -> str:
        return obj.category.name


def _fields_and_photos(request, schema: type[Schema]):
    """The validated fields of a JSON body, or of a multipart body with its ``photos``."""
    if request.content_type == "multipart/form-data":
        # An empty form field means "not given", as an absent JSON key does.
        data = {key: value for key, value in request.POST.items() if value != ""}
        photos = request.FILES.getlist("photos")
    else:
        try:
            data = json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValidationFailed([{"field": "body", "rule": "json", "message": _(
                "The body is not valid JSON; send JSON, or multipart/form-data with photos.")}]
            ) from None
        if not isinstance(data, dict):
            raise ValidationFailed([{"field": "body", "rule": "json",
                                     "message": _("The body must be a JSON object.")}])
        photos = []
    try:
        return schema.model_validate(data), photos
    except pydantic.ValidationError as exc:
        raise ValidationError([{"loc": ("body", *error["loc"]), "type": error["type"],
                                "msg": error["msg"]} for error in exc.errors()]) from None


def _open(request, code: str):
    rate_limit(request, "lookup")
    secret = request.headers.get(SECRET_HEADER, "")
    if not secret:
        raise ValidationFailed([{"field": SECRET_HEADER, "rule": "required", "message": _(
            "Send the receipt secret in the X-Receipt-Secret header.")}])
    return receipt_open(code=code, secret=secret, kind=services.RECEIPT_KIND)


def _private(response: HttpResponse) -> None:
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"


def _body_doc(schema: type[Schema], photos: str) -> dict:
    json_schema = schema.model_json_schema()
    multipart = json.loads(json.dumps(json_schema))
    multipart["properties"]["photos"] = {"type": "array", "description": photos,
                                         "items": {"type": "string", "format": "binary"}}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": json_schema},
        "multipart/form-data": {"schema": multipart}}}}


@router.post("/reports", response={201: ReceiptIssuedOut},
             openapi_extra=_body_doc(PublicReportIn, "Up to SAFECOMMUNE_REPORT_MAX_PHOTOS "
                                                     "JPEG, PNG or WebP images."),
             summary="Report an incident or a tip to a commune's police without an account "
                     "(JSON, or multipart/form-data with photos); anonymous allowed")
def report_submit(request):
    return multipart_idempotent(request, lambda: _created(_submit(request)))


def _created(data: Schema) -> HttpResponse:
    response = JsonResponse(data.model_dump(mode="json"), status=201)
    _private(response)
    return response


def _submit(request) -> ReceiptIssuedOut:
    rate_limit(request, "submit")
    payload, photos = _fields_and_photos(request, PublicReportIn)
    try:  # the commune, the village and the category in one statement
        commune, village, category = services.intake_lookup(
            commune=payload.commune, category=payload.category, village_id=payload.village_id,
            with_boundary=payload.latitude is not None)
    except NotFound as exc:
        raise NotFound(exc.message, field="commune", rule="exists") from None
    if not commune_settings_for(commune=commune).public_pages_open:
        raise NotFound(_("This commune does not take submissions here."), field="commune",
                       rule="closed")
    if payload.village_id is not None:
        if village is None:
            raise NotFound(_("No village with id %(id)s in this commune.")
                           % {"id": payload.village_id}, field="village_id", rule="exists")
    if (payload.latitude is None) != (payload.longitude is None):
        field = "latitude" if payload.latitude is None else "longitude"
        raise ValidationFailed([{"field": field, "rule": "required", "message": _(
            "Give both the latitude and the longitude, or neither.")}])
    point = None if payload.latitude is None else (payload.latitude, payload.longitude)
    _report, issued = services.report_submit_public(
        commune=commune, category=category, description=payload.description,
        occurred_at=payload.occurred_at, village=village, point=point, place=payload.place,
        reporter_name=payload.reporter_name, reporter_phone=payload.reporter_phone,
        is_anonymous=payload.is_anonymous, photos=photos)
    return ReceiptIssuedOut(receipt=issued.code, secret=issued.secret,
                            status=PublicStatus.RECEIVED, photo_count=len(photos))


@router.get("/reports/{code}", response=PublicReportOut,
            summary="Follow a report: its coarse status and what was sent; the receipt secret "
                    "goes in the X-Receipt-Secret header")
def report_status(request, code: str, response: HttpResponse):
    receipt = _open(request, code)
    _private(response)
    return public_report_view(receipt=receipt)


@router.post("/reports/{code}/additions", response={201: PublicReportOut},
             openapi_extra=_body_doc(AdditionIn, "More photos, up to the report's limit."),
             summary="Add information or photos to a report (receipt secret in the "
                     "X-Receipt-Secret header; JSON, or multipart/form-data with photos)")
def report_add(request, code: str):
    def add() -> HttpResponse:
        receipt = _open(request, code)
        rate_limit(request, "submit")
        payload, photos = _fields_and_photos(request, AdditionIn)
        services.report_add_public(report=report_for_receipt(receipt), text=payload.text,
                                   photos=photos)
        return _created(PublicReportOut.from_orm(public_report_view(receipt=receipt)))

    return multipart_idempotent(request, add)
