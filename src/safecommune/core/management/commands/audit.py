"""``safecommune audit verify [--chain KEY]`` and ``safecommune audit sign``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from safecommune.core.audit import audit_sign_heads, audit_verify


class Command(BaseCommand):
    help = "Verify the audit chains, or sign their heads with the key kept outside the database."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="Recompute every chain; exit 0 with counts, or 1 naming the first "
                           "broken entry.")
        verify.add_argument("--chain", help="Only this chain: 'national' or 'commune:<code>'.")
        sub.add_parser("sign", help="Sign the head of every chain that grew since its last "
                                    "signature (the worker does this every 10 minutes).")

    def handle(self, *args, action, **options):
        if action == "verify":
            return self.verify(options.get("chain"))
        return self.sign()

    def verify(self, chain: str | None) -> None:
        report = audit_verify(chain=chain)
        if chain and not report.chains:
            raise CommandError(f"No audit chain {chain!r}.", returncode=2)
        for status in report.chains:
            signed = (f"last signed entry {status.last_signed_seq}"
                      if status.last_signed_seq is not None else "not signed yet")
            self.stdout.write(f"{status.label}: {status.entries} entries, {signed}")
        if report.ok:
            total = sum(status.entries for status in report.chains)
            self.stdout.write(self.style.SUCCESS(
                f"Audit chains intact: {len(report.chains)} chains, {total} entries."))
            return
        for broken in report.breaks:
            self.stderr.write(f"BROKEN {broken}")
        first = report.first_break
        raise CommandError(f"First broken entry: chain {first.chain}, entry {first.seq}, "
                           f"reason {first.reason}.", returncode=1)

    def sign(self) -> None:
        report = audit_sign_heads()
        for key, seq in report.signed:
            self.stdout.write(f"signed {key} at entry {seq}")
        for broken in report.refused:
            self.stderr.write(f"NOT SIGNED {broken}")
        self.stdout.write(f"{len(report.signed)} heads signed, {len(report.refused)} refused.")
        if report.refused:
            raise CommandError("Some chains are broken; run `safecommune audit verify`.",
                               returncode=1)
