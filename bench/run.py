"""Run every benchmark (on SQLite and PostgreSQL where it applies), write
``bench/results/<date>.json`` and print a table. ``make bench`` calls this; see
``bench/README.md``.

Each (benchmark, database) pair runs in its own child process on its own fresh database
(Django is set up once per process, and one benchmark's writes must not colour another's).
The runs are sequential so they do not compete for the CPU. A partial run (``--only``,
``--db``) is merged into the same day's file: what it ran replaces the earlier figures, the rest
stays, and the run is listed under ``merged``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import VENDORS, machine  # noqa: E402

# benchmark → the databases it runs on
BENCHMARKS = {
    "territory_load": VENDORS,
    "unit_search": VENDORS,
    "audit_append": ("postgres",),  # its own CLI: prints JSON with --json
    "request_cost": VENDORS,
    "import_persons": ("postgres",),  # 1,000,000 rows by default; about 5 minutes
    "person_search": ("postgres",),  # 3,000,000 persons; about 15 minutes
    "report_submit": ("postgres",),  # gunicorn, 2 workers, 3 rounds; about 2 minutes
}
# extra command-line arguments of a benchmark's child process
EXTRA_ARGS = {
    # the province viewer's ILIKE baseline scans the whole table (≈ 1 s a query at 3M): every
    # 5th query of the mix (200) keeps the run near 15 minutes
    "person_search": ["--baseline-every", "5"],
}


def run_child(name: str, vendor: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    if name == "audit_append":
        command = [sys.executable, str(HERE / f"{name}.py"), "--json"]
    else:
        command = [sys.executable, str(HERE / f"{name}.py"), "--db", vendor, "--out", str(out),
                   *EXTRA_ARGS.get(name, [])]
    try:
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=HERE.parent, text=True, capture_output=True)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-20:],
                    "wall_s": round(time.perf_counter() - started, 1)}
        if name == "audit_append":
            result = json.loads(proc.stdout)
            result["wall_s"] = round(time.perf_counter() - started, 1)
            return result
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


def table(results: dict) -> str:
    rows = [("benchmark", "db", "measure", "ours", "baseline", "ratio", "target", "ok")]
    for vendor in results["databases"]:
        load = results["territory_load"].get(vendor)
        if load and "error" not in load:
            rows.append(("territory_load", vendor, "first load (s)", f"{load['first_load_s']:.2f}",
                         f"{load['baseline_bulk_create_s']:.2f}",
                         f"{load['ratio_first_load_to_baseline']:.2f}", "< 60 s",
                         _ok(load["first_load_s"] < load["target_s"])))
            rows.append(("territory_load", vendor, "second load (s)",
                         f"{load['second_load_s']:.2f}", f"{load['baseline_bulk_create_s']:.2f}",
                         f"{load['ratio_second_load_to_baseline']:.2f}", "< 60 s",
                         _ok(load["second_load_s"] < load["target_s"])))
        elif load:
            rows.append(("territory_load", vendor, "ERROR", "", "", "", "", "no"))
        search = results["unit_search"].get(vendor)
        if search and "error" not in search:
            for state, s in search["states"].items():
                label = "" if len(search["states"]) == 1 else f" [{state}]"
                target = "≤ 10 ms" if vendor == "postgres" else "(info)"
                ok = _ok(s["meets_target"]) if vendor == "postgres" else ""
                rows.append(("unit_search", vendor, f"p50 ms{label}", f"{s['ours']['p50_ms']:.2f}",
                             f"{s['baseline_ilike']['p50_ms']:.2f}", f"{s['ratio_p50']:.2f}",
                             "", ""))
                rows.append(("unit_search", vendor, f"p95 ms{label}", f"{s['ours']['p95_ms']:.2f}",
                             f"{s['baseline_ilike']['p95_ms']:.2f}", f"{s['ratio_p95']:.2f}",
                             target, ok))
            rows.append(("unit_search", vendor, "recall", f"{search['recall_ours']:.3f}",
                         f"{search['recall_baseline']:.3f}",
                         f"{search['recall_difference']:+.3f}", "", ""))
        elif search:
            rows.append(("unit_search", vendor, "ERROR", "", "", "", "", "no"))
        audit = results.get("audit_append", {}).get(vendor)
        if audit and "error" not in audit:
            for row in audit["scenarios"]:
                rows.append(("audit_append", vendor, f"{row['scenario']} (/s)",
                             f"{row['audit_per_s']:.0f}", f"{row['baseline_per_s']:.0f}",
                             f"{row['ratio_audit_to_baseline']:.2f}", "", ""))
        elif audit:
            rows.append(("audit_append", vendor, "ERROR", "", "", "", "", "no"))
        cost = results.get("request_cost", {}).get(vendor)
        if cost and "error" not in cost:
            rows.extend(_request_cost_rows(vendor, cost))
        elif cost:
            rows.append(("request_cost", vendor, "ERROR", "", "", "", "", "no"))
        imported = results.get("import_persons", {}).get(vendor)
        if imported and "error" not in imported:
            rows.append(("import_persons", vendor, f"{imported['rows']:,} rows (persons/s)",
                         f"{imported['import_per_s']:,}", f"{imported['baseline_copy_per_s']:,}",
                         f"{imported['ratio_import_to_copy']:.1f}", "", ""))
        elif imported:
            rows.append(("import_persons", vendor, "ERROR", "", "", "", "", "no"))
        found = results.get("person_search", {}).get(vendor)
        if found and "error" not in found:
            for label, mix in found["mixes"].items():
                ours, base = mix["ours"], mix["baseline_ilike"]
                rows.append(("person_search", vendor, f"{label} p50 ms", f"{ours['p50_ms']:.2f}",
                             f"{base['p50_ms']:.2f}", f"{mix['ratio_p50']:.2f}", "", ""))
                rows.append(("person_search", vendor, f"{label} p95 ms", f"{ours['p95_ms']:.2f}",
                             f"{base['p95_ms']:.2f}", f"{mix['ratio_p95']:.2f}", "≤ 50 ms",
                             _ok(mix["meets_target"])))
                rows.append(("person_search", vendor, f"{label} recall", f"{ours['recall']:.3f}",
                             f"{base['recall']:.3f}",
                             f"{ours['recall'] - base['recall']:+.3f}", "", ""))
        elif found:
            rows.append(("person_search", vendor, "ERROR", "", "", "", "", "no"))
        submitted = results.get("report_submit", {}).get(vendor)
        if submitted and "error" not in submitted:
            rows.append(("report_submit", vendor, "HTTP submissions/s (ORM inserts/s)",
                         f"{submitted['http']['per_s']:.1f}",
                         f"{submitted['baseline_orm']['per_s']:.1f}", f"{submitted['ratio']:.3f}",
                         "≥ 300/s, none lost",
                         _ok(submitted["meets_target"] and submitted["none_lost"]["ok"])))
            health = submitted.get("health_check")
            if health:
                rows.append(("report_submit", vendor, "… (health checks/s, same server)",
                             f"{submitted['http']['per_s']:.1f}", f"{health['per_s']:.1f}",
                             f"{health['submissions_per_health_check']:.3f}", "", ""))
        elif submitted:
            rows.append(("report_submit", vendor, "ERROR", "", "", "", "", "no"))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _request_cost_rows(vendor: str, cost: dict) -> list[tuple]:
    """p50 in ms of the main request variants, against the baseline of their group."""
    rows = []

    def row(label: str, group: dict, name: str) -> None:
        v, base = group["variants"][name], group["variants"][group["baseline"]]
        rows.append(("request_cost", vendor, f"{label} p50 ms", f"{v['p50_us'] / 1000:.2f}",
                     f"{base['p50_us'] / 1000:.2f}", f"{v['ratio_p50']:.2f}", "", ""))

    reads = cost["http_reads"]
    for persona in ("commune_officer", "province_viewer"):
        row(f"GET session {persona}", reads, f"session {persona}, closed commune (scoped)")
    for persona, group in cost["http_writes"]["by_persona"].items():
        if persona != "system_admin":
            row(f"PATCH token {persona}", group, f"token {persona}")
    functions = cost["functions"]
    row("token_authenticate()", functions, "token_authenticate(secret)")
    row("scope_for(province_viewer)", functions, "scope_for(province_viewer), fresh user object")
    listing = cost["listing"]["orderings"]["newest first"]
    row("list 50 province_viewer", listing, "filter_by_communes(province_viewer), scope cached")
    return rows


def extract_plans(results: dict) -> str:
    """Move the full EXPLAIN ANALYZE plans out of the results (they keep a summary) into text."""
    parts = [f"EXPLAIN (ANALYZE, BUFFERS) of unit_search's query, {results['date']}\n"]
    for vendor, search in results.get("unit_search", {}).items():
        for state, data in search.get("states", {}).items():
            for label, example in data.get("explain", {}).get("examples", {}).items():
                plan = example.pop("plan", None)
                if plan:
                    parts.append(f"== {vendor} [{state}] {label}: {example['query']!r}\n"
                                 + "\n".join(plan) + "\n")
    return "\n".join(parts)


def extract_person_search_plans(results: dict) -> str:
    """Move person_search's plans (slowest query of each kind) out of the results into text."""
    parts = [f"EXPLAIN (ANALYZE, BUFFERS) of person_search's slowest queries, {results['date']}\n"]
    for vendor, found in results.get("person_search", {}).items():
        for label, mix in found.get("mixes", {}).items():
            for kind, example in mix.get("slowest", {}).items():
                plan = example.pop("plan", None)
                if plan:
                    parts.append(f"== {vendor} {label} {kind}: {example['q']!r} "
                                 f"({example['ms']} ms in the mix)\n" + "\n".join(plan) + "\n")
    return "\n".join(parts)


