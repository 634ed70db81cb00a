"""``safecommune demo``: territories (if not loaded), the demo communes, and a demo admin."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from safecommune.accounts.models import RoleAssignment
from safecommune.accounts.roles import Role
from safecommune.demo.personas import seed_demo_personas
from safecommune.demo.history import seed_demo_history
from safecommune.demo.population import DEMO_POPULATION, seed_demo_population
from safecommune.demo.reports import seed_demo_reports
from safecommune.demo.seed import seed_demo_territories
from safecommune.reports.open311.keys import demo_api_key
from safecommune.territory.models import AdministrativeUnit

EXPECTED_UNITS = 3321 + 34 + 10035 + 696 + 63


class Command(BaseCommand):
    help = "Set up the demo communes of the source articles (idempotent)."

    def handle(self, *args, **options):
        if AdministrativeUnit.objects.count() < EXPECTED_UNITS:
            call_command("territory", "load", stdout=self.stdout)
        report = seed_demo_territories()
        self.stdout.write(self.style.SUCCESS(
            f"Demo communes ready ({report.communes}): {', '.join(report.names)}; "
            f"{report.villages_created} villages and {report.places_created} places added."))
        population = seed_demo_population()
        if population.persons:
            self.stdout.write(f"Demo people: {population.persons} persons in "
                              f"{population.households} households in {population.communes} "
                              "communes.")
        history = seed_demo_history(codes=list(DEMO_POPULATION))
        if history.temporary or history.stays:
            self.stdout.write(f"Demo history: {history.temporary} temporary residences, "
                              f"{history.absences} absences, {history.stays} stay notices.")
        username, password, created = self.demo_admin()
        note = "created" if created else "existing"
        self.stdout.write(f"Demo admin ({note}): {username} / {password}")
        self.stdout.write("Demo logins (username / password / API token · role · unit):")
        for login in seed_demo_personas():
            self.stdout.write(f"  {login.username} / {login.password} / {login.token} · "
                              f"{login.role} · {login.unit}")
        # After the personas: the demo officers and chiefs are the incidents' assignees.
        reports = seed_demo_reports()
        if reports.communes:
            self.stdout.write(f"Demo reports: {reports.calls} hotline calls (Trì Quang's "
                              f"keychain: {reports.keychain_calls}), {reports.reports} reports, "
                              f"{reports.incidents} incidents, {reports.outcomes} outcomes, "
                              f"{reports.alerts} overdue-tip alerts.")
        self.stdout.write(f"Open311 api_key: {demo_api_key()}")
        self.stdout.write("Logins and tokens are kept in var/demo-logins.json. The demo runs "
                          "without the staff second factor (make demo sets "
                          "SAFECOMMUNE_DEMO_WITHOUT_2FA=1).")

    @transaction.atomic
    def demo_admin(self) -> tuple[str, str, bool]:
        """A superuser for the demo; its password is generated once and kept under var/."""
        path = settings.VAR_DIR / "demo-admin-password"
        if path.exists():
            password = path.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(password)
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True})
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = user.is_superuser = True
            user.save()
        RoleAssignment.objects.get_or_create(user=user, role=Role.SYSTEM_ADMIN,
                                             revoked_at=None)
        return "admin", password, created
