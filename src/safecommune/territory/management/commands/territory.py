"""``safecommune territory load`` and ``safecommune territory import-boundaries FILE``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from safecommune.core.errors import DomainError
from safecommune.territory.loader import territory_load
from safecommune.territory.services import boundaries_import


class Command(BaseCommand):
    help = "Load administrative units, or import commune boundaries from GeoJSON."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load both structures and the 2025 mapping (idempotent).")
        boundaries = sub.add_parser(
            "import-boundaries",
            help="Import Polygon/MultiPolygon features with properties.code (and optional "
                 "properties.structure, default 2025); all or nothing.")
        boundaries.add_argument("file")

    def handle(self, *args, action, **options):
        if action == "load":
            return self.load(options["verbosity"])
        return self.import_boundaries(options["file"])

    def load(self, verbosity: int) -> None:
        started = time.perf_counter()
        report = territory_load(
            progress=(lambda message: self.stdout.write(f"  {message}")) if verbosity > 1 else None)
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{key}={value}" for key, value in sorted(report.counts.items()))
        self.stdout.write(self.style.SUCCESS(
            f"Territories loaded in {elapsed:.1f} s: {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged; successions "
            f"+{report.successions_created} ~{report.successions_updated} "
            f"-{report.successions_deleted}. Units: {counts}."))

    def import_boundaries(self, path: str) -> None:
        try:
            report = boundaries_import(path=path)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Boundaries imported: {report.imported} new, {report.replaced} replaced."))
