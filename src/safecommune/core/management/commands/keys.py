"""``safecommune keys status|rotate|reencrypt|retire KEY_ID``: the field key ring."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safecommune.core.crypto import (
    DEFAULT_BATCH_SIZE,
    key_ring_retire,
    key_ring_rotate,
    key_ring_status,
    reencrypt_all,
)
from safecommune.core.crypto.keyring import key_file_mode
from safecommune.core.errors import DomainError


class Command(BaseCommand):
    help = ("The keys that encrypt sensitive fields (kept in a file outside the database): "
            "status, rotate, reencrypt, retire.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Key ids, the primary key, and how many stored values "
                                      "each key encrypts, per field.")
        sub.add_parser("rotate", help="Add a new primary key; older keys still decrypt.")
        reencrypt = sub.add_parser(
            "reencrypt", help="Move every stored value onto the primary key, in batches; safe "
                              "to interrupt and run again.")
        reencrypt.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        retire = sub.add_parser("retire", help="Remove a key no stored value uses any more.")
        retire.add_argument("key_id")

    def handle(self, *args, action, **options):
        try:
            if action == "status":
                return self.status()
            if action == "rotate":
                return self.rotate()
            if action == "reencrypt":
                return self.reencrypt(options["batch_size"])
            return self.retire(options["key_id"])
        except DomainError as error:
            raise CommandError(str(error.message), returncode=1) from None

    def status(self) -> None:
        status = key_ring_status()
        if not status.exists:
            self.stdout.write(f"Key ring: {status.path} (not created yet; the first "
                              "encryption or `keys rotate` creates it)")
        else:
            self.stdout.write(f"Key ring: {status.path} (mode {key_file_mode(status.path):o})")
            for key_id, created_at in status.keys:
                role = "primary" if key_id == status.primary_id else "decrypt only"
                self.stdout.write(f"  key {key_id}  created {created_at}  {role}")
        known = {key_id for key_id, _created in status.keys}
        if not status.fields:
            self.stdout.write("No model declares an encrypted field yet.")
        for usage in status.fields:
            counts = ", ".join(f"{key_id}: {count}" + ("" if key_id in known else " (MISSING)")
                               for key_id, count in usage.per_key.items()) or "no values"
            if usage.malformed:
                counts += f", not a token: {usage.malformed}"
            self.stdout.write(f"{usage.label}: {counts}")
        behind = sum(count for usage in status.fields for key_id, count in usage.per_key.items()
                     if key_id != status.primary_id)
        if behind:
            self.stdout.write(f"{behind} values are not under the primary key yet: run "
                              "`safecommune keys reencrypt`.")

    def rotate(self) -> None:
        ring = key_ring_rotate()
        self.stdout.write(self.style.SUCCESS(
            f"New primary key {ring.primary_id}; {len(ring.keys)} keys in {ring.path}."))
        self.stdout.write("Back up the key ring file now (apart from the database backups), "
                          "then run `safecommune keys reencrypt`.")

    def reencrypt(self, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.", returncode=2)
        results = reencrypt_all(batch_size=batch_size)
        for label, counts in results.items():
            self.stdout.write(f"{label}: {counts['reencrypted']} re-encrypted, "
                              f"{counts['unreadable']} unreadable")
        unreadable = sum(counts["unreadable"] for counts in results.values())
        if unreadable:
            raise CommandError(f"{unreadable} values could not be decrypted (see the log for "
                               "their rows); restore the missing keys and run again.",
                               returncode=1)
        self.stdout.write(self.style.SUCCESS("Every stored value is under the primary key."))

    def retire(self, key_id: str) -> None:
        ring = key_ring_retire(key_id)
        self.stdout.write(self.style.SUCCESS(
            f"Key {key_id} retired; {len(ring.keys)} keys left, primary {ring.primary_id}."))
