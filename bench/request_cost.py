"""Benchmark: the cost per request of token authentication and of jurisdiction scoping, against
the same request with neither.

Set-up on a fresh database: the real territories (``territory_load``); the 2025 province with
the most communes; in it commune **A** (public pages open) and commune **B** (public pages
closed), 15 villages each; 20,000 more villages over the province's other communes and 20,000
over the communes of every other province (``bulk_create``, bench data only). Users through
``role_assign``: a commune officer (on B), a province viewer and a province admin (on the big
province) and a system administrator (Django staff and superuser, as in
``tests/permission_matrix.py``); an API token each through ``token_create``; a confirmed TOTP
device each, so their sessions are two-factor verified as production requires of staff.

Requests go through ``django.test.Client`` (in process, no network) with production settings:
``DEBUG`` off, the staff second factor on, every middleware, and CSRF enforced (the session
PATCH sends the CSRF cookie and header a browser would). Variants of one group are interleaved
(rotating order each round) so load drifts hit them alike; ``WARMUP`` rounds first, then
``N`` timed rounds.

1. **Reads** ``GET /api/v1/communes/{code}/villages`` (15 villages). Baseline: anonymous on A —
   neither authentication nor scoping. Variants: anonymous with a bearer header (the route is
   public, the header is ignored); signed in by session on A (open: no scoping in the view,
   though the two-factor middleware asks ``is_staff_user``, which computes the user's scope);
   signed in by session on B (closed: the view checks ``can_read_commune``).
2. **Writes** ``PATCH /api/v1/communes/{B}/settings`` with ``{"is_remote": false}`` (a write
   and an audit entry each time). Baseline: the same PATCH with the session; variant: with
   ``Authorization: Bearer <token>``. The route has no unauthenticated form, so the session
   is the "no token" baseline.
3. **Functions**, each call on its own: ``token_authenticate(secret)`` and its parts;
   ``scope_for(user)`` per persona on a fresh user object each call (it caches per object);
   against the baseline of one primary-key query for the user.
4. **Listing** the first 50 of the 40,030 villages, newest first (``-id``), in the model's
   order (``commune``, ``name_key``, ``name``; ``commune`` sorts by the unit's own ordering,
   through a join) and by ``commune_id``, ``name_key``, ``name``, through
   ``filter_by_communes(queryset, user)`` per persona (scope already computed, so this is the
   SQL's cost; and with a fresh user, scope included) against the unfiltered queryset; for
   comparison (not the project's code) the province's rows through a join on
   ``commune__province_id``; building and compiling the SQL alone (no database); the
   compiled SQL's size and, on
   PostgreSQL, the plans.

The SQL statements each HTTP variant runs are recorded once (outside the timing).

    python bench/request_cost.py --db postgres|sqlite [--out FILE]
    REQUEST_COST_N=50 python bench/request_cost.py --db sqlite     # a quick trial
"""

from __future__ import annotations

import copy
import gc
import os
import random
import re
import statistics
import time
from collections.abc import Callable

from common import machine

N = int(os.environ.get("REQUEST_COST_N", "2000"))  # a smaller N for a quick trial only
WARMUP = min(100, N)
VILLAGES_PER_TEST_COMMUNE = 15
VILLAGES_IN_PROVINCE = 20_000
VILLAGES_ELSEWHERE = 20_000
LIST_LIMIT = 50
SEED = 20261125

OFFICER, VIEWER, PADMIN, SYSADMIN = ("commune_officer", "province_viewer", "province_admin",
                                     "system_admin")
PERSONAS = (OFFICER, VIEWER, PADMIN, SYSADMIN)


# --- statistics -----------------------------------------------------------------------------

