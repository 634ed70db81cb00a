"""Notifications of stay through the API: the commune's staff read and record them; a host
notifies a stay without an account and checks it with the receipt."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune
from safecommune.api.auth import token_or_session
from safecommune.core.errors import NotFound
from safecommune.receipts.services import rate_limit, receipt_open
from safecommune.residents.models import HostKind, Sex, StayChannel, StayNotice
from safecommune.residents.selectors import household_visible_to
from safecommune.residents.services import commune_of
from safecommune.residents.stays import selectors, services
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.models import Place, Structure
from safecommune.territory.services import commune_settings_for

router = Router(tags=["stays"])

LIST_LIMIT = 500
VIEWS = {"all": selectors.stays_visible_to, "now": selectors.stays_now,
         "foreigners": selectors.foreigners_staying_now, "late": selectors.late_stays}


class StayOut(Schema):
    id: int
    commune: str = Field(..., alias="commune.code")
    host_kind: HostKind
    accommodation_id: int | None
    host_household_id: int | None
    host_name: str
    host_address: str
    guest_full_name: str
    guest_birth_date: date
    guest_nationality: str
    guest_citizen_id: str
    guest_passport_number: str
    guest_person_id: int | None
    is_foreigner: bool
    is_close_relative: bool
    arrival_at: datetime
    departure_on: date
    departed_at: datetime | None
    notified_at: datetime
    deadline_at: datetime
    is_late: bool
    reviewed_at: datetime | None
    channel: StayChannel


class _StayFields(Schema):
    host_kind: HostKind
    accommodation_id: int | None = None
    host_name: str = Field("", max_length=150)
    host_address: str = Field("", max_length=255)
    host_phone: str = Field("", max_length=20)
    is_close_relative: bool = False
    guest_full_name: str = Field(..., min_length=1, max_length=150)
    guest_birth_date: date
    guest_sex: Sex | None = None
    guest_nationality: str = Field("VN", max_length=2)
    citizen_id: str = Field("", max_length=20, description="Vietnamese guests' citizen ID.")
    guest_passport_number: str = Field("", max_length=20)
    arrival_at: datetime
    departure_on: date


class StayIn(_StayFields):
    unit: str = Field(..., max_length=8, description="Code of the unit recorded under: a 2025 "
                      "commune, or a former commune with structure=legacy.")
    structure: Structure = Structure.CURRENT
    host_household_id: int | None = None
    notified_at: datetime | None = Field(None, description="When the host notified; now if "
                                         "empty.")


class DepartureIn(Schema):
    departed_at: datetime | None = None


class StayReceiptOut(Schema):
    receipt: str
    secret: str = Field(..., description="Shown once; keep it to check the notification.")
    is_late: bool
    deadline_at: datetime


class ReceiptIn(Schema):
    code: str = Field(..., max_length=20)
    secret: str = Field(..., max_length=100)


class PublicStayOut(Schema):
    receipt: str
    commune: str
    guest_full_name: str
    arrival_at: datetime
    departure_on: date
    departed_at: datetime | None
    notified_at: datetime
    is_late: bool


class CountsOut(Schema):
    staying_now: int
    foreigners_now: int
    late: int


def _forbidden():
    return HttpError(403, _("You are not allowed to do this."))


def _commune_for_read(request, code: str):
    commune = territory_selectors.commune_get(code=code)
    if not can_read_commune(request.auth, commune):
        raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                       % {"code": code}, field="commune", rule="exists")
    return commune


def _place(place_id: int | None) -> Place | None:
    if place_id is None:
        return None
    place = Place.objects.filter(pk=place_id).first()
    if place is None:
        raise NotFound(_("No accommodation establishment with this number."),
                       field="accommodation_id", rule="exists")
    return place


def _service_fields(data: dict) -> dict:
    data["guest_citizen_id"] = data.pop("citizen_id")
    data["guest_sex"] = data["guest_sex"] or ""
    data["accommodation"] = _place(data.pop("accommodation_id"))
    return data


@router.get("/stays", response=list[StayOut], auth=token_or_session,
            summary="Notifications of stay in your jurisdiction; view=now|foreigners|late")
def stay_list(request, commune: str = "", view: str = "all", host_kind: HostKind | None = None):
    rows = VIEWS.get(view, selectors.stays_visible_to)(user=request.auth)
    if commune:
        rows = rows.filter(commune=_commune_for_read(request, commune))
    if host_kind:
        rows = rows.filter(host_kind=host_kind)
    return list(rows[:LIST_LIMIT])


@router.get("/stays/counts", response=CountsOut, auth=token_or_session,
            summary="Guests staying now, foreigners staying now, late notices to review")
def stay_counts(request, commune: str = ""):
    return selectors.stay_counts(user=request.auth,
                                 commune=_commune_for_read(request, commune) if commune else None)


@router.get("/stays/{id}", response=StayOut, auth=token_or_session,
            summary="One notification of stay")
def stay_detail(request, id: int):
    return selectors.stay_get_for(user=request.auth, id=id)


@router.post("/stays", response={201: StayOut}, auth=token_or_session,
             summary="Record a notification of stay (staff)")
def stay_create(request, payload: StayIn):
    data = payload.dict()
    unit = territory_selectors.unit_get(structure=data.pop("structure"), code=data.pop("unit"))
    if not can_edit_commune(request.auth, commune_of(unit)):
        raise _forbidden()
    household_id = data.pop("host_household_id")
    household = None
    if household_id is not None:
        household = household_visible_to(user=request.auth).filter(pk=household_id).first()
        if household is None:
            raise NotFound(_("No household with this number."), field="host_household_id",
                           rule="exists")
    notice = services.stay_notify(actor=request.auth, unit=unit, host_household=household,
                                  **_service_fields(data))
    return Status(201, StayNotice.objects.select_related("commune").get(pk=notice.pk))


def _editable(request, id: int) -> StayNotice:
    notice = selectors.stay_get_for(user=request.auth, id=id)
    if not can_edit_commune(request.auth, notice.commune):
        raise _forbidden()
    return notice


@router.post("/stays/{id}/departure", response={201: StayOut}, auth=token_or_session,
             summary="Record the guest's departure (staff)")
def stay_depart(request, id: int, payload: DepartureIn):
    notice = services.stay_depart(actor=request.auth, notice=_editable(request, id),
                                  departed_at=payload.departed_at)
    return Status(201, notice)


@router.post("/stays/{id}/review", response={201: StayOut}, auth=token_or_session,
             summary="Take a late notice off the work list (staff)")
def stay_review(request, id: int):
    return Status(201, services.stay_review(actor=request.auth, notice=_editable(request, id)))


@router.get("/accommodations/{id}/guests", response=list[StayOut], auth=token_or_session,
            summary="An accommodation establishment's guest register, by arrival")
def guest_register(request, id: int):
    place = selectors.accommodation_get_for(user=request.auth, id=id)
    return list(selectors.guest_register(user=request.auth, accommodation=place)[:LIST_LIMIT])


@router.post("/communes/{code}/stays", response={201: StayReceiptOut},
             summary="Notify a guest's stay to a commune's police (no account)")
def stay_notify_public(request, code: str, payload: _StayFields):
    rate_limit(request, "submit")
    commune = territory_selectors.commune_get(code=code)
    if not commune_settings_for(commune=commune).public_pages_open:
        raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                       % {"code": code}, field="code", rule="exists")
    notice, issued = services.stay_notify_public(commune=commune,
                                                 **_service_fields(payload.dict()))
    return Status(201, {"receipt": issued.code, "secret": issued.secret,
                        "is_late": notice.is_late, "deadline_at": notice.deadline_at})


@router.post("/receipts/stay", response=PublicStayOut,
             summary="Check a notification of stay with its receipt code and secret")
def stay_follow(request, payload: ReceiptIn):
    from safecommune.receipts.services import format_code

    rate_limit(request, "lookup")
    receipt = receipt_open(code=payload.code, secret=payload.secret, kind="stay")
    notice = StayNotice.objects.get(pk=receipt.object_id)
    return {"receipt": format_code(receipt.code), "commune": receipt.commune.name,
            "guest_full_name": notice.guest_full_name, "arrival_at": notice.arrival_at,
            "departure_on": notice.departure_on, "departed_at": notice.departed_at,
            "notified_at": notice.notified_at, "is_late": notice.is_late}
