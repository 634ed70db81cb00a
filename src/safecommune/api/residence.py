"""Residence records, absences and work lists through the API. Reads go through the residence
selectors (404 outside the jurisdiction), writes through its services (editors only)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune, scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.api.auth import token_or_session
from safecommune.api.residents import HouseholdOut
from safecommune.residents import selectors as person_selectors
from safecommune.residents import services as person_services
from safecommune.residents.models import (
    Absence,
    AbsenceKind,
    EndReason,
    ResidenceKind,
    ResidenceRecord,
    SupervisionKind,
)
from safecommune.residents.residence import selectors, services
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.models import Structure

router = Router(tags=["residence"], auth=token_or_session)

LIST_LIMIT = 500


class ResidenceOut(Schema):
    id: int
    person_id: int
    kind: ResidenceKind
    commune: str = Field(..., alias="commune.code")
    household_id: int | None
    address: str
    registered_on: date
    valid_until: date | None
    renews_id: int | None
    ended_on: date | None
    end_reason: str


class AbsenceOut(Schema):
    id: int
    person_id: int
    kind: AbsenceKind
    supervision: str
    declared_on: date
    leaves_on: date
    expected_return_on: date | None
    returned_on: date | None
    destination: str
    consent_reference: str


class HistoryOut(Schema):
    person_id: int
    records: list[ResidenceOut]
    absences: list[AbsenceOut]


class RegisterIn(Schema):
    address: str = Field(..., min_length=1, max_length=255)
    registered_on: date | None = None
    unit: str | None = Field(None, max_length=8, description="Code of the unit the residence "
                             "is in (default: the person's commune).")
    structure: Structure = Structure.CURRENT


class TemporaryIn(RegisterIn):
    valid_until: date


class RenewIn(Schema):
    valid_until: date
    renewed_on: date | None = None


class EndIn(Schema):
    reason: EndReason
    ended_on: date | None = None


class AbsenceIn(Schema):
    kind: AbsenceKind
    supervision: SupervisionKind | None = None
    leaves_on: date
    expected_return_on: date | None = None
    destination: str = Field(..., min_length=1, max_length=255)
    consent_reference: str = Field("", max_length=100)
    declared_on: date | None = None


class ReturnIn(Schema):
    returned_on: date | None = None


class WorkListsOut(Schema):
    counts: dict[str, int]
    expiring: list[ResidenceOut]
    overdue_absences: list[AbsenceOut]
    headless_households: list[HouseholdOut]


def _forbidden():
    return HttpError(403, _("You are not allowed to do this."))


def _require_edit(request, commune) -> None:
    if not can_edit_commune(request.auth, commune):
        raise _forbidden()


def _editable_person(request, id: int):
    person = person_selectors.person_get_for(user=request.auth, id=id)
    _require_edit(request, person.commune)
    return person


def _history(person) -> dict:
    return {"person_id": person.pk, "records": selectors.residence_history(person=person),
            "absences": selectors.person_absences(person=person)}


def _unit(request, payload: RegisterIn):
    if not payload.unit:
        return None
    unit = territory_selectors.unit_get(structure=payload.structure, code=payload.unit)
    _require_edit(request, person_services.commune_of(unit))
    return unit


def _record_out(record: ResidenceRecord) -> ResidenceRecord:
    return ResidenceRecord.objects.select_related("commune").get(pk=record.pk)


@router.get("/persons/{id}/residence", response=HistoryOut,
            summary="A person's residence history and absences (the read is audited)")
def residence_history(request, id: int):
    person = person_selectors.person_get_for(user=request.auth, id=id)
    person_services.person_record_read(actor=request.auth, person=person)
    return _history(person)


@router.post("/persons/{id}/residence/permanent", response={201: ResidenceOut},
             summary="Register a permanent residence (staff)")
def permanent_register(request, id: int, payload: RegisterIn):
    person = _editable_person(request, id)
    record = services.permanent_register(actor=request.auth, person=person,
                                         address=payload.address, unit=_unit(request, payload),
                                         registered_on=payload.registered_on)
    return Status(201, _record_out(record))


@router.post("/persons/{id}/residence/temporary", response={201: ResidenceOut},
             summary="Register a temporary residence term, at most 2 years (staff)")
def temporary_register(request, id: int, payload: TemporaryIn):
    person = _editable_person(request, id)
    record = services.temporary_register(actor=request.auth, person=person,
                                         address=payload.address, unit=_unit(request, payload),
                                         registered_on=payload.registered_on,
                                         valid_until=payload.valid_until)
    return Status(201, _record_out(record))


@router.post("/residence/{id}/renew", response={201: ResidenceOut},
             summary="Renew a temporary residence: a new term; the old one ends (staff)")
def temporary_renew(request, id: int, payload: RenewIn):
    record = selectors.residence_get_for(user=request.auth, id=id)
    _require_edit(request, record.commune)
    term = services.temporary_renew(actor=request.auth, record=record,
                                    valid_until=payload.valid_until,
                                    renewed_on=payload.renewed_on)
    return Status(201, _record_out(term))


@router.post("/residence/{id}/end", response=ResidenceOut,
             summary="End a residence: moved out, deregistered or expired (staff)")
def residence_end(request, id: int, payload: EndIn):
    record = selectors.residence_get_for(user=request.auth, id=id)
    _require_edit(request, record.commune)
    services.residence_end(actor=request.auth, record=record, reason=payload.reason,
                           ended_on=payload.ended_on)
    return _record_out(record)


@router.post("/persons/{id}/absences", response={201: AbsenceOut},
             summary="Declare a temporary absence by the rules for the kind of person (staff)")
def absence_declare(request, id: int, payload: AbsenceIn):
    person = _editable_person(request, id)
    data = payload.dict()
    data["supervision"] = data["supervision"] or ""
    absence = services.absence_declare(actor=request.auth, person=person, **data)
    return Status(201, absence)


@router.post("/absences/{id}/return", response=AbsenceOut,
             summary="Record a person's return from an absence (staff)")
def absence_return(request, id: int, payload: ReturnIn):
    absence = selectors.absence_get_for(user=request.auth, id=id)
    _require_edit(request, absence.commune)
    services.absence_return(actor=request.auth, absence=absence,
                            returned_on=payload.returned_on)
    return Absence.objects.get(pk=absence.pk)


@router.get("/residence/work-lists", response=WorkListsOut,
            summary="Temporary residences expiring soon, absences past their return and "
                    "households without a head (staff)")
def work_lists(request, commune: str = ""):
    if not scope_for(request.auth).roles & READER_ROLES:
        raise _forbidden()
    unit = None
    if commune:
        unit = territory_selectors.commune_get(code=commune)
        if not can_read_commune(request.auth, unit):
            raise HttpError(404, _("Not found."))
    user = request.auth
    return {"counts": selectors.work_list_counts(user=user, commune=unit),
            "expiring": list(selectors.expiring_temporary(user=user, commune=unit)
                             .select_related("commune")[:LIST_LIMIT]),
            "overdue_absences": list(selectors.overdue_absences(user=user, commune=unit)
                                     [:LIST_LIMIT]),
            "headless_households": list(selectors.headless_households(user=user, commune=unit)
                                        .select_related("commune")[:LIST_LIMIT])}
