"""Benchmark: import of a generated CSV of households and persons (issue 4: "Import rate
(persons per second) of a 1-million-row CSV on PostgreSQL").

The file is deterministic: households of one to six persons in Ia Krái's villages, names from
the project's weighted ``NameGenerator`` (about half Jrai, half Kinh), a valid CCCD for every
person. ``import_validate`` (every row checked, the citizen IDs looked up in the database) and
``import_write`` (bulk inserts in one transaction, one audit entry) are timed apart. Baseline
in the same run: PostgreSQL ``COPY`` of the same file into a plain table of text columns
(no parsing, no checks, no indexes) — the floor of getting these bytes into the server.

    .venv/bin/python bench/import_persons.py --rows 1000000          # the issue's figure
    .venv/bin/python bench/import_persons.py --rows 200000 --db postgres
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import standalone  # noqa: E402

IA_KRAI = "23776"
DEFAULT_ROWS = 1_000_000
VILLAGES = 36
ROWS = DEFAULT_ROWS
HEADER = ["household_key", "address", "village", "full_name", "birth_date", "sex", "ethnicity",
          "citizen_id", "passport_number", "nationality", "phone", "relation"]


def _cccd(serial: int, birth: date, sex: str) -> str:
    digit = (birth.year - 1900) // 100 * 2 + (1 if sex == "female" else 0)
    return f"064{digit}{birth.year % 100:02d}{serial:06d}"


def generate(path: Path, rows: int, *, seed: int = 2026) -> int:
    """Write ``rows`` persons; the number of households."""
    from safecommune.demo.names import NameGenerator

    names = NameGenerator(seed)
    rng = random.Random(seed)
    village_names = [f"Làng Bench {i:02d}" for i in range(1, VILLAGES + 1)]
    today = date(2026, 1, 1)
    written = households = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        while written < rows:
            households += 1
            size = min(rows - written, rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 6)))
            ethnicity = "gia_rai" if rng.random() < 0.47 else "kinh"
            village = rng.choice(village_names)
            address = f"Nhà {rng.randint(1, 400)}, {village}"
            surname = None
            for member in range(size):
                sex = "male" if member == 0 or (member > 1 and rng.random() < 0.5) else "female"
                if member < 2:
                    birth = today - timedelta(days=rng.randint(22 * 365, 80 * 365))
                    relation = "head" if member == 0 else "spouse"
                else:
                    birth = today - timedelta(days=rng.randint(0, 20 * 365))
                    relation = "child"
                name = names.person(ethnicity=ethnicity, sex=sex,
                                    surname=surname if relation == "child" else None)
                surname = surname or name.surname
                phone = f"09{rng.randint(0, 99_999_999):08d}" if member < 2 else ""
                writer.writerow([f"H{households}", address if member == 0 else "", village,
                                 name.full_name, birth.isoformat(), sex, ethnicity,
                                 _cccd(written, birth, sex), "", "VN", phone, relation])
                written += 1
    return households


def _copy_baseline(path: Path) -> float:
    from django.db import connection

    columns = ", ".join(f"{name} text" for name in HEADER)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_plain_persons ({columns})")
        started = time.perf_counter()
        with cursor.copy("COPY bench_plain_persons FROM STDIN WITH (FORMAT csv, HEADER true)") \
                as copy, open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_plain_persons")
        assert cursor.fetchone()[0] == ROWS
        cursor.execute("DROP TABLE bench_plain_persons")
    return seconds


def bench(vendor: str) -> dict:
    from django.db import connection

    from safecommune.residents.models import Person
    from safecommune.residents.transfer.importing import import_validate, import_write
    from safecommune.territory.loader import territory_load
    from safecommune.territory.models import AdministrativeUnit
    from safecommune.territory.services import village_create

    territory_load()
    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    for i in range(1, VILLAGES + 1):
        village_create(commune=commune, name=f"Làng Bench {i:02d}")
    folder = Path(tempfile.mkdtemp(prefix="safecommune-bench-import-"))
    path = folder / "persons.csv"
    started = time.perf_counter()
    households = generate(path, ROWS)
    generate_s = time.perf_counter() - started
    result = {"rows": ROWS, "households": households, "file_mb": round(path.stat().st_size / 2**20, 1),
              "generate_s": round(generate_s, 1)}
    started = time.perf_counter()
    validation = import_validate(path=path, fmt="csv", commune=commune, actor=None)
    validate_s = time.perf_counter() - started
    assert validation.error_count == 0, validation.error_dicts()[:5]
    started = time.perf_counter()
    written = import_write(path=path, fmt="csv", commune=commune, actor=None,
                           validation=validation)
    write_s = time.perf_counter() - started
    assert written["rows"] == ROWS == Person.objects.count()
    result.update({
        "validate_s": round(validate_s, 2), "write_s": round(write_s, 2),
        "validate_per_s": round(ROWS / validate_s), "write_per_s": round(ROWS / write_s),
        "import_per_s": round(ROWS / (validate_s + write_s)),
    })
    if vendor == "postgres" and connection.vendor == "postgresql":
        copy_s = _copy_baseline(path)
        result.update({"baseline_copy_s": round(copy_s, 2),
                       "baseline_copy_per_s": round(ROWS / copy_s),
                       "ratio_import_to_copy": round((validate_s + write_s) / copy_s, 1)})
    path.unlink()
    folder.rmdir()
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    known, rest = parser.parse_known_args()
    ROWS = known.rows
    standalone(bench, rest)
