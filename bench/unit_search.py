"""Benchmark: ``unit_search(query=q)`` — the project's folded/phonetic search, first 50 results by
best match — over a deterministic mix of 1,000 queries built from real unit names.
Target: p95 ≤ 10 ms on PostgreSQL.

Baseline, measured in the same run on the same data and queries: a plain
``AdministrativeUnit.objects.filter(name__icontains=q)[:50]`` (``ILIKE '%q%'`` on PostgreSQL).
Reported: latency percentiles of both, the ratio ours / baseline, and recall — the share of
queries whose intended unit is among the results — of both.

Query mix (seeded, 250 of each kind, shuffled):

* ``accented``   the short name as written: ``Trì Quang``
* ``unaccented`` tones and marks removed: ``Tri Quang``
* ``cyrillic``   Russian spelling (``bench/translit.py``), syllables joined half of the time
                 (``Трикуанг`` / ``Три Куанг``), a case ending ``-е`` a third of the time
* ``partial``    a 3–6 letter prefix of one word (``Qua``), or the first word plus part of the
                 second (``Tri Qu``), accented or not

On PostgreSQL the mix is timed in three states of the trigram indexes (see ``bench``), and
``EXPLAIN ANALYZE`` of typical queries is recorded, with, for every query of the mix, whether
its plan uses the trigram GIN indexes.
"""

from __future__ import annotations

import gc
import hashlib
import json
import random
import re
import time
import unicodedata

import translit

SEED = 20261125
N_QUERIES = 1000
WARMUP = 50
KINDS = ("accented", "unaccented", "cyrillic", "partial")
TARGET_P95_MS = 10.0
EXPLAIN_EXAMPLES = {"unaccented": "Tri Quang", "cyrillic": "Трикуанге",
                    "cyrillic_joined_province": "Тханьхоа", "partial_short": "Qua"}


