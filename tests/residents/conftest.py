"""Residents fixtures: Ia Krái (Gia Lai) staff and records made through the services."""

from __future__ import annotations

from datetime import date

import pytest

from safecommune.accounts.roles import Role
from safecommune.residents import services

IA_KRAI, HAI_SON, GIA_LAI = "23776", "06724", "52"


@pytest.fixture
def ia_krai(units):
    return units("2025", IA_KRAI)


@pytest.fixture
def hai_son(units):
    return units("2025", HAI_SON)


@pytest.fixture
def officer(make_user, ia_krai):
    return make_user(Role.COMMUNE_OFFICER, ia_krai)


@pytest.fixture
def other_officer(make_user, hai_son):
    return make_user(Role.COMMUNE_OFFICER, hai_son)


@pytest.fixture
def province_viewer(make_user, units):
    return make_user(Role.PROVINCE_VIEWER, units("2025", GIA_LAI))


@pytest.fixture
def make_person(officer, ia_krai):
    def make(full_name="Nguyễn Văn An", *, actor=None, unit=None, birth_date=date(1990, 3, 2),
             sex="male", **extra):
        return services.person_create(actor=actor or officer, unit=unit or ia_krai,
                                      full_name=full_name, birth_date=birth_date, sex=sex,
                                      **extra)

    return make


@pytest.fixture
def make_household(officer, ia_krai):
    def make(address="12 Trần Hưng Đạo", *, actor=None, unit=None, members=()):
        household = services.household_create(actor=actor or officer, unit=unit or ia_krai,
                                              address=address)
        for person, relation in members:
            services.household_add_member(actor=actor or officer, household=household,
                                          person=person, relation=relation)
        household.refresh_from_db()
        return household

    return make
