"""Demo personas: per demo commune an officer, a chief, a team leader and a resident; a
province viewer and admin for Gia Lai and Quảng Trị; a system administrator.

Passwords and one API token per user are generated once and kept in
``var/demo-logins.json`` (mode 0600), so re-running the demo prints the same logins.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from safecommune.accounts.roles import Role
from safecommune.accounts.services import role_assign
from safecommune.accounts.tokens import token_authenticate, token_create
from safecommune.demo.seed import DEMO_COMMUNES
from safecommune.territory.models import AdministrativeUnit, Structure

COMMUNE_PERSONAS = [(Role.COMMUNE_OFFICER, "officer"), (Role.COMMUNE_CHIEF, "chief"),
                    (Role.TEAM_LEADER, "leader"), (Role.RESIDENT, "resident")]
DEMO_PROVINCES = {"52": "gialai", "44": "quangtri"}


@dataclass
class DemoLogin:
    username: str
    password: str
    token: str
    role: str
    unit: str


def _store_path():
    return settings.VAR_DIR / "demo-logins.json"


def _load_store() -> dict:
    path = _store_path()
    return json.loads(path.read_text()) if path.exists() else {}


def _save_store(store: dict) -> None:
    path = _store_path()
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(store, handle, indent=1, sort_keys=True)


def _persona_specs():
    for spec in DEMO_COMMUNES:
        commune = AdministrativeUnit.objects.get(structure=Structure.CURRENT, code=spec.code)
        slug = commune.name_key.split(" ", 1)[-1].replace(" ", "")
        for role, suffix in COMMUNE_PERSONAS:
            yield f"{slug}.{suffix}", role, commune
    for code, slug in DEMO_PROVINCES.items():
        province = AdministrativeUnit.objects.get(structure=Structure.CURRENT, code=code)
        yield f"{slug}.viewer", Role.PROVINCE_VIEWER, province
        yield f"{slug}.admin", Role.PROVINCE_ADMIN, province
    yield "sysadmin", Role.SYSTEM_ADMIN, None


@transaction.atomic
def seed_demo_personas() -> list[DemoLogin]:
    store = _load_store()
    User = get_user_model()
    logins = []
    for username, role, unit in _persona_specs():
        entry = store.get(username) or {}
        password = entry.get("password") or secrets.token_urlsafe(12)
        user, created = User.objects.get_or_create(username=username)
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
            user.save()
        role_assign(user=user, role=role, unit=unit)
        token = entry.get("token")
        if not token or token_authenticate(token) != user:
            token = token_create(user=user, name="demo").secret
        store[username] = {"password": password, "token": token}
        logins.append(DemoLogin(username, password, token, role,
                                unit.name if unit is not None else "—"))
    _save_store(store)
    return logins
