"""``safecommune residents import FILE --commune CODE [--dry-run]`` and
``safecommune residents export --commune CODE --format csv|xlsx [-o FILE]``.

The command acts as the national system: the import is recorded with no actor, under the
commune's audit chain, like other administrator commands.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safecommune.core.errors import NotFound
from safecommune.residents.transfer import exporting, importing
from safecommune.residents.transfer.reading import file_format
from safecommune.territory import selectors as territory_selectors


class ProgressBar:
    """A one-line progress bar on stderr: phase, bar, percent, count, rate."""

    WIDTH = 30

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.phase = ""
        self.shown = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if phase != self.phase:
            if self.phase:
                self.stream.write("\n")
            self.phase, self.started = phase, now
        elif now - self.shown < 0.2 and (total is None or done < total):
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        unit = "B" if phase == "validate" and total and total > 1_000_000 else ""
        if total:
            filled = int(self.WIDTH * min(done, total) / total)
            bar = "█" * filled + "·" * (self.WIDTH - filled)
            text = f"\r{phase:>8} |{bar}| {100 * done / total:5.1f}%  {done:,}/{total:,}{unit}"
        else:
            text = f"\r{phase:>8} {done:,}"
        self.stream.write(f"{text}  {rate:,.0f}{unit or ' rows'}/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.phase:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import or export a commune's households and persons (CSV or XLSX)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="validate every row, then write all or nothing")
        imp.add_argument("file")
        imp.add_argument("--commune", required=True, help="code of a 2025 commune")
        imp.add_argument("--dry-run", action="store_true", help="validate only")
        exp = sub.add_parser("export", help="the commune's persons as CSV or XLSX")
        exp.add_argument("--commune", required=True)
        exp.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        exp.add_argument("-o", "--output", help="file to write (default: stdout for CSV)")

    def _commune(self, code: str):
        try:
            return territory_selectors.commune_get(code=code)
        except NotFound as exc:
            raise CommandError(exc.message) from None

    def handle(self, *args, action, **options):
        commune = self._commune(options["commune"])
        if action == "import":
            return self._import(commune, Path(options["file"]), options["dry_run"])
        return self._export(commune, options["format"], options.get("output"))

    def _import(self, commune, path: Path, dry_run: bool):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        bar = ProgressBar(self.stderr._out)
        started = time.monotonic()
        try:
            outcome = importing.import_file(path=path, fmt=file_format(path.name),
                                            commune=commune, actor=None, dry_run=dry_run,
                                            progress=bar)
        finally:
            bar.close()
        for error in outcome["errors"]:
            line = error["line"] if error["line"] is not None else "-"
            self.stderr.write(f"line {line}: {error['field']}: {error['rule']}: "
                              f"{error['message']}")
        seconds = time.monotonic() - started
        summary = (f"{outcome['state']}: {outcome['rows']} rows, {outcome['households']} "
                   f"households, {outcome['error_count']} errors, {seconds:.1f} s")
        if outcome["state"] == "refused":
            if outcome["error_count"] > len(outcome["errors"]):
                self.stderr.write(f"(first {len(outcome['errors'])} of "
                                  f"{outcome['error_count']} errors listed)")
            raise CommandError(summary + "; nothing was written")
        self.stdout.write(summary)

    def _export(self, commune, fmt: str, output: str | None):
        # The command runs with the system's rights: every person of the commune.
        persons = exporting.export_queryset(user=None, system=True, commune=commune)
        count = exporting.export_audit(actor=None, persons=persons, commune=commune, fmt=fmt,
                                       filters=["commune"])
        if fmt == "csv":
            handle = (open(output, "w", encoding="utf-8", newline="") if output  # noqa: SIM115
                      else self.stdout._out)
            try:
                for chunk in exporting.csv_chunks(persons):
                    handle.write(chunk)
            finally:
                if output:
                    handle.close()
        else:
            if not output:
                raise CommandError("--output is required for xlsx")
            with exporting.xlsx_file(persons) as source, open(output, "wb") as target:
                shutil.copyfileobj(source, target)
        self.stderr.write(f"exported {count} persons")
