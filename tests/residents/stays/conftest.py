"""Stays fixtures: an accommodation in Ia Krái and notices made through the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from safecommune.residents.stays import services
from safecommune.territory.services import place_create

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CCCD = "064090012345"  # Gia Lai, 1900s male, born 1990


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


@pytest.fixture
def hotel(ia_krai):
    return place_create(commune=ia_krai, kind="accommodation", name="Nhà nghỉ Biên Giới")


@pytest.fixture
def hai_son_hotel(hai_son):
    return place_create(commune=hai_son, kind="accommodation", name="Nhà nghỉ Hải Sơn")


@pytest.fixture
def vietnamese_guest():
    return {"guest_full_name": "Nguyễn Văn Khách", "guest_birth_date": date(1990, 3, 2),
            "guest_citizen_id": CCCD}


@pytest.fixture
def foreign_guest():
    return {"guest_full_name": "Anna Svensson", "guest_birth_date": date(1988, 6, 1),
            "guest_nationality": "SE", "guest_passport_number": "AB1234567"}


@pytest.fixture
def notify(officer, ia_krai, vietnamese_guest):
    def make(*, arrival_at=None, notified_at=None, departure_on=None, actor=None, unit=None,
             host_kind="household", **extra):
        arrival_at = arrival_at or timezone.now() - timedelta(hours=1)
        fields = {"host_address": "5 Lê Lợi"} if host_kind == "household" else {}
        fields.update(vietnamese_guest if "guest_full_name" not in extra else {})
        fields.update(extra)
        return services.stay_notify(
            actor=actor or officer, unit=unit or ia_krai, host_kind=host_kind,
            arrival_at=arrival_at, notified_at=notified_at,
            departure_on=departure_on or timezone.localdate(arrival_at) + timedelta(days=2),
            **fields)

    return make
