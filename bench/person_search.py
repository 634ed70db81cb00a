"""Benchmark: ``person_search`` at province scale (issue 4: "Name search at 3 million persons on
PostgreSQL, two query mixes of 1,000 realistic queries each: an officer searching their own
commune, and a province viewer searching the whole province; first 50 results ordered by best
match. Target p95 ≤ 50 ms for both; baseline: ILIKE on the unfolded names with the same mixes,
in the same run").

Data (deterministic, seeded): the 2025 province whose number of communes is nearest to 100;
``--rows`` persons (3,000,000 by default) in households of one to six, spread over its communes
with seeded log-normal weights (wards twice as heavy). Names from the project's weighted
``NameGenerator`` (surname first) with a province mix of Kinh, Gia Rai, Tày, Dao and Hoa; a valid
CCCD (birth province = the pre-2025 province of the commune) for 95 % of people aged 14 and
over, a phone for 70 % of them; household addresses ``Thôn 7`` in communes, house number and a
street named after a historical figure (``Số 12, đường Nguyễn Huệ``) in wards — so name queries
also meet addresses, as ``person_search`` searches them too. Rows go in with ``COPY``; the
indexes of the three tables are dropped before and rebuilt after (same definitions), foreign
keys are not checked during the load (``session_replication_role = replica``); then
``VACUUM ANALYZE``. ``name_key``/``name_terms``/``address_key``/``phone_key`` are computed as
the models compute them (``fold``, ``name_terms``, ``phone_digits``).

Users: a commune officer on the largest commune (the worst case for an officer) and a province
viewer on the province. Each mix: 1,000 queries drawn from the loaded persons (officer: persons
of the commune; viewer: of the whole province), kinds below; ``person_search(user, q, limit=50)``
timed after a warm-up. Baseline, same run, same mixes:
``Person.objects.filter(full_name__icontains=q, commune_id__in=<scope>)[:50]`` (``ILIKE`` on the
unfolded names, model ordering). Recall: the intended person among the results.

    .venv/bin/python bench/person_search.py                     # 3,000,000 persons (≈ 15 min)
    .venv/bin/python bench/person_search.py --rows 1000000
    .venv/bin/python bench/run.py --db postgres --only person_search
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import itertools
import json
import random
import re
import sys
import tempfile
import time
import unicodedata
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentiles_ms, standalone  # noqa: E402

DEFAULT_ROWS = 3_000_000
ROWS = DEFAULT_ROWS
SEED = 20261126
N_QUERIES = 1000
WARMUP = 50
LIMIT = 50
TARGET_P95_MS = 50.0
# A query stopped by statement_timeout counts as this long (and as a miss): without it one
# pathological plan (see docs/benchmarks.md) runs for many minutes.
OURS_TIMEOUT_MS = 2_000
BASELINE_TIMEOUT_MS = 5_000
TODAY = date(2026, 11, 1)
CREATED = "2026-11-01 00:00:00+00"
# The province picked is Lào Cai (99 communes). Its mix, with the styles NameGenerator has:
# Hmong, Thái, Giáy, Nùng … have none and are folded into Tày and Dao (a simplification).
MIX = {"kinh": 0.55, "tay": 0.20, "dao": 0.17, "san_chi": 0.05, "hoa": 0.03}
BASELINE_EVERY = {"officer": 1, "province_viewer": 1}  # --baseline-every N: time every Nth
STREETS = ("Nguyễn Huệ", "Lê Lợi", "Trần Hưng Đạo", "Hai Bà Trưng", "Nguyễn Trãi", "Lý Thường Kiệt",
           "Phan Chu Trinh", "Lê Duẩn", "Ngô Quyền", "Quang Trung", "Phan Bội Châu", "Hùng Vương",
           "Nguyễn Tất Thành", "Y Jút", "Trần Phú", "Nguyễn Văn Cừ", "Lê Hồng Phong", "Võ Văn Kiệt",
           "Đinh Tiên Hoàng", "Nguyễn Du", "Mạc Thị Bưởi", "Hoàng Diệu", "Bà Triệu", "Tôn Đức Thắng")
# share of each kind in both mixes
KINDS = {"accented": 0.18, "unaccented": 0.18, "word_order": 0.08, "given_only": 0.08,
         "surname_partial_given": 0.14, "cccd_exact": 0.12, "cccd_prefix": 0.08, "phone": 0.14}


def unaccent(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"))


# --- the data ---------------------------------------------------------------------------------

def pick_province():
    from safecommune.territory.models import AdministrativeUnit

    provinces = []
    for unit in AdministrativeUnit.objects.filter(structure="2025", level="province"):
        n = AdministrativeUnit.objects.filter(structure="2025", level="commune",
                                              province=unit).count()
        provinces.append((abs(n - 100), unit.code, unit, n))
    provinces.sort(key=lambda r: (r[0], r[1]))
    return provinces[0][2], provinces[0][3]


class _Cccd:
    """Unique, valid CCCDs: birth province (0 + pre-2025 code), century/sex digit, year, then a
    per-prefix counter through an affine permutation of 0..999999 (so numbers look scattered)."""

    def __init__(self):
        self.counters: dict[str, int] = {}

    def __call__(self, province3: str, birth: date, sex: str) -> str:
        digit = (birth.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
        prefix = f"{province3}{digit}{birth.year % 100:02d}"
        n = self.counters.get(prefix, 0)
        self.counters[prefix] = n + 1
        return f"{prefix}{(n * 387_433 + 104_729) % 1_000_000:06d}"


def generate(folder: Path, communes: list, birth_province: dict[int, str], rows: int,
             watch_commune: int, seed: int = SEED) -> dict:
    """Write persons, households and members as COPY text files; a sample for the mixes."""
    from safecommune.core.text import fold
    from safecommune.demo.names import NameGenerator
    from safecommune.residents.models.people import phone_digits
    from safecommune.residents.models.terms import name_terms

    rng = random.Random(seed)
    names = NameGenerator(seed)
    weights = [rng.lognormvariate(0, 0.6) * (2.0 if unit.kind.startswith("Phường") else 1.0)
               for unit in communes]
    cum = []
    running = 0.0
    for w in weights:
        running += w
        cum.append(running)
    cccd = _Cccd()
    ids = {"person": 0, "household": 0}
    per_commune: dict[int, int] = {}
    watch: list[int] = []
    mix_items = list(MIX.items())
    eth_cum = list(itertools.accumulate(w for _, w in mix_items))

    p_path, h_path, m_path = folder / "p.tsv", folder / "h.tsv", folder / "m.tsv"
    with open(p_path, "w", encoding="utf-8") as pf, open(h_path, "w", encoding="utf-8") as hf, \
            open(m_path, "w", encoding="utf-8") as mf:
        pbuf: list[str] = []
        written = 0
        while written < rows:
            unit = communes[bisect.bisect_right(cum, rng.random() * running)]
            cid = unit.pk
            province3 = birth_province[cid]
            ethnicity = mix_items[bisect.bisect_right(eth_cum, rng.random() * eth_cum[-1])][0]
            ward = unit.kind.startswith("Phường")
            if ward and rng.random() < 0.7:
                address = f"Số {rng.randint(1, 399)}, đường {rng.choice(STREETS)}"
            else:
                address = f"Thôn {rng.randint(1, 24)}"
            ids["household"] += 1
            hid = ids["household"]
            head_sex = "male" if rng.random() < 0.8 else "female"
            head_age = rng.randint(22, 78)
            members = [("head", head_sex, head_age)]
            if head_age < 75 and rng.random() < 0.8:
                members.append(("spouse", "female" if head_sex == "male" else "male",
                                max(20, min(80, head_age + rng.randint(-6, 4)))))
            for _ in range(min(6, max(0, int(rng.gauss(2.1, 1.3))))):
                if head_age < 22:
                    break
                members.append(("child", "male" if rng.random() < 0.5 else "female",
                                rng.randint(0, min(30, head_age - 18))))
            members = members[: rows - written]
            surname = None
            head_id = ids["person"] + 1
            for relation, sex, age in members:
                ids["person"] += 1
                pid = ids["person"]
                name = names.person(ethnicity=ethnicity, sex=sex,
                                    surname=surname if (relation == "child"
                                                        and ethnicity != "gia_rai") else None)
                if relation == "head":
                    surname = name.surname
                birth = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
                adult = age >= 14
                phone = f"09{rng.randrange(10**8):08d}" if adult and rng.random() < 0.7 else ""
                citizen = cccd(province3, birth, sex) if adult and rng.random() < 0.95 else ""
                key = fold(name.full_name)
                pbuf.append(f"{pid}\t{CREATED}\t{CREATED}\t{cid}\t{cid}\t{name.full_name}\t"
                            f"{key}\t{name_terms(key, cid)}\t{birth.isoformat()}\t{sex}\t"
                            f"{ethnicity}\t{citizen}\t\tVN\t{phone}\t{phone_digits(phone)}\n")
                mf.write(f"{pid}\t{CREATED}\t{CREATED}\t{hid}\t{pid}\t{relation}\t"
                         f"{TODAY.isoformat()}\n")
                if cid == watch_commune:
                    watch.append(pid)
            hf.write(f"{hid}\t{CREATED}\t{CREATED}\t{cid}\t{cid}\t{address}\t{fold(address)}\t"
                     f"{head_id}\n")
            per_commune[cid] = per_commune.get(cid, 0) + len(members)
            written += len(members)
            if len(pbuf) >= 20_000:
                pf.write("".join(pbuf))
                pbuf.clear()
        pf.write("".join(pbuf))
    return {"persons": ids["person"], "households": ids["household"], "watch": watch,
            "per_commune": per_commune, "files": (p_path, h_path, m_path)}


TABLES = {
    "residents_person": "id, created_at, modified_at, recorded_unit_id, commune_id, full_name, "
                        "name_key, name_terms, birth_date, sex, ethnicity, citizen_id, "
                        "passport_number, nationality, phone, phone_key",
    "residents_household": "id, created_at, modified_at, recorded_unit_id, commune_id, address, "
                           "address_key, head_id",
    "residents_householdmember": "id, created_at, modified_at, household_id, person_id, "
                                 "relation, joined_on",
}


def load(files) -> dict:
    """COPY into the three tables with their secondary indexes dropped, then rebuild them."""
    from django.db import connection, transaction

    timings: dict = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                       "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                       [list(TABLES)])
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
        for (table, columns), path in zip(TABLES.items(), files, strict=True):
            started = time.perf_counter()
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy, \
                    open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            timings[f"copy_{table}_s"] = round(time.perf_counter() - started, 1)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        started = time.perf_counter()
        for name, definition in indexes:
            t = time.perf_counter()
            cursor.execute(definition)
            timings.setdefault("index_s", {})[name] = round(time.perf_counter() - t, 1)
        timings["indexes_total_s"] = round(time.perf_counter() - started, 1)
    return timings


# --- the mixes --------------------------------------------------------------------------------

def build_mix(persons: list[tuple], seed: int, n: int = N_QUERIES) -> list[dict]:
    """``persons``: (id, full_name, citizen_id, phone) in a stable order."""
    rng = random.Random(seed)
    kinds = []
    for kind, share in KINDS.items():
        kinds += [kind] * round(share * n)
    kinds = (kinds + ["accented"] * n)[:n]
    rng.shuffle(kinds)
    with_id = [p for p in persons if p[2]]
    with_phone = [p for p in persons if p[3]]
    queries = []
    for kind in kinds:
        pool = with_id if kind.startswith("cccd") else with_phone if kind == "phone" else persons
        pid, full, citizen, phone = rng.choice(pool)
        words = full.split()
        if kind == "accented":
            q = full
        elif kind == "unaccented":
            q = unaccent(full)
        elif kind == "word_order":  # given name first, as people say it; or a shuffle
            order = words[-1:] + words[:-1] if rng.random() < 0.6 else rng.sample(words, len(words))
            q = " ".join(order)
            q = unaccent(q) if rng.random() < 0.5 else q
        elif kind == "given_only":
            q = words[-1]
            q = unaccent(q) if rng.random() < 0.5 else q
        elif kind == "surname_partial_given":
            given = words[-1]
            q = f"{words[0]} {given[: rng.randint(1, max(1, len(given) - 1))]}"
            q = unaccent(q) if rng.random() < 0.5 else q
        elif kind == "cccd_exact":
            q = citizen
        elif kind == "cccd_prefix":
            q = citizen[: rng.randint(6, 10)]
        else:  # phone: whole (sometimes spaced), or its last 6–7 digits
            r = rng.random()
            q = (phone if r < 0.4 else f"{phone[:4]} {phone[4:7]} {phone[7:]}" if r < 0.6
                 else phone[-rng.randint(6, 7):])
        queries.append({"q": q, "kind": kind, "pk": pid, "name": full})
    return queries


def _with_timeout(ms: int, func):
    """``func()`` under a statement_timeout; None when it was stopped."""
    from django.db import connection, transaction
    from django.db.utils import OperationalError

    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {ms}")
        with transaction.atomic():
            return func()
    except OperationalError:
        return None
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def _time_mix(queries: list[dict], run, key: str) -> dict:
    for item in queries[:WARMUP]:
        run(item["q"])
    samples = []
    gc.disable()
    try:
        for item in queries:
            started = time.perf_counter()
            ids = run(item["q"])
            elapsed = time.perf_counter() - started
            if ids is None:  # stopped by the timeout: count the full timeout
                elapsed = max(elapsed, (OURS_TIMEOUT_MS if key == "ours"
                                        else BASELINE_TIMEOUT_MS) / 1000)
            samples.append(elapsed)
            item[f"{key}_s"] = elapsed
            item[f"{key}_hit"] = ids is not None and item["pk"] in ids
            item[f"{key}_n"] = -1 if ids is None else len(ids)
    finally:
        gc.enable()
    out = percentiles_ms(samples)
    out["recall"] = round(sum(q[f"{key}_hit"] for q in queries) / len(queries), 3)
    by_kind = {}
    for kind in KINDS:
        part = [q for q in queries if q["kind"] == kind]
        if not part:
            continue
        stats = percentiles_ms([q[f"{key}_s"] for q in part])
        by_kind[kind] = {"n": len(part), "p50_ms": stats["p50_ms"], "p95_ms": stats["p95_ms"],
                         "recall": round(sum(q[f"{key}_hit"] for q in part) / len(part), 3)}
    out["by_kind"] = by_kind
    out["timeouts"] = sum(1 for q in queries if q[f"{key}_n"] == -1)
    return out


class _Captured(Exception):
    pass


def _captured_sql(func) -> tuple[str, tuple]:
    """The SQL and parameters of the search itself, captured and not run (the scope and
    own-household queries before it run as usual)."""
    from django.db import connection

    seen: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        if sql.startswith('SELECT "residents_person"."id"') and "LIMIT" in sql:
            seen.append((sql, params))
            raise _Captured
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        try:
            func()
        except _Captured:
            pass
    return seen[-1]


_COST = re.compile(r"\s*\(cost=[^)]*\)")


def _explain(func) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) under a 10 s timeout; past it, EXPLAIN alone (with costs)."""
    from django.db import connection

    sql, params = _captured_sql(func)

    def analyze():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return [_COST.sub("", row[0]) for row in cursor.fetchall()]

    plan = _with_timeout(10_000, analyze)
    if plan is None:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = ["(EXPLAIN only: EXPLAIN ANALYZE passed 10 s)"] + [
                row[0] for row in cursor.fetchall()]
    return plan


