"""Reads on persons and households: one scoping function per entity for pages, API and
exports. Staff see their communes' residents; a resident sees their own household only."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.errors import DomainError, NotFound
from safecommune.core.text import fold
from safecommune.residents.models import Household, HouseholdMember, Person, phone_digits

MAX_QUERY_LENGTH = 100
_DIGITS_ONLY = re.compile(r"^[\d\s.+\-]+$")


def own_household_ids(*, user) -> list[int]:
    """Households the user's own Person record currently belongs to."""
    if user is None or not user.is_authenticated:
        return []
    return list(HouseholdMember.objects.filter(person__user=user, left_on__isnull=True)
                .values_list("household_id", flat=True))


def _scope_q(user, *, commune_field: str, own_q) -> Q | None:
    """None: everything; else the rows of the user's staff communes or their own household."""
    ids = scope_for(user).commune_ids(READER_ROLES)
    if ids is None:
        return None
    condition = Q(**{f"{commune_field}__in": ids}) if ids else Q(pk__in=[])
    households = own_household_ids(user=user)
    if households:
        condition |= own_q(households)
    return condition


def person_visible_to(*, user) -> QuerySet[Person]:
    persons = Person.objects.select_related("commune", "village")
    condition = _scope_q(user, commune_field="commune", own_q=lambda households: Q(
        pk__in=HouseholdMember.objects.filter(household__in=households, left_on__isnull=True)
        .values("person_id")))
    return persons if condition is None else persons.filter(condition)


def person_get_for(*, user, id: int) -> Person:
    """One person the user may see; missing and out-of-scope are the same 404."""
    person = person_visible_to(user=user).filter(pk=id).first()
    if person is None:
        raise NotFound(_("No person with this number."), field="id", rule="exists")
    return person


def household_visible_to(*, user) -> QuerySet[Household]:
    households = Household.objects.select_related("commune", "village", "head")
    condition = _scope_q(user, commune_field="commune",
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
    """Persons in the user's scope matching a name, a citizen ID, a phone or an address.

    Names and addresses: every folded word of the query is contained in the folded key (any
    order, partial words). Digits: a citizen ID (12 exact, or a prefix of 4 or more) or part of
    a phone number. Best matches first: the exact name, names starting with the query, then
    the rest by name.
    """
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise DomainError(_("The search text is longer than %(max)d characters.")
                          % {"max": MAX_QUERY_LENGTH}, field="q", rule="max_length")
    limit = limit or settings.SAFECOMMUNE_SEARCH_LIMIT
    persons = person_visible_to(user=user)
    if _DIGITS_ONLY.match(query):
        digits = phone_digits(query)
        if len(digits) < 4:
            return []
        match = Q(phone_key__contains=digits)
        match |= Q(citizen_id=digits) if len(digits) == 12 else Q(citizen_id__startswith=digits)
        rank = Case(When(citizen_id=digits, then=Value(0)),
                    When(citizen_id__startswith=digits, then=Value(1)),
                    When(phone_key=digits, then=Value(1)), default=Value(2),
                    output_field=IntegerField())
        return list(persons.filter(match).annotate(rank=rank)
                    .order_by("rank", "name_key", "id")[:limit])
    folded = fold(query)
    words = folded.split()
    if not words:
        return []
    by_name = Q()
    by_address = Q()
    for word in words:
        by_name &= Q(name_key__contains=word)
        by_address &= Q(address_key__contains=word)
    at_address = HouseholdMember.objects.filter(
        left_on__isnull=True,
        household__in=Household.objects.filter(by_address).values("pk")).values("person_id")
    rank = Case(When(name_key=folded, then=Value(0)),
                When(name_key__startswith=folded, then=Value(1)),
                default=Value(2), output_field=IntegerField())
    # Two queries rather than one OR: each can use its own trigram index (measured in
    # bench/person_search.py: the OR made PostgreSQL read every person in scope).
    found = list(persons.filter(by_name).annotate(rank=rank)
                 .order_by("rank", "name_key", "id")[:limit])
    if len(found) < limit:
        found += list(persons.filter(pk__in=at_address).exclude(by_name)
                      .order_by("name_key", "id")[:limit - len(found)])
    return found
