"""Open311 fixtures: Ia Krái (Gia Lai) and Hải Sơn, a client key, and reports made through
the reports services as each channel makes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.accounts.roles import Role

IA_KRAI, HAI_SON = "23776", "06724"
IA_KRAI_CENTRE = (14.0051, 107.685)
# Open sea far south of Cà Mau: a valid point that lies in no commune.
NO_COMMUNE = (5.0, 107.0)
BASE = "/open311/v2"


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
def issued(db):
    from safecommune.reports.open311.keys import api_key_create

    return api_key_create(name="Ứng dụng phản ánh thử")


@pytest.fixture
def api_key(issued) -> str:
    return issued.secret


@pytest.fixture
def form(api_key):
    """A valid Open311 POST body for Ia Krái's centre; keyword arguments change fields
    (None drops one)."""

    def make(**fields) -> dict:
        data = {"api_key": api_key, "service_code": "traffic_accident",
                "lat": str(IA_KRAI_CENTRE[0]), "long": str(IA_KRAI_CENTRE[1]),
                "description": "Xe tải va chạm xe máy ở ngã ba"}
        data.update(fields)
        return {name: value for name, value in data.items() if value is not None}

    return make


@pytest.fixture
def submit(client, form):
    """POST requests.{fmt} form-encoded, as the spec describes."""

    def post(fmt: str = "json", query: str = "", headers: dict | None = None,
             extra: dict | None = None, **fields):
        from urllib.parse import urlencode

        path = f"{BASE}/requests.{fmt}" + (f"?{query}" if query else "")
        return client.post(path, urlencode(form(**fields)),
                           content_type="application/x-www-form-urlencoded",
                           headers=headers or {}, **(extra or {}))

    return post


@pytest.fixture
def make_report(officer, ia_krai):
    """A report through ``report_create``: by default an anonymous Open311 report of a traffic
    accident at Ia Krái's centre, received an hour ago."""
    from safecommune.reports.services import report_create

    def make(**fields):
        fields.setdefault("actor", None)
        fields.setdefault("unit", ia_krai)
        fields.setdefault("category", "traffic_accident")
        fields.setdefault("channel", "open311")
        fields.setdefault("description", "Hai xe máy va chạm ở ngã ba")
        fields.setdefault("point", IA_KRAI_CENTRE)
        fields.setdefault("received_at", timezone.now() - timedelta(hours=1))
        return report_create(**fields)

    return make


def dump_database() -> str:
    """Every row of every table as text, to look for what must not be stored."""
    from django.apps import apps
    from django.db import connection

    dumped = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
            dumped.append(repr(cursor.fetchall()))
    return "\n".join(dumped)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Live-server tests flush the database when they end (like the browser tests the root
    # conftest already moves to the end): run them after everything else.
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))