def _execution_ms(plan: list[str]) -> float | None:
    for line in plan:
        if line.startswith("Execution Time:"):
            return float(line.split(":")[1].split()[0])
    return None


def bench(vendor: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from safecommune.accounts.services import role_assign
    from safecommune.residents.models import Person
    from safecommune.residents.selectors import person_search
    from safecommune.territory.loader import territory_load
    from safecommune.territory.models import AdministrativeUnit, UnitSuccession

    if vendor != "postgres" or connection.vendor != "postgresql":
        raise SystemExit("person_search runs on PostgreSQL only")
    started_all = time.perf_counter()
    territory_load()
    province, n_communes = pick_province()
    communes = list(AdministrativeUnit.objects.filter(structure="2025", level="commune",
                                                      province=province).order_by("code"))
    birth = {}
    for succ in (UnitSuccession.objects.filter(successor__in=communes,
                                               predecessor__level="commune")
                 .select_related("predecessor__province").order_by("-is_default", "id")):
        birth.setdefault(succ.successor_id, f"0{succ.predecessor.province.code}")
    fallback = next(iter(birth.values()))
    birth = {u.pk: birth.get(u.pk, fallback) for u in communes}

    # the officer's commune: the heaviest under the same seeded weights — generate once to learn
    # it cheaply: the weights are the first draws of the generator's rng
    rng = random.Random(SEED)
    weights = [rng.lognormvariate(0, 0.6) * (2.0 if u.kind.startswith("Phường") else 1.0)
               for u in communes]
    officer_commune = communes[max(range(len(communes)), key=weights.__getitem__)]

    folder = Path(tempfile.mkdtemp(prefix="safecommune-bench-persons-"))
    started = time.perf_counter()
    data = generate(folder, communes, birth, ROWS, officer_commune.pk)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    load_t = load(data["files"])
    load_s = time.perf_counter() - started
    for path in data["files"]:
        path.unlink()
    folder.rmdir()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE residents_person")
        cursor.execute("VACUUM ANALYZE residents_household")
        cursor.execute("VACUUM ANALYZE residents_householdmember")
        vacuum_s = time.perf_counter() - started
        cursor.execute("SELECT pg_total_relation_size('residents_person'), "
                       "pg_relation_size('person_name_terms_gin')")
        person_bytes, trgm_bytes = cursor.fetchone()

    User = get_user_model()
    officer = User.objects.create_user(username="bench_officer", password=None)
    role_assign(user=officer, role="commune_officer", unit=officer_commune)
    viewer = User.objects.create_user(username="bench_viewer", password=None)
    role_assign(user=viewer, role="province_viewer", unit=province)

    rng = random.Random(SEED + 1)
    sample_ids = sorted(rng.sample(range(1, data["persons"] + 1), 20_000))
    province_people = list(Person.objects.filter(pk__in=sample_ids).order_by("pk")
                           .values_list("pk", "full_name", "citizen_id", "phone"))
    officer_people = list(Person.objects.filter(commune=officer_commune).order_by("pk")
                          .values_list("pk", "full_name", "citizen_id", "phone"))
    mixes = {"officer": (officer, [officer_commune.pk], build_mix(officer_people, SEED + 2)),
             "province_viewer": (viewer, [u.pk for u in communes],
                                 build_mix(province_people, SEED + 3))}
    from safecommune.residents.cccd import validate_cccd
    from safecommune.residents.models import Person as P

    checked = list(P.objects.exclude(citizen_id="").order_by("?")
                   .values_list("citizen_id", "birth_date", "sex")[:2000])
    cccd_invalid = 0
    for citizen, born, sex in checked:
        try:
            validate_cccd(citizen, birth_date=born, sex=sex)
        except Exception:  # noqa: BLE001 — counted, reported
            cccd_invalid += 1

    result: dict = {
        "rows": data["persons"], "households": data["households"],
        "province": f"{province.code} {province.name}", "communes": n_communes,
        "officer_commune": f"{officer_commune.code} {officer_commune.name}",
        "officer_commune_persons": data["per_commune"][officer_commune.pk],
        "persons_per_commune": {"min": min(data["per_commune"].values()),
                                "max": max(data["per_commune"].values())},
        "mix": MIX, "kinds": KINDS, "seed": SEED, "warmup": WARMUP, "limit": LIMIT,
        "target_p95_ms": TARGET_P95_MS, "ours_timeout_ms": OURS_TIMEOUT_MS,
        "baseline_timeout_ms": BASELINE_TIMEOUT_MS,
        "generate_s": round(generate_s, 1), "load_s": round(load_s, 1), "load": load_t,
        "vacuum_analyze_s": round(vacuum_s, 1),
        "person_table_mb": round(person_bytes / 2**20), "name_terms_index_mb": round(trgm_bytes / 2**20),
        "cccd_sample_checked": len(checked), "cccd_sample_invalid": cccd_invalid,
        "mixes": {},
    }
    for label, (user, scope, queries) in mixes.items():
        digest = hashlib.sha256(json.dumps([q["q"] for q in queries], ensure_ascii=False)
                                .encode()).hexdigest()[:16]

        def ours(q, user=user):
            return _with_timeout(OURS_TIMEOUT_MS, lambda: {
                p.pk for p in person_search(user=user, query=q, limit=LIMIT)})

        def baseline(q, scope=scope):
            return _with_timeout(BASELINE_TIMEOUT_MS, lambda: {
                p.pk for p in Person.objects.filter(full_name__icontains=q,
                                                    commune_id__in=scope)[:LIMIT]})

        mix = {"queries": len(queries), "query_digest": digest,
               "ours": _time_mix(queries, ours, "ours"),
               "baseline_ilike": _time_mix(queries[::BASELINE_EVERY[label]], baseline, "base"),
               "baseline_every": BASELINE_EVERY[label]}
        mix["ratio_p50"] = round(mix["ours"]["p50_ms"] / mix["baseline_ilike"]["p50_ms"], 3)
        mix["ratio_p95"] = round(mix["ours"]["p95_ms"] / mix["baseline_ilike"]["p95_ms"], 3)
        mix["meets_target"] = mix["ours"]["p95_ms"] <= TARGET_P95_MS
        slowest = {}
        for kind in KINDS:
            worst = max((q for q in queries if q["kind"] == kind), key=lambda q: q["ours_s"])
            plan = _explain(lambda worst=worst: person_search(user=user, query=worst["q"],
                                                              limit=LIMIT))
            slowest[kind] = {"q": worst["q"], "ms": round(worst["ours_s"] * 1000, 1),
                             "timed_out": worst["ours_n"] == -1,
                             "explain_ms": _execution_ms(plan), "plan": plan}
        worst = max(queries[::BASELINE_EVERY[label]], key=lambda q: q["base_s"])
        slowest["baseline_worst"] = {
            "q": worst["q"], "ms": round(worst["base_s"] * 1000, 1),
            "plan": _explain(lambda worst=worst: list(Person.objects.filter(
                full_name__icontains=worst["q"], commune_id__in=scope)[:LIMIT]))}
        mix["slowest"] = slowest
        mix["misses_ours"] = [{"q": q["q"], "kind": q["kind"], "name": q["name"],
                               "results": q["ours_n"]}
                              for q in queries if not q["ours_hit"]][:15]
        result["mixes"][label] = mix
    result["total_s"] = round(time.perf_counter() - started_all, 1)
    return result


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--baseline-every", type=int, default=1,
                        help="province viewer's baseline on every Nth query only (it is slow)")
    known, rest = parser.parse_known_args()
    ROWS = known.rows
    BASELINE_EVERY["province_viewer"] = known.baseline_every
    standalone(bench, rest)
