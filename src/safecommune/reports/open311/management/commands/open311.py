"""``safecommune open311 key create --name NAME [--hourly-limit N]`` / ``key list`` /
``key revoke PREFIX``: Open311 client keys. A new key is printed once on standard output."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safecommune.core.errors import DomainError
from safecommune.reports.open311.keys import api_key_create, api_key_revoke
from safecommune.reports.open311.models import ApiKey


class Command(BaseCommand):
    help = "Manage Open311 GeoReport v2 client keys."

    def add_arguments(self, parser):
        groups = parser.add_subparsers(dest="group", required=True)
        key = groups.add_parser("key", help="Create, list or revoke client keys.")
        actions = key.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a key; it is printed once.")
        create.add_argument("--name", required=True, help="The client application's name.")
        create.add_argument("--hourly-limit", type=int, default=None,
                            help="Submissions per hour (default: the server's setting).")
        actions.add_parser("list", help="Every key with its last use.")
        revoke = actions.add_parser("revoke", help="Revoke a key by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            try:
                issued = api_key_create(name=options["name"],
                                        hourly_limit=options["hourly_limit"])
            except DomainError as exc:
                raise CommandError(f"{exc.field}: {exc.message}") from None
            self.stdout.write(issued.secret)
            self.stderr.write(f"Open311 key {issued.key.prefix} for {issued.key.name!r}; it is "
                              "not shown again.")
        elif action == "list":
            for row in ApiKey.objects.order_by("created_at", "id"):
                state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
                used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
                limit = row.hourly_limit or "default"
                self.stdout.write(f"{row.prefix}  {row.name}  {state}  {limit}/h  "
                                  f"last used {used}")
        else:
            row = ApiKey.objects.filter(prefix=options["prefix"]).first()
            if row is None:
                raise CommandError(f"No Open311 key with prefix {options['prefix']!r}.")
            api_key_revoke(key=row)
            self.stdout.write(f"Open311 key {row.prefix} revoked.")
