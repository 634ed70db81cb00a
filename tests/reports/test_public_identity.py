"""Informant protection (issue 5, item 3): a named reporter's identity is encrypted at rest,
survives key rotation, is decrypted only for the commune chief and the assigned officer, and
every such read is in the audit chain. Lists and the API never load it. Runs on SQLite and
PostgreSQL (the whole-database scans look at every table of the database in use)."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.db import connection

from safecommune.core.audit import audit_verify
from safecommune.core.crypto import fields as crypto_fields
from safecommune.core.crypto import (
    key_ring_retire,
    key_ring_rotate,
    reencrypt_all,
    token_key_id,
)
from safecommune.core.crypto.keyring import load_key_ring
from safecommune.core.models import AuditEntry
from safecommune.reports import services
from safecommune.reports.models import HotlineCall, Report, ReporterIdentity
from safecommune.reports.public import services as public_services

NAME, PHONE = "Ksor Hyăo Informant", "0912 765 432"
CALLER, CALLER_PHONE = "Rmah Dơk Caller", "0905 404 505"
migration = importlib.import_module(
    "safecommune.reports.migrations.0004_reporter_identity_encrypted_report_photos")


def raw_identities() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT "name", "phone" FROM "reports_reporteridentity" ORDER BY "id"')
        return cursor.fetchall()


def everything_stored() -> str:
    dumped = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dumped.append(repr(cursor.fetchall()))
    return "\n".join(dumped)


@pytest.fixture
def decryptions(monkeypatch):
    """Counts values decrypted while loading rows."""
    calls = []
    original = crypto_fields.decrypt_text

    def counting(token, *, context):
        calls.append(context)
        return original(token, context=context)

    monkeypatch.setattr(crypto_fields, "decrypt_text", counting)
    return calls


@pytest.fixture
def named(officer, ia_krai, make_incident):
    """A public named report, a staff incident with a named reporter, a named tip call and a
    named administrative question, all in Ia Krái."""
    public, _issued = public_services.report_submit_public(
        commune=ia_krai, category="drug_dealing", description="Bán ma túy ở bến xe",
        place="Bến xe", reporter_name=NAME, reporter_phone=PHONE)
    incident = make_incident(reporter_name="Siu Staff Named", reporter_phone="0905 000 111")
    tip = services.hotline_call_log(actor=officer, unit=ia_krai, kind="tip",
                                    summary="Báo có người bán ma túy", caller_name=CALLER,
                                    caller_phone=CALLER_PHONE)
    question = services.hotline_call_log(actor=officer, unit=ia_krai, kind="admin_question",
                                         summary="Hỏi thủ tục", caller_name="Hỏi Thủ Tục")
    return SimpleNamespace(public=public, incident=incident, tip=tip, question=question)


def test_no_name_or_phone_is_stored_in_plain_text_anywhere(named, chief, officer):
    services.hotline_call_to_incident(actor=officer, call=named.tip, category="drug_dealing")
    incident = services.incident_open_from_report(actor=officer, report=named.public,
                                                  assignee=officer)
    assert services.reporter_identities_read(actor=chief, incident=incident)
    stored = everything_stored()
    for plaintext in (NAME, PHONE, CALLER, CALLER_PHONE, "Siu Staff Named", "0905 000 111",
                      "Hyăo", "765 432"):
        assert plaintext not in stored, plaintext
    for name, phone in raw_identities():
        assert token_key_id(name) and (phone == "" or token_key_id(phone))


def test_a_token_from_the_name_column_does_not_decrypt_as_a_phone(named):
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "reports_reporteridentity" SET "phone" = "name"')
    with pytest.raises(Exception, match="cannot be decrypted"):
        list(ReporterIdentity.objects.all())


def test_the_migration_encrypts_rows_written_in_plain_text_and_reverses(named):
    identity = ReporterIdentity.objects.get(report=named.public)
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "reports_reporteridentity" SET "name" = %s, "phone" = %s '
                       'WHERE "id" = %s', [NAME, PHONE, identity.pk])
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_identities(None, editor)
    assert all(token_key_id(name) for name, _phone in raw_identities())
    assert NAME not in everything_stored()
    identity.refresh_from_db()
    assert (identity.name, identity.phone) == (NAME, PHONE)
    migration.encrypt_identities(None, editor)  # already tokens: left alone
    identity.refresh_from_db()
    assert identity.name == NAME
    migration.decrypt_identities(None, editor)
    assert (NAME, PHONE) in raw_identities()
    migration.encrypt_identities(None, editor)
    identity.refresh_from_db()
    assert identity.phone == PHONE


def test_rotation_reencrypts_identities_and_they_still_read(settings, tmp_path, chief,
                                                            officer, ia_krai):
    settings.SAFECOMMUNE_FIELD_KEYS_FILE = str(tmp_path / "field-keys.json")
    report, _issued = public_services.report_submit_public(
        commune=ia_krai, category="theft", description="Mất trộm", place="Chợ",
        reporter_name=NAME, reporter_phone=PHONE)
    services.hotline_call_log(actor=officer, unit=ia_krai, kind="complaint",
                              summary="Khiếu nại", caller_name=CALLER)
    old_id = load_key_ring(create=False).primary_id
    new_id = key_ring_rotate(actor=chief).primary_id
    assert {token_key_id(name) for name, _phone in raw_identities()} == {old_id}
    result = reencrypt_all(batch_size=1, actor=chief)
    assert result["reports.ReporterIdentity.name"] == {"reencrypted": 2, "unreadable": 0}
    assert result["reports.ReporterIdentity.phone"] == {"reencrypted": 1, "unreadable": 0}
    tokens = raw_identities()
    assert {token_key_id(name) for name, _phone in tokens} == {new_id}
    key_ring_retire(old_id, actor=chief)
    identities = services.reporter_identities_read(actor=chief, report=report)
    assert (identities[report.pk].name, identities[report.pk].phone) == (NAME, PHONE)
    assert audit_verify(chain="national").ok
    assert NAME not in everything_stored()


def test_only_the_chief_and_the_assigned_officer_read_and_each_read_is_audited(
        named, chief, officer, make_user, ia_krai, province_admin, province_viewer,
        other_officer, decryptions):
    report = named.public
    second = make_user("commune_officer", ia_krai)
    for user in (officer, second, province_admin, province_viewer, other_officer):
        assert services.reporter_identities_read(actor=user, report=report) == {}
    assert decryptions == [] and not AuditEntry.objects.filter(action="reporter.read").exists()
    assert services.reporter_identities_read(actor=chief, report=report)[report.pk].name == NAME
    incident = services.incident_open_from_report(actor=chief, report=report, assignee=second)
    assert services.reporter_identities_read(actor=officer, incident=incident) == {}
    by_assignee = services.reporter_identities_read(actor=second, incident=incident)
    assert by_assignee[report.pk].phone == PHONE
    assert services.reporter_identities_read(actor=second, report=report)[report.pk].name == NAME
    reads = AuditEntry.objects.filter(action="reporter.read").order_by("seq")
    assert [(e.actor_id, e.details["reports"]) for e in reads] == [
        (chief.pk, [report.pk]), (second.pk, [report.pk]), (second.pk, [report.pk])]
    assert all(NAME not in json.dumps(e.details) for e in reads)


def test_the_staff_report_page_shows_the_identity_to_the_chief_only(client, named, chief,
                                                                     officer, province_admin):
    client.cookies["safecommune_language"] = "en"
    url = f"/reports/reports/{named.public.pk}/"
    for user in (officer, province_admin):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert NAME not in body and "named reporter (shown to the chief" in body
    client.force_login(chief)
    body = client.get(url).content.decode()
    assert NAME in body and PHONE in body
    assert AuditEntry.objects.filter(action="reporter.read", actor=chief).count() == 1


@pytest.mark.parametrize("persona,status", [
    ("other_officer", 404), ("resident", 404), ("team_leader", 404)])
def test_others_cannot_open_the_report_page(client, named, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/reports/reports/{named.public.pk}/").status_code == status
    assert client.get("/reports/intake/").status_code == (200 if persona == "other_officer"
                                                          else 403)


def test_lists_pages_and_the_api_never_decrypt_an_identity(client, named, officer, chief,
                                                           decryptions):
    client.force_login(chief)
    services.hotline_call_to_incident(actor=officer, call=named.tip, category="drug_dealing")
    decryptions.clear()
    for url in ("/reports/", "/reports/intake/", "/api/v1/incidents",
                f"/api/v1/reports/{named.public.pk}", f"/api/v1/incidents/{named.incident.pk}",
                "/api/v1/hotline-calls"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NAME not in response.content.decode() and CALLER not in response.content.decode()
    assert decryptions == []
    listed = client.get("/api/v1/hotline-calls").json()
    assert {c["id"]: c["named"] for c in listed} == {named.tip.pk: True,
                                                     named.question.pk: True}
    assert client.get(f"/api/v1/reports/{named.public.pk}").json()["named"] is True


def test_the_hotline_log_shows_only_non_informant_callers_and_audits_it(client, named,
                                                                        officer, decryptions):
    client.cookies["safecommune_language"] = "en"
    client.force_login(officer)
    body = client.get("/reports/hotline/").content.decode()
    assert "Hỏi Thủ Tục" in body and CALLER not in body and "named caller (protected)" in body
    assert set(decryptions) == {"reports.reporter.name"} and len(decryptions) == 1
    entry = AuditEntry.objects.get(action="caller.read")
    assert entry.details == {"calls": [named.question.pk]} and entry.actor_id == officer.pk


def test_an_anonymous_call_or_report_has_no_identity_row(officer, ia_krai):
    services.hotline_call_log(actor=officer, unit=ia_krai, kind="tip", summary="Ẩn danh",
                              is_anonymous=True)
    report, _issued = public_services.report_submit_public(
        commune=ia_krai, category="theft", description="Ẩn danh", place="Chợ")
    assert report.is_anonymous and not ReporterIdentity.objects.exists()
    assert HotlineCall.objects.get().is_anonymous
    assert Report.objects.get().pk == report.pk
