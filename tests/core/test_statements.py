"""Hot-path statements (``core.statements.Table``) read and write exactly what the ORM would:
same values back (converters, decryption), same values stored (defaults, auto_now_add, JSON,
encryption), the database's own errors; and ``full_clean_or_raise`` skips only the existence
queries of relations the caller already holds. Runs on both databases."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safecommune.core.audit import audit_append
from safecommune.core.errors import ValidationFailed, full_clean_or_raise
from safecommune.core.models import AuditChain, AuditEntry
from safecommune.core.statements import Table
from safecommune.idempotency.models import StoredResponse
from safecommune.reports.models import Category, Channel, Report, ReporterIdentity
from safecommune.territory.models import AdministrativeUnit, CommuneSettings, Village
from safecommune.territory.services import village_create

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def _report(ia_krai, **extra) -> Report:
    return Report(recorded_unit=ia_krai, commune=ia_krai, category=Category.objects.first(),
                  received_at=timezone.now(), channel=Channel.PUBLIC_WEB,
                  description="Xe máy lạ đỗ trước nhà văn hoá", place="Thôn 1", **extra)


def test_get_returns_the_row_the_orm_returns(ia_krai):
    got = Table(AdministrativeUnit).get("structure = %s AND code = %s", ["2025", ia_krai.code])

    assert type(got) is AdministrativeUnit and not got._state.adding
    assert _fields(got) == _fields(AdministrativeUnit.objects.get(pk=ia_krai.pk))


def test_get_converts_json_datetimes_and_booleans(ia_krai):
    with transaction.atomic():
        audit_append(action="test.statements", commune=ia_krai,
                     details={"ids": [1, 2], "named": True})
    entry = AuditEntry.objects.filter(action="test.statements").get()

    got = Table(AuditEntry).get("id = %s", [entry.pk])

    assert got.details == {"ids": [1, 2], "named": True}
    assert got.created_at == entry.created_at and got.created_at.tzinfo is not None
    category = Category.objects.filter(is_public=True).first()
    assert Table(Category).get("id = %s", [category.pk]).is_public is True


def test_get_decrypts_encrypted_fields(ia_krai):
    report = _report(ia_krai)
    report.save()
    ReporterIdentity.objects.create(report=report, commune=ia_krai, name="Nguyễn Văn A",
                                    phone="0912345678")

    got = Table(ReporterIdentity).get("report_id = %s", [report.pk])

    assert (got.name, got.phone) == ("Nguyễn Văn A", "0912345678")


def test_get_none_and_more_than_one(ia_krai):
    assert Table(AdministrativeUnit).get("code = %s", ["no-such"]) is None
    with pytest.raises(AdministrativeUnit.MultipleObjectsReturned):
        Table(AdministrativeUnit).get("level = %s", ["commune"])


def test_get_with_lock_reads_inside_a_transaction(ia_krai):
    with transaction.atomic():
        audit_append(action="test.statements", commune=ia_krai)
        chain = Table(AuditChain).get("key = %s", [f"commune:{ia_krai.code}"], lock=True,
                                      no_key=True)
    assert chain.length >= 1


def test_insert_is_what_save_would_store(ia_krai):
    row = StoredResponse(lookup="a" * 64, fingerprint="f" * 64)

    assert Table(StoredResponse).insert(row) is True

    stored = StoredResponse.objects.get(pk=row.pk)
    assert not row._state.adding and row.created_at is not None  # auto_now_add applied
    assert _fields(stored) == {**_fields(row), "body": stored.body}
    assert bytes(stored.body) == b"" and stored.status is None


_SAMPLES = (None, "", "Trần Thị B", 0, 7, -3, 2**40, True, False, 1.5, 0.0, 1, "12", 3.0)


def test_columns_sent_unchanged_are_exactly_what_their_fields_would_prepare():
    """The insert's shortcut (a value passed as it is) must give what the field's own
    preparation gives, for every column of every model where it applies, on this database."""
    from django.apps import apps

    from safecommune.core.statements import _sent_unchanged

    checked = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            unchanged = _sent_unchanged(field)
            if unchanged is None:
                continue
            for value in _SAMPLES:
                if value is None or type(value) in unchanged:
                    prepared = field.get_db_prep_save(value, connection)
                    assert prepared == value and type(prepared) is type(value), (field, value)
                    checked.add(type(field).__name__)
    assert {"CharField", "TextField", "BooleanField", "ForeignKey", "DateTimeField",
            "PositiveIntegerField"} <= checked
    # Fields that prepare None or values their own way never take the shortcut.
    assert _sent_unchanged(StoredResponse._meta.get_field("created_at")) is None  # auto_now_add
    assert _sent_unchanged(ReporterIdentity._meta.get_field("name")) is None  # encrypted
    assert _sent_unchanged(AuditEntry._meta.get_field("details")) is None  # JSON


def test_insert_prepares_values_its_shortcut_does_not_take(ia_krai):
    """An int where a boolean goes and a string where an integer goes still reach the
    database as the field makes them."""
    village = village_create(actor=None, commune=ia_krai, name="Thôn Shortcut")
    report = _report(ia_krai)
    report.is_anonymous = 1
    report.village_id = str(village.pk)
    Table(Report, prepare="set_search_key").insert(report)
    stored = Report.objects.get(pk=report.pk)
    assert stored.is_anonymous is True and stored.village_id == village.pk


def test_insert_encrypts_and_runs_prepare(ia_krai):
    report = _report(ia_krai)
    Table(Report, prepare="set_search_key").insert(report)
    identity = ReporterIdentity(report=report, commune=ia_krai, name="Trần Thị B", phone="")
    Table(ReporterIdentity).insert(identity)

    assert Report.objects.get(pk=report.pk).search_key == "thon 1 xe may la do truoc nha van hoa"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM reports_reporteridentity WHERE id = %s", [identity.pk])
        raw_name = cursor.fetchone()[0]
    assert "Trần" not in raw_name and raw_name.startswith("v1:")
    assert ReporterIdentity.objects.get(pk=identity.pk).name == "Trần Thị B"


def test_insert_raises_the_databases_integrity_error(ia_krai):
    Table(StoredResponse).insert(StoredResponse(lookup="b" * 64, fingerprint="1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Table(StoredResponse).insert(StoredResponse(lookup="b" * 64, fingerprint="2"))
    assert StoredResponse.objects.get(lookup="b" * 64).fingerprint == "1"


def test_insert_unless_taken_writes_nothing_on_that_field_only(ia_krai):
    table = Table(StoredResponse)
    table.insert(StoredResponse(lookup="c" * 64, fingerprint="1"))

    second = StoredResponse(lookup="c" * 64, fingerprint="2")
    assert table.insert(second, unless_taken="lookup") is False
    assert second.pk is None
    assert StoredResponse.objects.filter(lookup="c" * 64).count() == 1
    with pytest.raises(ValueError):
        table.insert(StoredResponse(lookup="d" * 64, fingerprint="3"), unless_taken="status")


def test_insert_refuses_what_it_cannot_do_like_save(ia_krai):
    with pytest.raises(TypeError, match="overrides save"):
        Table(Report).insert(_report(ia_krai))
    saved = StoredResponse.objects.create(lookup="e" * 64, fingerprint="1")
    with pytest.raises(ValueError):
        Table(StoredResponse).insert(saved)
    with pytest.raises(ValueError):
        Table(StoredResponse).insert(_report(ia_krai))

    def receiver(**kwargs):
        pass

    post_save.connect(receiver, sender=StoredResponse)
    try:
        with pytest.raises(TypeError, match="signal"):
            Table(StoredResponse).insert(StoredResponse(lookup="f" * 64, fingerprint="1"))
    finally:
        post_save.disconnect(receiver, sender=StoredResponse)


def test_update_prepares_values_and_counts_rows(ia_krai):
    row = StoredResponse.objects.create(lookup="g" * 64, fingerprint="1")

    changed = Table(StoredResponse).update("lookup = %s", ["g" * 64], status=201,
                                           content_type="application/json", body=b"\x00\x01")

    assert changed == 1
    row.refresh_from_db()
    assert (row.status, row.content_type, bytes(row.body)) == (201, "application/json",
                                                               b"\x00\x01")
    assert Table(StoredResponse).update("lookup = %s", ["none"], status=400) == 0


def test_the_intake_lookup_reads_commune_settings_village_category_boundary_at_once(ia_krai):
    from safecommune.reports.public.services import intake_lookup, public_category_get
    from safecommune.territory.models import UnitBoundary
    from safecommune.territory.selectors import unit_contains

    CommuneSettings.objects.update_or_create(commune=ia_krai,
                                             defaults={"public_pages_open": False})
    village = village_create(actor=None, commune=ia_krai, name="Thôn Hot Path")
    public = Category.objects.filter(is_public=True).first()
    lat, lon = ia_krai.latitude, ia_krai.longitude
    UnitBoundary.objects.create(
        unit=ia_krai, min_lat=lat - 0.01, max_lat=lat + 0.01, min_lon=lon - 0.01,
        max_lon=lon + 0.01, geometry={"type": "Polygon", "coordinates": [[
            [lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01],
            [lon - 0.01, lat + 0.01], [lon - 0.01, lat - 0.01]]]})

    with CaptureQueriesContext(connection) as queries:
        unit, found, category = intake_lookup(commune=ia_krai.code, category=public.code,
                                              village_id=village.pk, with_boundary=True)
        assert unit.settings.public_pages_open is False
        assert found.pk == village.pk and found.commune is unit
        assert category.pk == public.pk and public_category_get(category) == category
        assert unit_contains(unit=unit, point=(lat, lon))
        assert not unit_contains(unit=unit, point=(lat + 0.02, lon))
    assert len(queries) == 1

    # What is not there comes back as nothing, and is refused by the usual checks.
    village.archived_at = timezone.now()
    village.save()
    hidden = Category.objects.filter(is_public=False).first()
    unit, found, category = intake_lookup(commune=ia_krai.code, category=hidden.code,
                                          village_id=village.pk)
    assert found is None and category == hidden.code
    assert not AdministrativeUnit.boundary.related.is_cached(unit)
    with pytest.raises(Exception) as refused:
        public_category_get(category)
    assert refused.value.field == "category"
    other = AdministrativeUnit.objects.filter(structure="2025", level="commune").exclude(
        pk=ia_krai.pk).first()
    elsewhere = village_create(actor=None, commune=other, name="Thôn Khác")
    assert intake_lookup(commune=ia_krai.code, category="nope",
                         village_id=elsewhere.pk)[1:] == (None, "nope")


def test_full_clean_skips_only_existence_queries_of_loaded_relations(ia_krai):
    report = _report(ia_krai)
    with CaptureQueriesContext(connection) as queries:
        full_clean_or_raise(report, validate_constraints=False)
    assert not [q for q in queries if "SELECT 1" in q["sql"]]

    # A relation given by id only is still checked.
    by_id = _report(ia_krai)
    by_id.category_id = 10**9
    with pytest.raises(ValidationFailed) as caught:
        full_clean_or_raise(by_id, validate_constraints=False)
    assert caught.value.errors[0]["field"] == "category"


def test_full_clean_still_checks_constraints_on_loaded_relations(ia_krai):
    village_create(actor=None, commune=ia_krai, name="Thôn Trùng")
    twin = Village(commune=ia_krai, name="Thôn Trùng", name_key="thon trung")

    with pytest.raises(ValidationFailed) as caught:
        full_clean_or_raise(twin)
    assert caught.value.errors  # the unique-name-in-commune constraint, not a 500 later
    assert "clean_fields" not in vars(twin)  # the instance is left as it was


def test_a_commune_without_settings_reads_the_defaults(ia_krai):
    from safecommune.territory.selectors import commune_with
    from safecommune.territory.services import commune_settings_for

    CommuneSettings.objects.filter(commune=ia_krai).delete()
    with CaptureQueriesContext(connection) as queries:
        unit, = commune_with(code=ia_krai.code)
        assert commune_settings_for(commune=unit).public_pages_open is True
    assert len(queries) == 1
    # The defaults are made once per commune read: a submission asks for them twice.
    assert commune_settings_for(commune=unit) is commune_settings_for(commune=unit)


def test_insert_then_update_writes_both_or_raises(ia_krai):
    from safecommune.core.statements import Update

    target = StoredResponse.objects.create(lookup="h" * 64, fingerprint="1")
    row = StoredResponse(lookup="i" * 64, fingerprint="2")

    Table(StoredResponse).insert(row, then=Update(Table(StoredResponse), "lookup = %s",
                                                  ["h" * 64], {"status": 204}))

    assert StoredResponse.objects.get(pk=row.pk).fingerprint == "2"
    target.refresh_from_db()
    assert target.status == 204
    with pytest.raises(LookupError), transaction.atomic():
        Table(StoredResponse).insert(
            StoredResponse(lookup="j" * 64, fingerprint="3"),
            then=Update(Table(StoredResponse), "lookup = %s", ["nobody"], {"status": 500}))
    assert not StoredResponse.objects.filter(lookup="j" * 64).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_statements_are_prepared_once_per_connection_and_other_queries_are_not(ia_krai):
    # Django turns psycopg's preparation off unless OPTIONS say otherwise; without the setting
    # (settings.py, SAFECOMMUNE_PG_PREPARE) ``prepare=True`` is silently ignored.
    table = Table(AdministrativeUnit)
    where = "structure = %s AND code = %s AND 11 = 11"  # a statement no other test sends

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(3):
        assert table.get(where, ["2025", ia_krai.code]).pk == ia_krai.pk
    assert sum("11 = 11" in statement for statement in prepared()) == 1
    for _ in range(8):
        list(AdministrativeUnit.objects.filter(code=ia_krai.code, name__startswith="Ia "))
    assert not any("LIKE" in statement for statement in prepared())


def test_statements_show_in_the_query_log_as_sent(ia_krai):
    with CaptureQueriesContext(connection) as queries:
        Table(AdministrativeUnit).get("structure = %s AND code = %s", ["2025", ia_krai.code])
    assert len(queries) == 1
    assert queries[0]["sql"].startswith('SELECT "territory_administrativeunit"."id"')
    assert "code = " in queries[0]["sql"]
