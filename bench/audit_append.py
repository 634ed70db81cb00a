"""Benchmark: audit appends per second on PostgreSQL, beside plain inserts.

Scenarios, each append in its own transaction (as a service writes it):

* one commune, 1 worker;
* one commune, 8 workers (they queue on the commune's chain row);
* eight communes, 8 workers, one commune each (they should not queue).

Baseline, measured in the same run with the same workers: single-row ORM inserts of the same
columns into a table shaped like the audit table (same foreign keys and indexes) with no chain
row to lock and no hash to compute. The ratio audit / baseline says what the chain costs and
does not depend on the machine's speed.

Workers are processes by default (like gunicorn workers; Python threads would share one GIL);
``--mode thread`` runs threads instead. The benchmark creates its own database
``safecommune_bench_audit`` (through the ``postgres`` maintenance database) and a temporary var
directory, and drops both at the end.

    python bench/audit_append.py [--mode process|thread] [--appends 1000] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PG_SERVER_URL, machine  # noqa: E402

DB_NAME = "safecommune_bench_audit"
WORKERS = 8
COMMUNES = 10


def _admin():
    import psycopg

    return psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True)


def _drop_database() -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


@contextlib.contextmanager
def bench_postgres():
    var_dir = Path(tempfile.mkdtemp(prefix="safecommune-bench-audit-"))
    _drop_database()
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["DATABASE_URL"] = f"{PG_SERVER_URL}/{DB_NAME}"
    os.environ["SAFECOMMUNE_VAR_DIR"] = str(var_dir)
    os.environ.pop("SAFECOMMUNE_AUDIT_KEY_FILE", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "safecommune.settings"
    os.environ.setdefault("SAFECOMMUNE_LOG_LEVEL", "WARNING")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        _drop_database()
        shutil.rmtree(var_dir, ignore_errors=True)


def _plain_model():
    """A table shaped like core_auditentry: same columns, foreign keys and indexes."""
    from django.conf import settings
    from django.db import models

    class PlainEntry(models.Model):
        chain = models.ForeignKey("core.AuditChain", on_delete=models.PROTECT, related_name="+")
        seq = models.PositiveBigIntegerField()
        created_at = models.DateTimeField()
        actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                  related_name="+")
        actor_label = models.CharField(max_length=150, blank=True)
        action = models.CharField(max_length=64, db_index=True)
        object_type = models.CharField(max_length=64, blank=True)
        object_id = models.CharField(max_length=64, blank=True)
        commune = models.ForeignKey("territory.AdministrativeUnit", null=True,
                                    on_delete=models.PROTECT, related_name="+")
        details = models.JSONField(default=dict)
        row_count = models.PositiveBigIntegerField(null=True)
        rows_digest = models.CharField(max_length=64, blank=True)
        prev_hash = models.CharField(max_length=64)
        hash = models.CharField(max_length=64)

        class Meta:
            app_label = "core"
            db_table = "bench_plain_entry"
            constraints = [models.UniqueConstraint(fields=["chain", "seq"],
                                                   name="bench_plain_seq_unique")]
            indexes = [models.Index(fields=["commune", "created_at"], name="bench_plain_idx"),
                       models.Index(fields=["object_type", "object_id"],
                                    name="bench_plain_obj_idx")]

    return PlainEntry


def _setup_rows():
    """A province, ten 2025 communes of its own (codes 9xxxx) and a chain row for the baseline."""
    from django.db import connection

    from safecommune.core.models import AuditChain
    from safecommune.territory.models import AdministrativeUnit

    province = AdministrativeUnit.objects.create(structure="2025", level="province", code="99",
                                                 kind="Tỉnh", name="Tỉnh Thử", short_name="Thử")
    communes = [AdministrativeUnit.objects.create(
        structure="2025", level="commune", code=f"9{n:04d}", kind="Xã", name=f"Xã Thử {n}",
        short_name=f"Thử {n}", parent=province, province=province) for n in range(COMMUNES + 1)]
    plain = _plain_model()
    with connection.schema_editor() as editor:
        editor.create_model(plain)
    # The baseline's rows point at a chain row of an eleventh commune that no audit touches.
    baseline_chain = AuditChain.objects.create(key="commune:baseline", commune=communes[-1])
    return [c.pk for c in communes[:-1]], baseline_chain.pk, plain


def _audit_append(commune_id: int, n: int) -> None:
    from django.db import transaction

    from safecommune.core.audit import audit_append
    from safecommune.territory.models import AdministrativeUnit

    commune = _COMMUNE_CACHE.get(commune_id)
    if commune is None:
        commune = _COMMUNE_CACHE[commune_id] = AdministrativeUnit.objects.get(pk=commune_id)
    with transaction.atomic():
        audit_append(action="bench.append", commune=commune, obj=("bench.thing", n),
                     details={"n": n, "fields": ["name", "kind"]})


_COMMUNE_CACHE: dict = {}
_RUNS = iter(range(1, 10 ** 6))


def _plain_insert(plain, chain_id: int, commune_id: int, seq: int, n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    digest = hashlib.sha256(f"{seq}".encode()).hexdigest()
    with transaction.atomic():
        plain.objects.create(
            chain_id=chain_id, seq=seq, created_at=timezone.now(),
            actor_label="", action="bench.append", object_type="bench.thing", object_id=str(n),
            commune_id=commune_id, details={"n": n, "fields": ["name", "kind"]},
            prev_hash=digest, hash=digest)


def _worker_loop(kind: str, plain, chain_id: int, commune_id: int, worker: int, count: int,
                 base: int, ready, go, results) -> None:
    from django.db import connection

    try:
        connection.ensure_connection()
        ready.put(worker)
        go.wait()
        started = time.perf_counter()
        for n in range(count):
            if kind == "audit":
                _audit_append(commune_id, n)
            else:
                # Baseline rows share one chain id: seq unique per run, worker and row.
                _plain_insert(plain, chain_id, commune_id, base + worker * 10 ** 7 + n, n)
        results.put((worker, time.perf_counter() - started, None))
    except Exception as exc:  # reported to the parent, which fails the run
        results.put((worker, 0.0, repr(exc)))
    finally:
        connection.close()


def run_scenario(*, kind: str, mode: str, commune_ids: list[int], count: int, plain,
                 chain_id: int) -> dict:
    """``len(commune_ids)`` workers, worker i writing ``count`` rows for commune_ids[i]."""
    from django.db import connections

    connections.close_all()
    base = next(_RUNS) * 10 ** 9
    if mode == "process":
        ctx = multiprocessing.get_context("fork")
        ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
        spawn = ctx.Process
    else:
        import queue

        ready, results, go = queue.Queue(), queue.Queue(), threading.Event()
        spawn = threading.Thread
    workers = [spawn(target=_worker_loop, args=(kind, plain, chain_id, commune_id, i, count,
                                                base, ready, go, results))
               for i, commune_id in enumerate(commune_ids)]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=60)
    started = time.perf_counter()
    go.set()
    outcomes = [results.get(timeout=600) for _ in workers]
    wall = time.perf_counter() - started
    for worker in workers:
        worker.join(timeout=60)
    errors = [error for _w, _t, error in outcomes if error]
    if errors:
        raise RuntimeError(f"{kind} workers failed: {errors[:3]}")
    total = count * len(workers)
    return {"rows": total, "wall_s": round(wall, 3), "per_s": round(total / wall, 1)}


def bench(*, mode: str, appends: int) -> dict:
    from safecommune.core.audit import audit_sign_heads, audit_verify
    from safecommune.core.models import AuditEntry

    communes, chain_id, plain = _setup_rows()
    single_count = appends * 2
    scenarios = [
        ("one commune, 1 worker", [communes[0]], single_count),
        ("one commune, 8 workers", [communes[1]] * WORKERS, appends),
        ("eight communes, 8 workers", communes[2:2 + WORKERS], appends),
    ]
    # Warm-up (chains created, caches filled), not measured.
    run_scenario(kind="audit", mode=mode, commune_ids=communes[:1], count=20, plain=plain,
                 chain_id=chain_id)
    run_scenario(kind="plain", mode=mode, commune_ids=communes[:1], count=20, plain=plain,
                 chain_id=chain_id)
    rows = []
    for name, commune_ids, count in scenarios:
        baseline = run_scenario(kind="plain", mode=mode, commune_ids=commune_ids, count=count,
                                plain=plain, chain_id=chain_id)
        audit = run_scenario(kind="audit", mode=mode, commune_ids=commune_ids, count=count,
                             plain=plain, chain_id=chain_id)
        rows.append({"scenario": name, "workers": len(commune_ids), "rows": audit["rows"],
                     "audit_per_s": audit["per_s"], "baseline_per_s": baseline["per_s"],
                     "ratio_audit_to_baseline": round(audit["per_s"] / baseline["per_s"], 2)})
    one = rows[0]["audit_per_s"]
    started = time.perf_counter()
    signed = audit_sign_heads()
    sign_s = time.perf_counter() - started
    started = time.perf_counter()
    report = audit_verify()
    verify_s = time.perf_counter() - started
    entries = AuditEntry.objects.count()
    return {
        "mode": mode,
        "scenarios": rows,
        "eight_communes_vs_one_commune_8_workers": round(
            rows[2]["audit_per_s"] / rows[1]["audit_per_s"], 2),
        "one_commune_8_workers_vs_1_worker": round(rows[1]["audit_per_s"] / one, 2),
        "sign_heads_s": round(sign_s, 3),
        "heads_signed": len(signed.signed),
        "verify_entries": entries,
        "verify_s": round(verify_s, 3),
        "verify_entries_per_s": round(entries / verify_s, 1),
        "verify_ok": report.ok,
    }


def print_table(result: dict) -> None:
    workers = "processes" if result["mode"] == "process" else "threads"
    print(f"Audit appends per second on PostgreSQL ({result['database']['server']}), "
          f"workers are {workers}, each append in its own transaction")
    facts = result["machine"]
    print(f"machine: {facts['nproc']} CPUs ({facts['cpu']}), load average {facts['loadavg']}")
    print(f"{'scenario':<28}{'rows':>7}{'audit/s':>10}{'plain/s':>10}{'audit/plain':>13}")
    for row in result["scenarios"]:
        print(f"{row['scenario']:<28}{row['rows']:>7}{row['audit_per_s']:>10.0f}"
              f"{row['baseline_per_s']:>10.0f}{row['ratio_audit_to_baseline']:>13.2f}")
    print(f"eight communes / one commune (8 workers): "
          f"{result['eight_communes_vs_one_commune_8_workers']:.2f}×")
    print(f"one commune, 8 workers / 1 worker: {result['one_commune_8_workers_vs_1_worker']:.2f}×")
    print(f"audit verify: {result['verify_entries']} entries in {result['verify_s']:.2f} s "
          f"({result['verify_entries_per_s']:.0f}/s), ok={result['verify_ok']}; "
          f"signing {result['heads_signed']} heads: {result['sign_heads_s']:.3f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("process", "thread"), default="process")
    parser.add_argument("--appends", type=int, default=1000,
                        help="appends per worker in the 8-worker scenarios (the 1-worker "
                             "scenario writes twice as many)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    with bench_postgres():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
        result = {"database": {"vendor": "postgres", "name": DB_NAME, "server": server},
                  "machine": machine(), **bench(mode=args.mode, appends=args.appends)}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
