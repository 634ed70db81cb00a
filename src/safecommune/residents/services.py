"""Writes on persons, their photos and households. Each is one transaction with its audit
entry, whose details hold only row ids, field names, sizes and digests, never names, ID
numbers or images."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append
from safecommune.core.errors import (
    DomainError,
    NotFound,
    ValidationFailed,
    full_clean_or_raise,
)
from safecommune.core.images import SanitizedImage, image_sanitize
from safecommune.residents.cccd import validate_cccd
from safecommune.residents.models import (
    Household,
    HouseholdMember,
    Person,
    PersonPhoto,
    Relation,
    Sex,
)
from safecommune.territory.models import AdministrativeUnit, Village
from safecommune.territory.selectors import resolve_commune

PERSON_FIELDS = ("full_name", "birth_date", "sex", "ethnicity", "citizen_id", "passport_number",
                 "nationality", "phone", "village")


class _RegisteredElsewhere(Exception):
    """Raised inside the write's transaction so it rolls back; the audit entry follows."""


def commune_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    return resolve_commune(unit).commune


def _check_village(village: Village | None, commune: AdministrativeUnit) -> None:
    if village is not None and village.commune_id != commune.pk:
        raise DomainError(_("The village must belong to the same commune."), field="village",
                          rule="same_commune")


def _check_citizen_id(person: Person, *, actor) -> None:
    """Validate the CCCD's structure and that no other person holds it."""
    if not person.citizen_id:
        return
    if person.nationality != "VN":
        raise ValidationFailed([{"field": "citizen_id", "rule": "nationality",
                                 "message": _("Only Vietnamese citizens have a citizen ID; "
                                              "record a foreigner's passport instead.")}])
    person.citizen_id = validate_cccd(person.citizen_id, birth_date=person.birth_date,
                                      sex=person.sex)
    holder = Person.objects.filter(citizen_id=person.citizen_id).exclude(pk=person.pk).first()
    if holder is None:
        return
    from safecommune.residents.selectors import person_visible_to

    if person_visible_to(user=actor).filter(pk=holder.pk).exists():
        link = reverse("person-detail", args=[holder.pk])
        raise ValidationFailed([{"field": "citizen_id", "rule": "registered",
                                 "message": _("This citizen ID is already registered to "
                                              "%(name)s.") % {"name": holder.full_name},
                                 "link": link}])
    raise _RegisteredElsewhere


def _refuse_registered_elsewhere(*, actor, commune, obj=None):
    """Record the attempt in the commune's chain, committed on its own, then refuse."""
    with transaction.atomic():
        audit_append(action="person.cccd_conflict", actor=actor, commune=commune, obj=obj,
                     details={"field": "citizen_id"})
    return ValidationFailed([{"field": "citizen_id", "rule": "registered_elsewhere",
                              "message": _("This citizen ID is registered in another "
                                           "commune.")}])


def _clean_person(person: Person) -> None:
    person.full_name = " ".join((person.full_name or "").split())
    person.nationality = (person.nationality or "").strip().upper()
    person.citizen_id = (person.citizen_id or "").strip()
    person.passport_number = (person.passport_number or "").strip()
    person.phone = (person.phone or "").strip()
    if person.sex not in Sex.values:
        raise ValidationFailed([{"field": "sex", "rule": "choice",
                                 "message": _("Choose a sex from the list.")}])
    if len(person.nationality) != 2 or not person.nationality.isalpha():
        raise ValidationFailed([{"field": "nationality", "rule": "iso3166",
                                 "message": _("Give the nationality as a two-letter country "
                                              "code, such as VN.")}])
    if person.birth_date and person.birth_date > timezone.localdate():
        raise ValidationFailed([{"field": "birth_date", "rule": "future",
                                 "message": _("The date of birth is in the future.")}])


def photo_sanitize(upload) -> SanitizedImage | None:
    """The person photo from an upload, checked and stripped before any transaction opens."""
    if upload is None:
        return None
    return image_sanitize(upload, max_bytes=settings.SAFECOMMUNE_PHOTO_MAX_BYTES,
                          max_pixels=settings.SAFECOMMUNE_PHOTO_MAX_PIXELS,
                          max_side=settings.SAFECOMMUNE_PHOTO_MAX_SIDE, field="photo")


