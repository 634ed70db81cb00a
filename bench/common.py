"""Shared set-up for the benchmarks: a throw-away database and var directory, never the
developer's ``./var`` nor the ``test`` database of the test suite.

``bench_database(vendor)`` is a context manager that

* points ``SAFECOMMUNE_VAR_DIR`` at a fresh temporary directory,
* for ``sqlite`` uses a temporary file inside it, for ``postgres`` creates its own database
  ``safecommune_bench_<pid>`` (connecting to the ``postgres`` maintenance database) and drops it
  on the way out,
* sets ``DATABASE_URL`` *before* ``django.setup()``, runs ``migrate`` and yields.

Django can only be set up once per process, so one process benchmarks one database;
``bench/run.py`` starts one child process per database.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDORS = ("sqlite", "postgres")

# The PostgreSQL server the benchmarks create their database on (trust auth on this machine).
PG_SERVER_URL = os.environ.get("SAFECOMMUNE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _pg_admin_connect():
    import psycopg

    return psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True)


def _pg_drop(name: str) -> None:
    with _pg_admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def bench_database(vendor: str, *, migrate: bool = True) -> Iterator[dict]:
    """Set up Django on a fresh database of ``vendor``; yields facts about it."""
    if vendor not in VENDORS:
        raise SystemExit(f"unknown database {vendor!r}; use one of {', '.join(VENDORS)}")
    if "django.conf" in sys.modules and _django_configured():
        raise RuntimeError("Django is already set up in this process; run one database per process")
    var_dir = Path(tempfile.mkdtemp(prefix="safecommune-bench-var-"))
    pg_name = None
    info: dict = {"vendor": vendor}
    try:
        if vendor == "sqlite":
            db_path = var_dir / "bench.sqlite3"
            os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
            info["database"] = "temporary SQLite file"
        else:
            pg_name = f"safecommune_bench_{os.getpid()}"
            _pg_drop(pg_name)
            with _pg_admin_connect() as conn:
                conn.execute(f'CREATE DATABASE "{pg_name}"')
            os.environ["DATABASE_URL"] = f"{PG_SERVER_URL}/{pg_name}"
            info["database"] = pg_name
        os.environ["SAFECOMMUNE_VAR_DIR"] = str(var_dir)
        os.environ["DJANGO_SETTINGS_MODULE"] = "safecommune.settings"
        import django

        django.setup()
        from django.db import connection

        if migrate:
            from django.core.management import call_command

            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            info["migrate_s"] = round(time.perf_counter() - started, 3)
        with connection.cursor() as cursor:
            if vendor == "postgres":
                cursor.execute("SELECT version()")
            else:
                cursor.execute("SELECT 'SQLite ' || sqlite_version()")
            info["server"] = cursor.fetchone()[0].split(" on ")[0]
        yield info
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if pg_name:
            _pg_drop(pg_name)
        shutil.rmtree(var_dir, ignore_errors=True)


def _django_configured() -> bool:
    from django.conf import settings

    return settings.configured


def percentiles_ms(samples_s: list[float]) -> dict:
    """p50/p95/p99/mean/max in milliseconds of samples in seconds (nearest-rank percentiles)."""
    ordered = sorted(samples_s)
    n = len(ordered)

    def rank(p: float) -> float:
        index = max(0, min(n - 1, int(-(-p * n // 100)) - 1))  # ceil(p/100·n) − 1
        return ordered[index] * 1000

    return {
        "n": n,
        "p50_ms": round(rank(50), 3),
        "p95_ms": round(rank(95), 3),
        "p99_ms": round(rank(99), 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def machine() -> dict:
    mem_kb = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": [round(x, 2) for x in load],
    }


def standalone(bench, argv: list[str] | None = None) -> None:
    """``python bench/<name>.py [--db sqlite|postgres] [--out FILE]``: run one benchmark on a
    fresh database of its own; print its JSON (or write it to FILE)."""
    import argparse
    import json

    doc = (sys.modules[bench.__module__].__doc__ or "").strip()
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", choices=VENDORS, default="postgres")
    parser.add_argument("--out", help="write the JSON result here instead of printing it")
    args = parser.parse_args(argv)
    load_before = machine()["loadavg"]
    started = time.perf_counter()
    with bench_database(args.db) as info:
        result = {"database": info, **bench(args.db)}
    result["wall_s"] = round(time.perf_counter() - started, 1)
    result["loadavg_before"] = load_before
    result["loadavg_after"] = machine()["loadavg"]
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
