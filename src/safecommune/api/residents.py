"""Persons and households through the API: the commune's staff read and write; a resident reads
their own household. Reads and writes go through the residents' selectors and services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from safecommune.accounts.jurisdiction import can_edit_commune
from safecommune.api.auth import token_or_session
from safecommune.core.errors import NotFound, ValidationFailed
from safecommune.residents import selectors, services
from safecommune.residents.models import Ethnicity, Person, Relation, Sex
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.models import Structure

router = Router(tags=["residents"], auth=token_or_session)

LIST_LIMIT = 500
_NOT_NULL = ("full_name", "birth_date", "sex", "nationality")


class PersonOut(Schema):
    id: int
    full_name: str
    birth_date: date
    sex: Sex
    commune: str = Field(..., alias="commune.code")
    village_id: int | None


class PersonDetailOut(PersonOut):
    ethnicity: str
    citizen_id: str
    passport_number: str
    nationality: str
    phone: str
    created_at: datetime
    photo_url: str | None = Field(None, description="The photo (same access as the record), "
                                  "or null when there is none.")

    @staticmethod
    def resolve_photo_url(obj) -> str | None:
        if not selectors.person_has_photo(person=obj):
            return None
        return reverse("person-photo", args=[obj.pk])


class PersonIn(Schema):
    unit: str = Field(..., max_length=8, description="Code of the unit recorded under: a 2025 "
                      "commune, or a former commune with structure=legacy.")
    structure: Structure = Structure.CURRENT
    full_name: str = Field(..., min_length=1, max_length=150)
    birth_date: date
    sex: Sex
    ethnicity: Ethnicity | None = None
    citizen_id: str = Field("", max_length=20)
    passport_number: str = Field("", max_length=20)
    nationality: str = Field("VN", max_length=2)
    phone: str = Field("", max_length=20)
    village_id: int | None = None


class PersonPatch(Schema):
    """Only the fields given change; the rules are those of a new person."""

    full_name: str | None = Field(None, min_length=1, max_length=150)
    birth_date: date | None = None
    sex: Sex | None = None
    ethnicity: Ethnicity | Literal[""] | None = None
    citizen_id: str | None = Field(None, max_length=20)
    passport_number: str | None = Field(None, max_length=20)
    nationality: str | None = Field(None, max_length=2)
    phone: str | None = Field(None, max_length=20)
    village_id: int | None = Field(None, description="null removes the village.")


class PhotoOut(Schema):
    person_id: int
    url: str
    content_type: str
    width: int
    height: int
    size: int


class MemberOut(Schema):
    id: int
    person_id: int
    full_name: str = Field(..., alias="person.full_name")
    relation: Relation
    joined_on: date
    left_on: date | None


class HouseholdOut(Schema):
    id: int
    address: str
    commune: str = Field(..., alias="commune.code")
    village_id: int | None
    head_id: int | None


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]


class HouseholdIn(Schema):
    unit: str = Field(..., max_length=8)
    structure: Structure = Structure.CURRENT
    address: str = Field(..., min_length=1, max_length=255)
    village_id: int | None = None


class MemberIn(Schema):
    person_id: int
    relation: Relation
    joined_on: date | None = None


def _forbidden():
    return HttpError(403, _("You are not allowed to do this."))


def _unit_for_edit(request, structure: str, code: str):
    unit = territory_selectors.unit_get(structure=structure, code=code)
    commune = services.commune_of(unit)
    if not can_edit_commune(request.auth, commune):
        raise _forbidden()
    return unit, commune


def _editable_person(request, id: int) -> Person:
    """A person the user may see (else 404) and edit (else 403)."""
    person = selectors.person_get_for(user=request.auth, id=id)
    if not can_edit_commune(request.auth, person.commune):
        raise _forbidden()
    return person


def multipart_file(request, name: str):
    """The uploaded file ``name`` of a multipart body, whatever the method: Django parses
    files on POST only, and ninja's fix for PUT is a project-wide middleware."""
    if request.method != "POST" and request.content_type == "multipart/form-data":
        method = request.method
        request.method = "POST"
        try:
            request._load_post_and_files()
        except MultiPartParserError:
            request._files = MultiValueDict()
        finally:
            request.method = method
    upload = request.FILES.get(name)
    if upload is None:
        raise ValidationFailed([{"field": name, "rule": "required",
                                 "message": _("Send the image as the multipart field "
                                              "“%(name)s”.") % {"name": name}}])
    return upload


def _village(commune, village_id: int | None):
    if village_id is None:
        return None
    village = commune.villages.active().filter(pk=village_id).first()
    if village is None:
        raise NotFound(_("No village with id %(id)s in this commune.") % {"id": village_id},
                       field="village_id", rule="exists")
    return village


@router.get("/persons", response=list[PersonOut], summary="Persons in your jurisdiction; "
            "?q= searches names, citizen IDs, phones and addresses")
def person_list(request, q: str = "", commune: str = ""):
    if q.strip():
        persons = selectors.person_search(user=request.auth, query=q)
        return [p for p in persons if not commune or p.commune.code == commune]
    persons = selectors.person_visible_to(user=request.auth)
    if commune:
        persons = persons.filter(commune__code=commune, commune__structure=Structure.CURRENT)
    return list(persons.order_by("name_key", "id")[:LIST_LIMIT])


