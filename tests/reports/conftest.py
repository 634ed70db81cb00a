"""Reports fixtures: Ia Krái (Gia Lai) staff, Hải Sơn's officer, and records made through the
services."""

from __future__ import annotations

import pytest

from safecommune.accounts.roles import Role
from tests.reports import factories

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
def chief(make_user, ia_krai):
    return make_user(Role.COMMUNE_CHIEF, ia_krai)


@pytest.fixture
def other_officer(make_user, hai_son):
    return make_user(Role.COMMUNE_OFFICER, hai_son)


@pytest.fixture
def province_viewer(make_user, units):
    return make_user(Role.PROVINCE_VIEWER, units("2025", GIA_LAI))


@pytest.fixture
def province_admin(make_user, units):
    return make_user(Role.PROVINCE_ADMIN, units("2025", GIA_LAI))


@pytest.fixture
def resident(make_user, ia_krai):
    return make_user(Role.RESIDENT, ia_krai)


@pytest.fixture
def team_leader(make_user, ia_krai):
    return make_user(Role.TEAM_LEADER, ia_krai)


@pytest.fixture
def make_incident(officer, ia_krai):
    def make(**fields):
        fields.setdefault("actor", officer)
        fields.setdefault("unit", ia_krai)
        return factories.incident(**fields)

    return make


@pytest.fixture
def make_report(officer, ia_krai):
    def make(**fields):
        fields.setdefault("actor", officer)
        fields.setdefault("unit", ia_krai)
        return factories.report(**fields)

    return make


@pytest.fixture
def make_call(officer, ia_krai):
    def make(**fields):
        fields.setdefault("actor", officer)
        fields.setdefault("unit", ia_krai)
        return factories.call(**fields)

    return make