def person_create(*, actor, unit: AdministrativeUnit, full_name: str, birth_date: date,
                  sex: str, ethnicity: str = "", citizen_id: str = "",
                  passport_number: str = "", nationality: str = "VN", phone: str = "",
                  village: Village | None = None, user=None, photo=None) -> Person:
    """A person recorded under ``unit`` (a 2025 commune or a former one, resolved).

    A citizen ID held by someone the actor may see is refused with a link to them; one held
    elsewhere is refused without details, and the attempt goes into the audit chain. An
    optional ``photo`` upload is sanitized first: a bad photo writes no person.
    """
    commune = commune_of(unit)
    image = photo_sanitize(photo)
    try:
        return _person_create(actor=actor, unit=unit, commune=commune, full_name=full_name,
                              birth_date=birth_date, sex=sex, ethnicity=ethnicity,
                              citizen_id=citizen_id, passport_number=passport_number,
                              nationality=nationality, phone=phone, village=village, user=user,
                              image=image)
    except _RegisteredElsewhere:
        raise _refuse_registered_elsewhere(actor=actor, commune=commune) from None


@transaction.atomic
def _person_create(*, actor, unit, commune, village, image, **fields) -> Person:
    _check_village(village, commune)
    person = Person(recorded_unit=unit, commune=commune, village=village, created_by=actor,
                    modified_by=actor, **fields)
    _clean_person(person)
    _check_citizen_id(person, actor=actor)
    full_clean_or_raise(person, validate_constraints=False)
    person.save()
    audit_append(action="person.create", actor=actor, commune=commune, obj=person)
    if image is not None:
        _photo_store(actor=actor, person=person, image=image)
    return person


def _field_value(person: Person, name: str):
    return person.village_id if name == "village" else getattr(person, name)


def person_update(*, actor, person: Person, photo=None, remove_photo: bool = False,
                  **changes) -> Person:
    """Change some of a person's fields (``PERSON_FIELDS``), and set or remove the photo.

    The same rules as ``person_create`` hold, a changed citizen ID included. All or nothing:
    on any error the stored person (and photo) is unchanged. The audit entry names the fields
    that really changed; an update that changes nothing writes nothing.
    """
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                          field=sorted(unknown)[0], rule="unknown")
    image = photo_sanitize(photo)
    try:
        return _person_update(actor=actor, person=person, changes=changes, image=image,
                              remove_photo=remove_photo and image is None)
    except _RegisteredElsewhere:
        person.refresh_from_db()
        raise _refuse_registered_elsewhere(actor=actor, commune=person.commune,
                                           obj=person) from None


@transaction.atomic
def _person_update(*, actor, person: Person, changes: dict, image, remove_photo: bool) -> Person:
    person = Person.objects.select_for_update(of=("self",)).select_related("commune").get(
        pk=person.pk)
    _check_village(changes.get("village"), person.commune)
    before = {name: _field_value(person, name) for name in PERSON_FIELDS}
    for name, value in changes.items():
        setattr(person, name, value)
    _clean_person(person)
    _check_citizen_id(person, actor=actor)
    full_clean_or_raise(person, validate_constraints=False)
    changed = [name for name in PERSON_FIELDS if _field_value(person, name) != before[name]]
    if changed:
        person.modified_by = actor
        person.save(update_fields=[*changed, "modified_by", "modified_at"])
        audit_append(action="person.update", actor=actor, commune=person.commune, obj=person,
                     details={"fields": changed})
    if image is not None:
        _photo_store(actor=actor, person=person, image=image)
    elif remove_photo:
        _photo_remove(actor=actor, person=person)
    return person


def _photo_store(*, actor, person: Person, image: SanitizedImage) -> PersonPhoto:
    photo = PersonPhoto.objects.select_for_update().filter(person=person).first()
    replaced = photo is not None
    if photo is None:
        photo = PersonPhoto(person=person, created_by=actor)
    photo.commune = person.commune
    photo.content = image.content
    photo.content_type = image.content_type
    photo.width, photo.height, photo.size = image.width, image.height, image.size
    photo.sha256 = image.sha256
    photo.modified_by = actor
    photo.save()
    audit_append(action="person.photo_set", actor=actor, commune=person.commune, obj=person,
                 details={"bytes": image.size, "sha256": image.sha256, "replaced": replaced})
    return photo


def _photo_remove(*, actor, person: Person) -> bool:
    photo = PersonPhoto.objects.select_for_update().filter(person=person).first()
    if photo is None:
        return False
    digest = photo.sha256
    photo.delete()
    audit_append(action="person.photo_remove", actor=actor, commune=person.commune, obj=person,
                 details={"sha256": digest})
    return True


def person_photo_set(*, actor, person: Person, photo) -> PersonPhoto:
    """Set or replace the person's photo from an upload (sanitized before the transaction)."""
    image = photo_sanitize(photo)
    if image is None:
        raise ValidationFailed([{"field": "photo", "rule": "required",
                                 "message": _("Choose an image file to upload.")}])
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).select_related("commune").get(
            pk=person.pk)
        return _photo_store(actor=actor, person=person, image=image)


@transaction.atomic
def person_photo_remove(*, actor, person: Person) -> None:
    """Remove the photo for good (no copy is kept; the audit entry keeps its digest only)."""
    person = Person.objects.select_for_update(of=("self",)).select_related("commune").get(
        pk=person.pk)
    if not _photo_remove(actor=actor, person=person):
        raise NotFound(_("This person has no photo."), field="photo", rule="exists")