def unaccent(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def build_queries(units: list[tuple[int, str, str, str]], seed: int = SEED,
                  n: int = N_QUERIES) -> list[dict]:
    """``units``: (pk, structure, code, short_name) in a stable order."""
    rng = random.Random(seed)
    chosen = rng.sample(units, n)
    kinds = [KINDS[i % len(KINDS)] for i in range(n)]
    rng.shuffle(kinds)
    queries = []
    for (pk, structure, code, short), kind in zip(chosen, kinds, strict=True):
        detail = ""
        if kind == "accented":
            q = short
        elif kind == "unaccented":
            q = unaccent(short)
        elif kind == "cyrillic":
            join = rng.random() < 0.5
            ending = rng.random() < 1 / 3
            q = translit.to_russian(short, join=join, case_ending=ending)
            detail = ("joined" if join else "split") + ("+ending" if ending else "")
        else:
            source = short if rng.random() < 0.5 else unaccent(short)
            words = source.split()
            if len(words) >= 2 and rng.random() < 0.5:
                second = words[1]
                q = words[0] + " " + second[: rng.randint(1, max(1, len(second) - 1))]
                detail = "first word + part of second"
            else:
                long_words = [w for w in words if len(w) >= 3] or words
                word = rng.choice(long_words)
                q = word[: rng.randint(3, 6)]
                detail = "prefix of a word"
        queries.append({"q": q, "kind": kind, "detail": detail, "pk": pk,
                        "unit": f"{structure}/{code}", "name": short})
    return queries


def _load_units() -> list[tuple[int, str, str, str]]:
    from safecommune.territory.models import AdministrativeUnit

    return list(AdministrativeUnit.objects.order_by("structure", "code")
                .values_list("pk", "structure", "code", "short_name"))


def bench(vendor: str) -> dict:
    """On PostgreSQL the mix is timed in three states of the trigram GIN indexes:

    ``after_load``     right after ``territory_load()`` and ``ANALYZE``. The indexes were
                       created empty by the migration, so every loaded row still sits in their
                       *pending list* (``fastupdate``) until a VACUUM — which, with autovacuum
                       off as on this machine, never comes.
    ``after_vacuum``   after ``VACUUM ANALYZE`` of the table: the steady state.
    ``fastupdate_off`` the proposed fix: truncate, ``ALTER INDEX … SET (fastupdate = off)``, load
                       again (timed), ``ANALYZE``; no VACUUM.
    """
    from django.db import connection

    from safecommune.territory.loader import territory_load
    from safecommune.territory.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        territory_load()
    queries = build_queries(_load_units())
    digest = hashlib.sha256(json.dumps([q["q"] for q in queries],
                                       ensure_ascii=False).encode()).hexdigest()[:16]
    result: dict = {"queries": len(queries), "seed": SEED, "query_digest": digest,
                    "warmup": WARMUP, "target_p95_ms": TARGET_P95_MS}
    if vendor != "postgres":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        states = {"after_load": _time_mix(queries)}
        result.update(_headline(states, "after_load"))
        result["states"] = states
        return result

    states: dict[str, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    gin = {"after_load": _gin_pending()}
    states["after_load"] = _time_mix(queries)
    states["after_load"]["explain"] = _explain(queries)

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE territory_administrativeunit")
        vacuum_s = time.perf_counter() - started
    gin["after_vacuum"] = _gin_pending()
    states["after_vacuum"] = _time_mix(queries)
    states["after_vacuum"]["vacuum_s"] = round(vacuum_s, 3)
    states["after_vacuum"]["explain"] = _explain(queries)

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE territory_unitsuccession, territory_administrativeunit "
                       "RESTART IDENTITY CASCADE")
        for index in ("unit_name_key_trgm", "unit_phonetic_key_trgm"):
            cursor.execute(f'ALTER INDEX "{index}" SET (fastupdate = off)')
    started = time.perf_counter()
    territory_load()
    reload_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    gin["fastupdate_off"] = _gin_pending()
    # Same units, same order, so the same primary keys and the same query mix.
    again = build_queries(_load_units())
    assert [q["q"] for q in again] == [q["q"] for q in queries]
    states["fastupdate_off"] = _time_mix(again)
    states["fastupdate_off"]["territory_load_s"] = round(reload_s, 3)
    states["fastupdate_off"]["explain"] = _explain(again, full_plans=False)

    result["gin_pending_tuples"] = gin
    # Headline: the state this machine's server is in after `territory load` (no autovacuum).
    result.update(_headline(states, "after_load"))
    result["states"] = states
    return result


HEADLINE_KEYS = ("ours", "baseline_ilike", "ratio_p50", "ratio_p95", "ratio_mean",
                 "recall_ours", "recall_baseline", "recall_difference", "top1_ours",
                 "meets_target")


def _headline(states: dict, name: str) -> dict:
    """The headline figures; the misses (the same in every state) move here from the states."""
    misses = [state.pop("misses_ours") for state in states.values()]
    return {"headline_state": name, **{k: states[name][k] for k in HEADLINE_KEYS},
            "misses_ours": misses[0],
            "misses_same_in_all_states": all(m == misses[0] for m in misses)}


def _gin_pending() -> dict | None:
    """Tuples waiting in each trigram index's pending list (needs contrib pgstattuple)."""
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
            out = {}
            for index in ("unit_name_key_trgm", "unit_phonetic_key_trgm"):
                cursor.execute("SELECT pending_tuples FROM pgstatginindex(%s::regclass)", [index])
                out[index] = cursor.fetchone()[0]
            return out
    except DatabaseError:
        return None


def _time_mix(queries: list[dict]) -> dict:
    from safecommune.territory.models import AdministrativeUnit
    from safecommune.territory.selectors import unit_search

    def ours(q: str) -> list[int]:
        return [u.pk for u in unit_search(query=q)]

    def baseline(q: str) -> list[int]:
        return [u.pk for u in AdministrativeUnit.objects.filter(name__icontains=q)[:50]]

    for item in queries[:WARMUP]:
        ours(item["q"])
        baseline(item["q"])
    gc.collect()
    ours_s: list[float] = []
    base_s: list[float] = []
    for i, item in enumerate(queries):
        # Alternate which runs first so neither always finds the caches the other warmed.
        order = (("ours", ours), ("baseline", baseline))
        if i % 2:
            order = order[::-1]
        for name, fn in order:
            started = time.perf_counter()
            pks = fn(item["q"])
            elapsed = time.perf_counter() - started
            if name == "ours":
                ours_s.append(elapsed)
                item["ours_hit"] = item["pk"] in pks
                item["ours_rank"] = pks.index(item["pk"]) + 1 if item["ours_hit"] else None
                item["ours_n"] = len(pks)
            else:
                base_s.append(elapsed)
                item["baseline_hit"] = item["pk"] in pks
                item["baseline_n"] = len(pks)

    from common import percentiles_ms

    ours_stats = percentiles_ms(ours_s)
    base_stats = percentiles_ms(base_s)
    result = {
        "ours": ours_stats,
        "baseline_ilike": base_stats,
        "ratio_p50": round(ours_stats["p50_ms"] / base_stats["p50_ms"], 2),
        "ratio_p95": round(ours_stats["p95_ms"] / base_stats["p95_ms"], 2),
        "ratio_mean": round(ours_stats["mean_ms"] / base_stats["mean_ms"], 2),
        "recall_ours": _share(queries, "ours_hit"),
        "recall_baseline": _share(queries, "baseline_hit"),
        "top1_ours": round(sum(1 for q in queries if q["ours_rank"] == 1) / len(queries), 3),
        "meets_target": ours_stats["p95_ms"] <= TARGET_P95_MS,
        "by_kind": {},
    }
    result["recall_difference"] = round(result["recall_ours"] - result["recall_baseline"], 3)
    for kind in KINDS:
        idx = [i for i, q in enumerate(queries) if q["kind"] == kind]
        sub = [queries[i] for i in idx]
        ours_kind = percentiles_ms([ours_s[i] for i in idx])
        base_kind = percentiles_ms([base_s[i] for i in idx])
        result["by_kind"][kind] = {
            "n": len(sub),
            "ours_p50_ms": ours_kind["p50_ms"], "ours_p95_ms": ours_kind["p95_ms"],
            "baseline_p50_ms": base_kind["p50_ms"], "baseline_p95_ms": base_kind["p95_ms"],
            "recall_ours": _share(sub, "ours_hit"),
            "recall_baseline": _share(sub, "baseline_hit"),
        }
    cyr = [q for q in queries if q["kind"] == "cyrillic"]
    result["cyrillic_by_form"] = {
        form: {"n": len(sub), "recall_ours": _share(sub, "ours_hit")}
        for form in sorted({q["detail"] for q in cyr})
        for sub in [[q for q in cyr if q["detail"] == form]]
    }
    result["misses_ours"] = _misses(queries)
    slowest = sorted(range(len(queries)), key=lambda i: ours_s[i], reverse=True)[:5]
    result["slowest_ours"] = [
        {"q": queries[i]["q"], "kind": queries[i]["kind"], "ms": round(ours_s[i] * 1000, 2),
         "results": queries[i]["ours_n"]} for i in slowest]
    return result


def _share(items: list[dict], key: str) -> float:
    return round(sum(1 for q in items if q[key]) / len(items), 3) if items else 0.0


_GI = re.compile(r"(^|\s)gi", re.IGNORECASE)


def _misses(queries: list[dict]) -> dict:
    """Where our search misses a non-partial query, and the likely reason."""
    from safecommune.core.text import phonetic

    misses = [q for q in queries if not q["ours_hit"] and q["kind"] != "partial"]
    reasons: dict[str, int] = {}
    examples: list[dict] = []
    for q in misses:
        words = [phonetic(w) for w in unaccent(q["name"]).lower().split()]
        pairs = list(zip(words, words[1:], strict=False))
        joined = q["kind"] == "cyrillic" and "joined" in q["detail"]
        if q["kind"] == "cyrillic" and _GI.search(unaccent(q["name"]).lower()):
            reason = "gi written з: the phonetic key keeps gi"
        elif joined and any(a[-1:] == b[:1] for a, b in pairs):
            reason = ("joined syllables meet on one letter (Хамминь, Тханьхоа); doubled "
                      "letters are collapsed per word only")
        elif joined and any(a.endswith("ng") and b.startswith("h") for a, b in pairs):
            reason = "joined ng+h read as the onset ngh (Лонгхай)"
        elif q["ours_n"] >= 50:
            reason = "over 50 matches, the intended unit ranks lower"
        else:
            reason = "other"
        reasons[reason] = reasons.get(reason, 0) + 1
        if len(examples) < 12:
            examples.append({"q": q["q"], "name": q["name"], "unit": q["unit"],
                             "kind": q["kind"], "results": q["ours_n"], "reason": reason})
    return {"count": len(misses), "reasons": reasons, "examples": examples}


def _explain(queries: list[dict], *, full_plans: bool = True) -> dict:
    """EXPLAIN ANALYZE of example queries; which plans of the mix use the trigram indexes."""
    from django.db import connection

    from safecommune.territory.selectors import unit_search

    def captured_sql(q: str) -> tuple[str, tuple]:
        seen: list[tuple[str, tuple]] = []

        def wrapper(execute, sql, params, many, context):
            seen.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            unit_search(query=q)
        return seen[0]

    out: dict = {"examples": {}}
    for label, q in EXPLAIN_EXAMPLES.items():
        sql, params = captured_sql(q)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        example = {"query": q, "uses_trigram_index": _uses_trgm(plan),
                   "execution_ms": _execution_ms(plan), "plan_summary": _summary(plan)}
        if full_plans and label in ("unaccented", "cyrillic"):
            example["plan"] = plan
        out["examples"][label] = example
    counts = {"trigram_index": 0, "seq_scan": 0, "other": 0}
    by_kind: dict[str, dict[str, int]] = {}
    for item in queries:
        sql, params = captured_sql(item["q"])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        if _uses_trgm(plan):
            key = "trigram_index"
        elif any("Seq Scan on territory_administrativeunit" in line for line in plan):
            key = "seq_scan"
        else:
            key = "other"
        counts[key] += 1
        by_kind.setdefault(item["kind"], {"trigram_index": 0, "seq_scan": 0, "other": 0})
        by_kind[item["kind"]][key] += 1
    out["plans_of_the_mix"] = counts
    out["plans_by_kind"] = by_kind
    return out


def _execution_ms(plan: list[str]) -> float | None:
    for line in plan:
        if line.startswith("Execution Time:"):
            return float(line.split(":")[1].split()[0])
    return None


_COST = re.compile(r"\s*\(cost=[^)]*\)")


def _summary(plan: list[str]) -> list[str]:
    """The scan nodes of a plan, without cost estimates."""
    keep = ("Scan", "BitmapOr", "Index Cond", "Filter:", "Rows Removed by Filter")
    return [_COST.sub("", line).rstrip() for line in plan
            if any(k in line for k in keep)][:12]


def _uses_trgm(plan: list[str]) -> bool:
    return any("unit_name_key_trgm" in line or "unit_phonetic_key_trgm" in line
               for line in plan)


if __name__ == "__main__":
    from common import standalone

    standalone(bench)
