"""Reads on persons and households: one scoping function per entity for pages, API and
exports. Staff see their communes' residents; a resident sees their own household only."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.errors import NotFound
from safecommune.residents import search
from safecommune.residents.models import Household, HouseholdMember, Person, PersonPhoto


def own_household_ids(*, user) -> list[int]:
    """Households the user's own Person record currently belongs to."""
    if user is None or not user.is_authenticated:
        return []
    return list(HouseholdMember.objects.filter(person__user=user, left_on__isnull=True)
                .values_list("household_id", flat=True))


def _scope_q(user, *, commune_field: str, own_q, own: list[int] | None = None) -> Q | None:
    """None: everything; else the rows of the user's staff communes or their own household
    (``own``: the user's households, when the caller has them already)."""
    ids = scope_for(user).commune_ids(READER_ROLES)
    if ids is None:
        return None
    condition = Q(**{f"{commune_field}__in": ids}) if ids else Q(pk__in=[])
    households = own_household_ids(user=user) if own is None else own
    if households:
        condition |= own_q(households)
    return condition


def person_visible_to(*, user, own: list[int] | None = None) -> QuerySet[Person]:
    persons = Person.objects.select_related("commune", "village")
    condition = _scope_q(user, commune_field="commune", own=own, own_q=lambda households: Q(
        pk__in=HouseholdMember.objects.filter(household__in=households, left_on__isnull=True)
        .values("person_id")))
    return persons if condition is None else persons.filter(condition)


def person_get_for(*, user, id: int) -> Person:
    """One person the user may see; missing and out-of-scope are the same 404."""
    person = person_visible_to(user=user).filter(pk=id).first()
    if person is None:
        raise NotFound(_("No person with this number."), field="id", rule="exists")
    return person


def household_visible_to(*, user, own: list[int] | None = None) -> QuerySet[Household]:
    households = Household.objects.select_related("commune", "village", "head")
    condition = _scope_q(user, commune_field="commune", own=own,
                         own_q=lambda ids: Q(pk__in=ids))
    return households if condition is None else households.filter(condition)


def household_get_for(*, user, id: int) -> Household:
    household = household_visible_to(user=user).filter(pk=id).first()
    if household is None:
        raise NotFound(_("No household with this number."), field="id", rule="exists")
    return household


def household_members(*, household: Household, current: bool = True) -> list[HouseholdMember]:
    members = household.members.select_related("person")
    if current:
        members = members.filter(left_on__isnull=True)
    return list(members.order_by("left_on", "joined_on", "id"))


def person_memberships(*, person: Person) -> list[HouseholdMember]:
    """The person's households, current first, then the past ones newest first."""
    return list(person.memberships.select_related("household", "household__village")
                .order_by(Case(When(left_on__isnull=True, then=Value(0)), default=Value(1),
                               output_field=IntegerField()), "-joined_on", "-id"))


def person_search(*, user, query: str, limit: int | None = None) -> list[Person]:
    """Persons in the user's scope matching a name, a citizen ID, a phone or an address;
    best matches first (``residents/search.py``)."""
    own = own_household_ids(user=user)
    communes = None if own else scope_for(user).commune_ids(READER_ROLES)
    return search.person_search(persons=person_visible_to(user=user, own=own),
                                households=household_visible_to(user=user, own=own),
                                query=query, commune_ids=communes, limit=limit)


def person_photo_get_for(*, user, id: int) -> PersonPhoto:
    """The photo of a person the user may see; no person, not theirs or no photo: one 404."""
    person = person_get_for(user=user, id=id)
    photo = PersonPhoto.objects.filter(person=person).first()
    if photo is None:
        raise NotFound(_("This person has no photo."), field="photo", rule="exists")
    return photo


def person_has_photo(*, person: Person) -> bool:
    return PersonPhoto.objects.filter(person=person).exists()