@transaction.atomic
def person_record_read(*, actor, person: Person) -> None:
    """Opening a person's full record is in the audit chain (DESIGN.md rule 2)."""
    audit_append(action="person.read", actor=actor, commune=person.commune, obj=person)


@transaction.atomic
def household_create(*, actor, unit: AdministrativeUnit, address: str,
                     village: Village | None = None) -> Household:
    commune = commune_of(unit)
    _check_village(village, commune)
    address = " ".join((address or "").split())
    if not address:
        raise ValidationFailed([{"field": "address", "rule": "required",
                                 "message": _("Give the household's address.")}])
    household = Household(recorded_unit=unit, commune=commune, village=village, address=address,
                          created_by=actor, modified_by=actor)
    full_clean_or_raise(household, validate_constraints=False)
    household.save()
    audit_append(action="household.create", actor=actor, commune=commune, obj=household)
    return household


def _active_membership(person: Person) -> HouseholdMember | None:
    return (HouseholdMember.objects.select_for_update()
            .filter(person=person, left_on__isnull=True).first())


@transaction.atomic
def household_add_member(*, actor, household: Household, person: Person, relation: str,
                         joined_on: date | None = None) -> HouseholdMember:
    """Add a person; relation ``head`` makes them the household's head (there is one)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if relation not in Relation.values:
        raise ValidationFailed([{"field": "relation", "rule": "choice",
                                 "message": _("Choose a relation from the list.")}])
    if person.commune_id != household.commune_id:
        raise DomainError(_("The person must be a resident of the household's commune."),
                          field="person", rule="same_commune")
    if _active_membership(person) is not None:
        raise DomainError(_("This person already belongs to a household; record their move "
                            "out first."), field="person", rule="active_membership")
    if relation == Relation.HEAD and household.members.filter(
            left_on__isnull=True, relation=Relation.HEAD).exists():
        raise DomainError(_("The household already has a head; change the head instead."),
                          field="relation", rule="one_head")
    member = HouseholdMember(household=household, person=person, relation=relation,
                             joined_on=joined_on or timezone.localdate(), created_by=actor,
                             modified_by=actor)
    full_clean_or_raise(member, validate_constraints=False)
    member.save()
    if relation == Relation.HEAD:
        household.head = person
        household.modified_by = actor
        household.save(update_fields=["head", "modified_by", "modified_at"])
    audit_append(action="household.add_member", actor=actor, commune=household.commune,
                 obj=household, details={"member": member.pk, "relation": relation})
    return member


@transaction.atomic
def household_set_head(*, actor, household: Household, person: Person,
                       former_head_relation: str = Relation.OTHER) -> Household:
    """Make an active member the head; the former head stays a member with another relation."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    member = household.members.filter(person=person, left_on__isnull=True).first()
    if member is None:
        raise DomainError(_("The head must be a member of the household."), field="person",
                          rule="member")
    if former_head_relation not in Relation.values or former_head_relation == Relation.HEAD:
        raise ValidationFailed([{"field": "former_head_relation", "rule": "choice",
                                 "message": _("Choose a relation from the list.")}])
    household.members.filter(left_on__isnull=True, relation=Relation.HEAD).exclude(
        pk=member.pk).update(relation=former_head_relation, modified_by=actor,
                             modified_at=timezone.now())
    member.relation = Relation.HEAD
    member.modified_by = actor
    member.save(update_fields=["relation", "modified_by", "modified_at"])
    household.head = person
    household.modified_by = actor
    household.save(update_fields=["head", "modified_by", "modified_at"])
    audit_append(action="household.set_head", actor=actor, commune=household.commune,
                 obj=household, details={"member": member.pk})
    return household


@transaction.atomic
def person_move_out(*, actor, person: Person, left_on: date | None = None) -> HouseholdMember:
    """End the person's membership; the row stays as history."""
    member = _active_membership(person)
    if member is None:
        raise DomainError(_("This person does not belong to a household."), field="person",
                          rule="active_membership")
    left_on = left_on or timezone.localdate()
    if left_on < member.joined_on:
        raise ValidationFailed([{"field": "left_on", "rule": "after_joining",
                                 "message": _("The person cannot leave before they joined.")}])
    member.left_on = left_on
    member.modified_by = actor
    member.save(update_fields=["left_on", "modified_by", "modified_at"])
    household = member.household
    if household.head_id == person.pk:
        household.head = None
        household.modified_by = actor
        household.save(update_fields=["head", "modified_by", "modified_at"])
    audit_append(action="person.move_out", actor=actor, commune=household.commune, obj=household,
                 details={"member": member.pk})
    return member
