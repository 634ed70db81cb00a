"""Benchmark: ``territory_load()`` into a freshly migrated database (first load, then the
idempotent second load). Target: each under 60 s.

On PostgreSQL it also reports the trigram indexes' pending lists after the loads, what
``gin_clean_pending_list()`` costs, and a third load into emptied tables with
``fastupdate = off`` on those indexes (the fixes proposed in docs/benchmarks.md).

Baseline, measured in the same run on the same database: one ``bulk_create`` of as many
administrative-unit rows as the load writes (copies of the loaded rows, same indexes, inside a
transaction that is rolled back). The ratio load / baseline says how much the loader costs on
top of merely writing its rows, and does not depend on the machine's speed.
"""

from __future__ import annotations

import time

TARGET_S = 60.0


def bench(vendor: str) -> dict:
    from django.db import connection

    from safecommune.territory.loader import TerritoryLoader, territory_load
    from safecommune.territory.models import AdministrativeUnit, UnitSuccession

    phases: list[tuple[str, float]] = []

    def progress(message: str) -> None:
        phases.append((message, time.perf_counter()))

    started = time.perf_counter()
    first = territory_load(progress)
    first_s = time.perf_counter() - started
    first_phases = _phase_durations(phases, started, time.perf_counter())

    phases.clear()
    started = time.perf_counter()
    second = territory_load(progress)
    second_s = time.perf_counter() - started
    second_phases = _phase_durations(phases, started, time.perf_counter())

    # What the loader spends reading the package alone (no database).
    started = time.perf_counter()
    reader = TerritoryLoader()
    reader.read()
    reader.mapping()
    read_s = time.perf_counter() - started

    units = AdministrativeUnit.objects.count()
    successions = UnitSuccession.objects.count()
    if vendor == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('territory_administrativeunit')")
            table_bytes = cursor.fetchone()[0]
    else:
        table_bytes = None
    gin = _gin_pending_and_clean() if vendor == "postgres" else None
    baseline_s = _baseline_bulk_create()
    if vendor == "postgres":
        gin["first_load_fastupdate_off_s"] = round(_load_with_fastupdate_off(), 3)

    return {
        "target_s": TARGET_S,
        "units": units,
        "successions": successions,
        "first_load_s": round(first_s, 3),
        "second_load_s": round(second_s, 3),
        "first_load_phases_s": first_phases,
        "second_load_phases_s": second_phases,
        "read_package_s": round(read_s, 3),
        "baseline_bulk_create_s": round(baseline_s, 3),
        "ratio_first_load_to_baseline": round(first_s / baseline_s, 2),
        "ratio_second_load_to_baseline": round(second_s / baseline_s, 2),
        "first_created": first.created,
        "second_changed_rows": second.changed_rows,
        "unit_table_bytes": table_bytes,
        "gin_pending_list": gin,
        "meets_target": first_s < TARGET_S and second_s < TARGET_S,
    }


def _phase_durations(phases: list[tuple[str, float]], started: float, ended: float) -> dict:
    marks = phases + [("end", ended)]
    out: dict[str, float] = {}
    previous = started
    previous_name = "start"
    for name, at in marks:
        if previous_name != "start":
            out[previous_name] = round(at - previous, 3)
        previous, previous_name = at, name
    return out


def _gin_pending_and_clean() -> dict:
    """The trigram indexes are created empty by the migration, so a load leaves every row in
    their pending list (fastupdate) until a VACUUM. How many, and what flushing them costs."""
    from django.db import connection

    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        for index in ("unit_name_key_trgm", "unit_phonetic_key_trgm"):
            cursor.execute("SELECT pending_tuples FROM pgstatginindex(%s::regclass)", [index])
            out[f"{index}_pending_tuples_after_loads"] = cursor.fetchone()[0]
        started = time.perf_counter()
        for index in ("unit_name_key_trgm", "unit_phonetic_key_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        out["gin_clean_pending_list_s"] = round(time.perf_counter() - started, 3)
    return out


def _load_with_fastupdate_off() -> float:
    """The proposed fix, timed: empty tables, trigram indexes without a pending list, load."""
    from django.db import connection

    from safecommune.territory.loader import territory_load

    indexes = ("unit_name_key_trgm", "unit_phonetic_key_trgm")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE territory_unitsuccession, territory_administrativeunit "
                       "RESTART IDENTITY CASCADE")
        for index in indexes:
            cursor.execute(f'ALTER INDEX "{index}" SET (fastupdate = off)')
    started = time.perf_counter()
    territory_load()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f'ALTER INDEX "{index}" RESET (fastupdate)')
    return elapsed


def _baseline_bulk_create() -> float:
    """Seconds to bulk_create copies of every loaded unit (rolled back afterwards)."""
    from django.db import transaction

    from safecommune.territory.models import AdministrativeUnit

    copies = []
    for unit in AdministrativeUnit.objects.order_by("pk"):
        unit.pk = None
        unit.structure = "b" + unit.structure  # (structure, code) stays unique beside the real rows
        unit.parent_id = None
        unit.province_id = None
        copies.append(unit)
    with transaction.atomic():
        started = time.perf_counter()
        AdministrativeUnit.objects.bulk_create(copies, batch_size=2000)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


if __name__ == "__main__":
    from common import standalone

    standalone(bench)
