"""``safecommune token create USERNAME`` / ``list USERNAME`` / ``revoke PREFIX``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safecommune.accounts.models import ApiToken
from safecommune.accounts.tokens import DEFAULT_DAYS, token_create, token_revoke
from safecommune.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token; it is printed once.")
        create.add_argument("username")
        create.add_argument("--name", default="command line")
        create.add_argument("--days", type=int, default=DEFAULT_DAYS)
        listing = sub.add_parser("list", help="A user's tokens with their last use.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def handle(self, *args, action, **options):
        if action == "create":
            try:
                issued = token_create(user=self._user(options["username"]), name=options["name"],
                                      days=options["days"])
            except DomainError as exc:
                raise CommandError(f"{exc.field}: {exc.message}") from None
            self.stdout.write(issued.secret)
            self.stderr.write(f"Token {issued.token.prefix} expires "
                              f"{issued.token.expires_at:%Y-%m-%d}; it is not shown again.")
        elif action == "list":
            for row in ApiToken.objects.filter(user=self._user(options["username"])):
                state = "revoked" if row.revoked_at else f"expires {row.expires_at:%Y-%m-%d}"
                used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
                self.stdout.write(f"{row.prefix}  {row.name}  {state}  last used {used}")
        else:
            row = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if row is None:
                raise CommandError(f"No token with prefix {options['prefix']!r}.")
            token_revoke(token=row)
            self.stdout.write(f"Token {row.prefix} revoked.")
