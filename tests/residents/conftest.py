"""Residents fixtures: records made through the services (the personas are in tests/conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest

from safecommune.residents import services


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
