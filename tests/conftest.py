"""Test set-up: the real territories are loaded once per session into the test database."""

from __future__ import annotations

import os
import tempfile

# Tests never touch the developer's ./var: secrets and files go to a throw-away folder.
os.environ.setdefault("SAFECOMMUNE_VAR_DIR", tempfile.mkdtemp(prefix="safecommune-test-var-"))

import pytest  # noqa: E402


def pytest_collection_modifyitems(config, items):
    # Live-server tests flush the database when they end; run them last so the session's
    # territories stay in place for everything else.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from safecommune.territory.loader import territory_load

    with django_db_blocker.unblock():
        territory_load()


@pytest.fixture
def units(db):
    """Look-ups of real units by (structure, code)."""
    from safecommune.territory.models import AdministrativeUnit

    def get(structure: str, code: str) -> AdministrativeUnit:
        return AdministrativeUnit.objects.get(structure=structure, code=code)

    return get


@pytest.fixture
def staff_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("staff", password="a-long-test-password",
                                                is_staff=True)


@pytest.fixture
def plain_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("resident", password="a-long-test-password")