def _ok(value: bool) -> str:
    return "yes" if value else "NO"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=VENDORS, action="append",
                        help="only this database (repeatable); default both")
    parser.add_argument("--only", choices=BENCHMARKS, action="append",
                        help="only this benchmark (repeatable); default all")
    parser.add_argument("--out", help="result file (default bench/results/<today>.json)")
    args = parser.parse_args(argv)
    vendors = args.db or list(VENDORS)
    names = args.only or list(BENCHMARKS)
    today = dt.date.today().isoformat()
    out = Path(args.out) if args.out else HERE / "results" / f"{today}.json"
    results: dict = {"date": today, "machine": machine(), "databases": vendors}
    # A partial run (--only or --db) is merged into the same day's file instead of replacing
    # the benchmarks it did not run; the parts it ran are replaced and listed in "merged".
    merging = False
    if (args.only or args.db) and out.exists():
        previous = json.loads(out.read_text(encoding="utf-8"))
        if previous.get("date") == today:
            merging = True
            previous.setdefault("merged", []).append(
                {"only": names, "databases": vendors, "machine": results["machine"]})
            previous["databases"] = [v for v in VENDORS
                                     if v in set(previous.get("databases", [])) | set(vendors)]
            results = previous
    started = time.perf_counter()
    for name in names:
        results.setdefault(name, {})
        for vendor in vendors:
            if vendor not in BENCHMARKS[name]:
                continue
            print(f"… {name} on {vendor}", file=sys.stderr, flush=True)
            results[name][vendor] = run_child(name, vendor)
    for name in BENCHMARKS:
        results.setdefault(name, {})
    wall_s = round(time.perf_counter() - started, 1)
    load_end = machine()["loadavg"]
    if merging:
        results["merged"][-1].update(wall_s=wall_s, loadavg_end=load_end)
    else:
        results["wall_s"], results["loadavg_end"] = wall_s, load_end
    out.parent.mkdir(parents=True, exist_ok=True)
    plans = out.with_name(out.stem + "-plans.txt")
    if "unit_search" in names:  # the only benchmark with plans to move out
        plans.write_text(extract_plans(results), encoding="utf-8")
    if "person_search" in names:  # its own file, so a partial run keeps unit_search's plans
        out.with_name(out.stem + "-person-search-plans.txt").write_text(
            extract_person_search_plans(results), encoding="utf-8")
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    m = results["merged"][-1]["machine"] if merging else results["machine"]
    print(f"\nmachine: {m['nproc']} CPUs, {m['memory_gib']} GiB; load average at start "
          f"{m['loadavg']}, at end {load_end}; {wall_s} s")
    print(f"written {out}" + (f" and {plans.name}" if "unit_search" in names else ""))
    failed = [f"{n}/{v}" for n in names for v in vendors
              if "error" in results[n].get(v, {})]
    for item in failed:
        name, vendor = item.split("/")
        print(f"\n{item} failed:\n" + "\n".join(results[name][vendor]["error"]), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