def stats_us(samples_s: list[float]) -> dict:
    """p50/p95/p99/mean in microseconds (nearest-rank percentiles, as ``common.percentiles_ms``)."""
    ordered = sorted(samples_s)
    n = len(ordered)

    def rank(p: float) -> float:
        return ordered[max(0, min(n - 1, int(-(-p * n // 100)) - 1))] * 1e6

    return {"n": n, "p50_us": round(rank(50), 1), "p95_us": round(rank(95), 1),
            "p99_us": round(rank(99), 1), "mean_us": round(statistics.fmean(ordered) * 1e6, 1)}


def with_ratios(samples: dict[str, list[float]], baseline: str) -> dict:
    out = {name: stats_us(values) for name, values in samples.items()}
    base = out[baseline]
    for name, s in out.items():
        s["ratio_p50"] = round(s["p50_us"] / base["p50_us"], 3)
        s["ratio_mean"] = round(s["mean_us"] / base["mean_us"], 3)
        s["extra_p50_us"] = round(s["p50_us"] - base["p50_us"], 1)
        s["extra_mean_us"] = round(s["mean_us"] - base["mean_us"], 1)
    return {"baseline": baseline, "variants": out}


def interleaved(variants: dict[str, Callable[[], object]], *, n: int = N,
                warmup: int = WARMUP, check: Callable[[str, object], None] | None = None,
                prepare: dict[str, Callable[[], object]] | None = None) -> dict:
    """Time every variant ``n`` times, round by round in rotating order.

    ``prepare[name]()`` (untimed) returns the argument passed to ``variants[name]``, when given.
    """
    names = list(variants)
    prepare = prepare or {}

    def once(name: str) -> float:
        arg = prepare[name]() if name in prepare else None
        fn = variants[name]
        started = time.perf_counter()
        result = fn(arg) if name in prepare else fn()
        elapsed = time.perf_counter() - started
        if check is not None:
            check(name, result)
        return elapsed

    for _ in range(warmup):
        for name in names:
            once(name)
    samples: dict[str, list[float]] = {name: [] for name in names}
    gc.collect()
    load_before = os.getloadavg()
    started = time.perf_counter()
    for i in range(n):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            samples[name].append(once(name))
    return {"samples": samples, "wall_s": round(time.perf_counter() - started, 1),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()]}


def statement_summary(sql: str) -> str:
    """``SELECT accounts_user``, ``UPDATE core_auditchain``, ``BEGIN``: verb and first table."""
    if re.fullmatch(r"[A-Z]+( \w+)?", sql):
        return sql  # already a summary
    verb = sql.split(None, 1)[0].upper() if sql.strip() else ""
    match = (re.search(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
             or re.search(r'"(\w+)"\.', sql))  # a SELECT cut before its FROM
    return f"{verb} {match.group(1)}" if match else verb


def statements(variants: dict[str, Callable[[], object]]) -> dict[str, list[str]]:
    """The SQL statements each variant runs (verb and table), from one extra untimed call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = {}
    for name, fn in variants.items():
        with CaptureQueriesContext(connection) as captured:
            fn()
        out[name] = [statement_summary(q["sql"]) for q in captured.captured_queries]
    return out


# --- data -----------------------------------------------------------------------------------

def set_up() -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safecommune.accounts.services import role_assign
    from safecommune.accounts.tokens import token_create
    from safecommune.core.text import fold, phonetic
    from safecommune.territory.loader import territory_load
    from safecommune.territory.models import AdministrativeUnit, Level, Structure, Village
    from safecommune.territory.services import commune_settings_update

    facts: dict = {}
    started = time.perf_counter()
    territory_load()
    facts["territory_load_s"] = round(time.perf_counter() - started, 2)

    communes = AdministrativeUnit.objects.filter(structure=Structure.CURRENT,
                                                 level=Level.COMMUNE)
    biggest = (communes.values("province_id").annotate(n=Count("id"))
               .order_by("-n", "province_id").first())
    province = AdministrativeUnit.objects.get(pk=biggest["province_id"])
    in_province = list(communes.filter(province=province).order_by("code"))
    elsewhere = list(communes.exclude(province=province).order_by("code").values_list("id",
                                                                                        flat=True))
    commune_a, commune_b = in_province[0], in_province[1]
    others = [c.pk for c in in_province[2:]]
    facts.update({"province": f"{province.code} {province.name}",
                  "province_communes": len(in_province), "all_2025_communes": communes.count(),
                  "commune_a_open": f"{commune_a.code} {commune_a.name}",
                  "commune_b_closed": f"{commune_b.code} {commune_b.name}"})

    def village(commune_id: int, n: int) -> Village:
        name = f"Thôn Thử {n}"
        return Village(commune_id=commune_id, name=name, name_key=fold(name),
                       phonetic_key=phonetic(name), households=100 + n % 50)

    started = time.perf_counter()
    rows = [village(c.pk, n) for c in (commune_a, commune_b)
            for n in range(VILLAGES_PER_TEST_COMMUNE)]
    rows += [village(others[n % len(others)], n) for n in range(VILLAGES_IN_PROVINCE)]
    rows += [village(elsewhere[n % len(elsewhere)], n) for n in range(VILLAGES_ELSEWHERE)]
    random.Random(SEED).shuffle(rows)  # ids interleave the province's rows with the others'
    Village.objects.bulk_create(rows, batch_size=2000)
    facts["villages"] = Village.objects.count()
    facts["villages_bulk_create_s"] = round(time.perf_counter() - started, 2)

    commune_settings_update(commune=commune_a, public_pages_open=True)
    commune_settings_update(commune=commune_b, public_pages_open=False)

    User = get_user_model()
    users = {
        OFFICER: User.objects.create_user("bench-officer"),
        VIEWER: User.objects.create_user("bench-viewer"),
        PADMIN: User.objects.create_user("bench-padmin"),
        SYSADMIN: User.objects.create_user("bench-sysadmin", is_staff=True, is_superuser=True),
    }
    role_assign(user=users[OFFICER], role=OFFICER, unit=commune_b)
    role_assign(user=users[VIEWER], role=VIEWER, unit=province)
    role_assign(user=users[PADMIN], role=PADMIN, unit=province)
    role_assign(user=users[SYSADMIN], role=SYSADMIN)
    tokens = {p: token_create(user=u, name="bench").secret for p, u in users.items()}
    devices = {p: TOTPDevice.objects.create(user=u, name="bench", confirmed=True)
               for p, u in users.items()}
    return {"facts": facts, "province": province, "commune_a": commune_a,
            "commune_b": commune_b, "users": users, "tokens": tokens, "devices": devices}


def session_client(user, device):
    """A client signed in by session, two-factor verified, with a CSRF cookie (enforced)."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    csrf = _get_new_csrf_string()
    client.cookies["csrftoken"] = csrf
    client.csrf = csrf
    return client


# --- the groups -----------------------------------------------------------------------------

def _expect(status: int):
    def check(name: str, response) -> None:
        if response.status_code != status:
            raise AssertionError(f"{name}: HTTP {response.status_code}, expected {status}: "
                                 f"{response.content[:300]!r}")
    return check


def http_reads(ctx: dict) -> dict:
    from django.test import Client

    a, b = ctx["commune_a"].code, ctx["commune_b"].code
    anonymous = Client(enforce_csrf_checks=True)
    sessions = {p: session_client(ctx["users"][p], ctx["devices"][p])
                for p in (OFFICER, VIEWER, SYSADMIN)}
    bearer = {"Authorization": f"Bearer {ctx['tokens'][OFFICER]}"}
    path_a, path_b = f"/api/v1/communes/{a}/villages", f"/api/v1/communes/{b}/villages"
    variants: dict[str, Callable[[], object]] = {
        "anonymous, open commune": lambda: anonymous.get(path_a),
        "anonymous + bearer header (ignored), open commune":
            lambda: anonymous.get(path_a, headers=bearer),
    }
    # The province admin reads exactly as the province viewer does; it is timed on writes.
    readers = (OFFICER, VIEWER, SYSADMIN)
    for p in readers:
        variants[f"session {p}, open commune"] = (lambda c=sessions[p]: c.get(path_a))
    for p in readers:
        variants[f"session {p}, closed commune (scoped)"] = (lambda c=sessions[p]: c.get(path_b))
    run = interleaved(variants, check=_expect(200))
    body = anonymous.get(path_a)
    return {"path": f"GET /api/v1/communes/{{A|B}}/villages ({VILLAGES_PER_TEST_COMMUNE} "
                    f"villages, {len(body.content)} bytes)",
            **with_ratios(run.pop("samples"), "anonymous, open commune"), **run,
            "statements": statements(variants)}


def http_writes(ctx: dict) -> dict:
    from django.test import Client

    b = ctx["commune_b"].code
    path = f"/api/v1/communes/{b}/settings"
    body = '{"is_remote": false}'
    variants: dict[str, Callable[[], object]] = {}
    for p in (OFFICER, PADMIN, SYSADMIN):
        client = session_client(ctx["users"][p], ctx["devices"][p])
        variants[f"session {p}"] = (lambda c=client: c.patch(
            path, body, content_type="application/json", headers={"X-CSRFToken": c.csrf}))
        token_client = Client(enforce_csrf_checks=True)
        headers = {"Authorization": f"Bearer {ctx['tokens'][p]}"}
        variants[f"token {p}"] = (lambda c=token_client, h=headers: c.patch(
            path, body, content_type="application/json", headers=h))
    run = interleaved(variants, check=_expect(200))
    samples = run.pop("samples")
    out = {"path": f"PATCH /api/v1/communes/{b}/settings {body}", **run, "by_persona": {},
           "statements": statements(variants)}
    for p in (OFFICER, PADMIN, SYSADMIN):
        out["by_persona"][p] = with_ratios({k: samples[k] for k in (f"session {p}",
                                                                    f"token {p}")},
                                           f"session {p}")
    return out


def functions(ctx: dict) -> dict:
    from django.contrib.auth import get_user_model

    from safecommune.accounts import tokens as token_module
    from safecommune.accounts.jurisdiction import forget_scope, scope_for
    from safecommune.accounts.models import ApiToken

    users, secret = ctx["users"], ctx["tokens"][OFFICER]
    officer_pk = users[OFFICER].pk
    prefix = secret.split("_", 2)[1]
    User = get_user_model()
    for user in users.values():
        forget_scope(user)
    base = {p: copy.copy(u) for p, u in users.items()}

    variants: dict[str, Callable] = {
        "baseline: User.objects.filter(pk=…).first()":
            lambda: User.objects.filter(pk=officer_pk).first(),
        "token_authenticate(secret)": lambda: token_module.token_authenticate(secret),
        "— its query: ApiToken usable, select_related(user), by prefix":
            lambda: ApiToken.objects.usable().select_related("user").filter(prefix=prefix)
            .first(),
        "— its key: _key() (reads var/api-token-key)": token_module._key,
        "— its digest: token_digest(secret)": lambda: token_module.token_digest(secret),
    }
    prepare: dict[str, Callable] = {}
    for p in PERSONAS:
        name = f"scope_for({p}), fresh user object"
        variants[name] = scope_for
        prepare[name] = (lambda u=base[p]: copy.copy(u))
    run = interleaved(variants, prepare=prepare)
    sizes = {p: len(scope_for(copy.copy(base[p])).by_commune) for p in PERSONAS}
    return {**with_ratios(run.pop("samples"), "baseline: User.objects.filter(pk=…).first()"),
            **run, "scope_communes": sizes}


# ordering → (order_by, personas timed with their scope cached, personas timed fresh)
ORDERINGS = {
    "newest first": (("-id",), (OFFICER, VIEWER, SYSADMIN), (OFFICER, VIEWER)),
    # The model's Meta.ordering: "commune" orders by the unit's own ordering, through a join.
    "model order (commune, name)": (("commune", "name_key", "name"), (OFFICER, VIEWER), ()),
    # The same order by the column, without the join (for comparison).
    "commune_id, name": (("commune_id", "name_key", "name"), (VIEWER,), ()),
}


def listing(ctx: dict, vendor: str) -> dict:
    from django.db import connection

    from safecommune.accounts.jurisdiction import filter_by_communes, scope_for
    from safecommune.territory.models import Village

    users = ctx["users"]
    cached = {p: copy.copy(u) for p, u in users.items()}
    for u in cached.values():
        scope_for(u)
    base_qs = Village.objects.active()
    province_id = ctx["province"].pk
    out: dict = {"total_rows": base_qs.count(), "orderings": {}}

    for label, (order, personas, fresh) in ORDERINGS.items():
        def page(qs, order=order):
            return list(qs.order_by(*order)[:LIST_LIMIT])

        variants: dict[str, Callable] = {"unfiltered": lambda page=page: page(base_qs)}
        prepare: dict[str, Callable] = {}
        for p in personas:
            variants[f"filter_by_communes({p}), scope cached"] = (
                lambda u=cached[p], page=page: page(filter_by_communes(base_qs, u)))
        for p in fresh:
            name = f"filter_by_communes({p}), fresh user (scope included)"
            variants[name] = (lambda u, page=page: page(filter_by_communes(base_qs, u)))
            prepare[name] = (lambda u=users[p]: copy.copy(u))
        # For comparison, not the project's code: the province's rows through a join on the
        # commune's province instead of an IN list of every commune id.
        variants["(comparison) filter(commune__province_id=…)"] = (
            lambda page=page: page(base_qs.filter(commune__province_id=province_id)))
        run = interleaved(variants, prepare=prepare)
        group = {"order_by": list(order), **with_ratios(run.pop("samples"), "unfiltered"), **run}
        if vendor == "postgres":
            plans = {}
            for who, qs in (("unfiltered", base_qs),
                            (VIEWER, filter_by_communes(base_qs, cached[VIEWER])),
                            (OFFICER, filter_by_communes(base_qs, cached[OFFICER])),
                            ("(comparison) join", base_qs.filter(
                                commune__province_id=province_id))):
                text, params = qs.order_by(*order)[:LIST_LIMIT].query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + text, params)
                    lines = [row[0] for row in cursor.fetchall()]
                plans[who] = [line if len(line) < 120 else line[:119] + "…" for line in lines]
            group["plans"] = plans
        out["orderings"][label] = group

    def compiled(qs):
        return qs.order_by("-id")[:LIST_LIMIT].query.sql_with_params()

    variants = {"unfiltered": lambda: compiled(base_qs)}
    for p in (OFFICER, VIEWER):
        variants[f"filter_by_communes({p}), scope cached"] = (
            lambda u=cached[p]: compiled(filter_by_communes(base_qs, u)))
    variants["(comparison) filter(commune__province_id=…)"] = (
        lambda: compiled(base_qs.filter(commune__province_id=province_id)))
    run = interleaved(variants)
    out["compile_only"] = {"order_by": ["-id"], **with_ratios(run.pop("samples"), "unfiltered"),
                           **run}

    sql = {}
    for p in PERSONAS:
        qs = filter_by_communes(base_qs, cached[p])
        text, params = qs.order_by("-id")[:LIST_LIMIT].query.sql_with_params()
        sql[p] = {"sql_chars": len(text), "params": len(params), "visible_rows": qs.count()}
    out["sql"] = sql
    return out


def bench(vendor: str) -> dict:
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG or not settings.SAFECOMMUNE_STAFF_2FA:
        raise SystemExit("run with production settings: SAFECOMMUNE_DEBUG and "
                         "SAFECOMMUNE_DEMO_WITHOUT_2FA unset")
    started = time.perf_counter()
    ctx = set_up()
    if vendor == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result: dict = {"setup": {**ctx["facts"], "setup_s": round(time.perf_counter() - started, 1)},
                    "n": N, "warmup": WARMUP, "machine_before": machine()}
    result["http_reads"] = http_reads(ctx)
    result["http_writes"] = http_writes(ctx)
    result["functions"] = functions(ctx)
    result["listing"] = listing(ctx, vendor)
    result["machine_after"] = machine()["loadavg"]
    return result


if __name__ == "__main__":
    for name in ("SAFECOMMUNE_DEBUG", "SAFECOMMUNE_DEMO_WITHOUT_2FA"):
        os.environ.pop(name, None)
    from common import standalone

    standalone(bench)
