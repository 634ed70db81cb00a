"""Parallel writers on PostgreSQL: one commune's chain never forks, different communes do not
wait for each other. Each test commits for real (the test database is flushed afterwards, so
the territories are loaded again where needed)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection, transaction

from safecommune.core.audit import audit_append, audit_verify
from safecommune.core.models import AuditChain, AuditEntry
from safecommune.territory.models import AdministrativeUnit, Level, Structure

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 8
APPENDS = 25


@pytest.fixture(scope="module", autouse=True)
def territories_after_flush(django_db_setup, django_db_blocker):
    """Load the territories again after the last test's flush, for the tests that follow."""
    yield
    from safecommune.territory.loader import territory_load

    with django_db_blocker.unblock():
        if not AdministrativeUnit.objects.exists():
            territory_load()


@pytest.fixture
def communes(transactional_db):
    from safecommune.territory.loader import territory_load

    if not AdministrativeUnit.objects.exists():
        territory_load()
    return list(AdministrativeUnit.objects.filter(structure=Structure.CURRENT,
                                                  level=Level.COMMUNE).order_by("code")[:THREADS])


def in_threads(work, args) -> list:
    """Run ``work(arg)`` in one thread per arg, all starting together; each closes its
    connection."""
    start = threading.Barrier(len(args))

    def run(arg):
        try:
            start.wait()
            return work(arg)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(args)) as pool:
        return list(pool.map(run, args))


def append_many(commune, thread: int) -> list[int]:
    seqs = []
    for n in range(APPENDS):
        with transaction.atomic():
            seqs.append(audit_append(action="test.parallel", commune=commune,
                                     details={"thread": thread, "n": n}).seq)
    return seqs


def test_parallel_writers_of_one_commune_never_fork_its_chain(communes):
    commune = communes[0]
    results = in_threads(lambda thread: append_many(commune, thread), list(range(THREADS)))
    chain = AuditChain.objects.get(key=f"commune:{commune.code}")
    seqs = list(chain.entries.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * APPENDS + 1))
    assert sorted(seq for result in results for seq in result) == seqs
    written = {(d["thread"], d["n"]) for d in chain.entries.values_list("details", flat=True)}
    assert len(written) == THREADS * APPENDS
    assert chain.length == THREADS * APPENDS
    report = audit_verify(chain=chain)
    assert report.ok, report.breaks


def test_writers_of_eight_communes_each_keep_a_continuous_chain(communes):
    assert len(communes) == THREADS
    in_threads(lambda commune: append_many(commune, 0), communes)
    for commune in communes:
        chain = AuditChain.objects.get(key=f"commune:{commune.code}")
        assert list(chain.entries.order_by("seq").values_list("seq", flat=True)) == list(
            range(1, APPENDS + 1))
    report = audit_verify()
    assert report.ok, report.breaks
    assert AuditEntry.objects.filter(action="test.parallel").count() == THREADS * APPENDS


def test_a_writer_waits_for_its_own_commune_only(communes):
    """While one transaction holds commune A's chain, a writer of commune B commits at once
    and a second writer of commune A cannot take the lock."""
    a, b = communes[0], communes[1]
    with transaction.atomic():
        audit_append(action="test.setup", commune=a)  # create A's chain before the race
    holding, release = threading.Event(), threading.Event()

    def hold_a():
        try:
            with transaction.atomic():
                audit_append(action="test.hold", commune=a)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def other_writer(commune):
        holding.wait(timeout=30)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '500ms'")
                audit_append(action="test.other", commune=commune)
            return "committed"
        except OperationalError:
            return "lock timeout"
        finally:
            if commune == a:
                release.set()

    holder = threading.Thread(target=hold_a)
    holder.start()
    try:
        def run(commune):
            try:
                return other_writer(commune)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(run, b).result(timeout=30) == "committed"
            assert pool.submit(run, a).result(timeout=30) == "lock timeout"
    finally:
        release.set()
        holder.join(timeout=30)
    assert audit_verify().ok
    assert list(AuditEntry.objects.filter(chain__commune=a).order_by("seq")
                .values_list("action", flat=True)) == ["test.setup", "test.hold"]
