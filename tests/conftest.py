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


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(request, settings):
    # Tests sign staff in with force_login; the second factor has its own tests
    # (marked two_factor), which keep it on as production does.
    settings.SAFECOMMUNE_STAFF_2FA = request.node.get_closest_marker("two_factor") is not None
    # A fast hasher keeps the suite quick; production hashing is Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The demo's 55,000 people take a minute; tests that run the demo make 2 % of them.
    settings.SAFECOMMUNE_DEMO_POPULATION_SCALE = 0.02


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Messages built outside a request (services, tasks) are English in tests, whatever
    # language an earlier request on this thread left active; requests choose their own.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits and lockouts live in the cache; every test starts with none.
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


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
    """A system administrator: Django staff (admin site, jobs page) with the system-admin role."""
    from django.contrib.auth import get_user_model

    from safecommune.accounts.models import RoleAssignment
    from safecommune.accounts.roles import Role

    user = get_user_model().objects.create_user("staff", password="a-long-test-password",
                                                is_staff=True)
    RoleAssignment.objects.create(user=user, role=Role.SYSTEM_ADMIN)
    return user


@pytest.fixture
def make_user(db):
    """make_user(role, unit=None, username=None): a user holding one role on a unit."""
    from django.contrib.auth import get_user_model

    from safecommune.accounts.models import RoleAssignment

    counter = iter(range(1, 10_000))

    def make(role=None, unit=None, username=None, **extra):
        user = get_user_model().objects.create_user(
            username or f"{role or 'user'}-{next(counter)}", password="a-long-test-password",
            **extra)
        if role:
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        return user

    return make


@pytest.fixture
def plain_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("resident", password="a-long-test-password")


# --- Personas of the demo communes (Ia Krái in Gia Lai; Hải Sơn for "another commune") ------
# Shared by the apps' tests; a test module or app conftest may define its own instead.

IA_KRAI, HAI_SON, GIA_LAI = "23776", "06724", "52"


@pytest.fixture
def ia_krai(units):
    return units("2025", IA_KRAI)


@pytest.fixture
def hai_son(units):
    return units("2025", HAI_SON)


@pytest.fixture
def officer(make_user, ia_krai):
    from safecommune.accounts.roles import Role

    return make_user(Role.COMMUNE_OFFICER, ia_krai)


@pytest.fixture
def chief(make_user, ia_krai):
    from safecommune.accounts.roles import Role

    return make_user(Role.COMMUNE_CHIEF, ia_krai)


@pytest.fixture
def other_officer(make_user, hai_son):
    from safecommune.accounts.roles import Role

    return make_user(Role.COMMUNE_OFFICER, hai_son)


@pytest.fixture
def province_viewer(make_user, units):
    from safecommune.accounts.roles import Role

    return make_user(Role.PROVINCE_VIEWER, units("2025", GIA_LAI))


@pytest.fixture
def province_admin(make_user, units):
    from safecommune.accounts.roles import Role

    return make_user(Role.PROVINCE_ADMIN, units("2025", GIA_LAI))


@pytest.fixture
def resident(make_user, ia_krai):
    from safecommune.accounts.roles import Role

    return make_user(Role.RESIDENT, ia_krai)


@pytest.fixture
def team_leader(make_user, ia_krai):
    from safecommune.accounts.roles import Role

    return make_user(Role.TEAM_LEADER, ia_krai)