@router.get("/persons/{id}", response=PersonDetailOut,
            summary="A person's full record (the read is audited)")
def person_detail(request, id: int):
    person = selectors.person_get_for(user=request.auth, id=id)
    services.person_record_read(actor=request.auth, person=person)
    return person


@router.post("/persons", response={201: PersonDetailOut}, summary="Record a person (staff)")
def person_create(request, payload: PersonIn):
    data = payload.dict()
    unit, commune = _unit_for_edit(request, data.pop("structure"), data.pop("unit"))
    village = _village(commune, data.pop("village_id"))
    data["ethnicity"] = data["ethnicity"] or ""
    person = services.person_create(actor=request.auth, unit=unit, village=village, **data)
    return Status(201, Person.objects.select_related("commune").get(pk=person.pk))


@router.patch("/persons/{id}", response=PersonDetailOut,
              summary="Change some of a person's fields (staff); the rules of a new person hold")
def person_patch(request, id: int, payload: PersonPatch):
    person = _editable_person(request, id)
    changes = payload.dict(exclude_unset=True)
    for name in _NOT_NULL:
        if name in changes and changes[name] is None:
            raise ValidationFailed([{"field": name, "rule": "required",
                                     "message": _("This field cannot be empty.")}])
    if "ethnicity" in changes:
        changes["ethnicity"] = changes["ethnicity"] or ""
    for name in ("citizen_id", "passport_number", "phone"):
        if name in changes:
            changes[name] = changes[name] or ""
    if "village_id" in changes:
        changes["village"] = _village(person.commune, changes.pop("village_id"))
    person = services.person_update(actor=request.auth, person=person, **changes)
    return Person.objects.select_related("commune").get(pk=person.pk)


_PHOTO_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["photo"],
    "properties": {"photo": {"type": "string", "format": "binary",
                             "description": "A JPEG, PNG or WebP image."}}}}}}}


@router.put("/persons/{id}/photo", response=PhotoOut, openapi_extra=_PHOTO_BODY,
            summary="Set or replace a person's photo (staff; multipart field \"photo\"); its "
                    "metadata (location, camera) is removed")
def person_photo_put(request, id: int):
    person = _editable_person(request, id)
    photo = services.person_photo_set(actor=request.auth, person=person,
                                      photo=multipart_file(request, "photo"))
    return {"person_id": person.pk, "url": reverse("person-photo", args=[person.pk]),
            "content_type": photo.content_type, "width": photo.width, "height": photo.height,
            "size": photo.size}


@router.delete("/persons/{id}/photo", response={204: None},
               summary="Remove a person's photo (staff)")
def person_photo_delete(request, id: int):
    person = _editable_person(request, id)
    services.person_photo_remove(actor=request.auth, person=person)
    return Status(204, None)


@router.get("/households", response=list[HouseholdOut], summary="Households in your jurisdiction; "
            "?no_head=true lists those without a head")
def household_list(request, commune: str = "", no_head: bool = False):
    households = selectors.household_visible_to(user=request.auth)
    if no_head:
        households = households.filter(head__isnull=True, archived_at__isnull=True)
    if commune:
        households = households.filter(commune__code=commune,
                                       commune__structure=Structure.CURRENT)
    return list(households.order_by("address_key", "id")[:LIST_LIMIT])


@router.get("/households/{id}", response=HouseholdDetailOut,
            summary="A household with its members, past ones included")
def household_detail(request, id: int):
    household = selectors.household_get_for(user=request.auth, id=id)
    return _HouseholdView(household)


class _HouseholdView:
    """A household with every membership, past ones included, for HouseholdDetailOut."""

    def __init__(self, household):
        self.id = household.pk
        self.address = household.address
        self.commune = household.commune
        self.village_id = household.village_id
        self.head_id = household.head_id
        self.members = selectors.household_members(household=household, current=False)


@router.post("/households", response={201: HouseholdDetailOut},
             summary="Record a household (staff)")
def household_create(request, payload: HouseholdIn):
    data = payload.dict()
    unit, commune = _unit_for_edit(request, data.pop("structure"), data.pop("unit"))
    village = _village(commune, data.pop("village_id"))
    household = services.household_create(actor=request.auth, unit=unit, village=village,
                                          address=data["address"])
    return Status(201, _HouseholdView(household))


@router.post("/households/{id}/members", response={201: HouseholdDetailOut},
             summary="Add a member to a household (staff)")
def household_add_member(request, id: int, payload: MemberIn):
    household = selectors.household_get_for(user=request.auth, id=id)
    if not can_edit_commune(request.auth, household.commune):
        raise _forbidden()
    person = selectors.person_visible_to(user=request.auth).filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound(_("No person with this number."), field="person_id", rule="exists")
    services.household_add_member(actor=request.auth, household=household, person=person,
                                  relation=payload.relation, joined_on=payload.joined_on)
    household.refresh_from_db()
    return Status(201, _HouseholdView(household))
