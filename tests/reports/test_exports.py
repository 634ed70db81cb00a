"""CSV and XLSX exports of the incidents list: the list's filters and scoping, never a
reporter's identity, one audit entry before the file, bounded queries, the API's twin."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.core.audit import audit_verify, rows_digest
from safecommune.core.models import AuditEntry
from safecommune.reports import services
from safecommune.territory.services import village_create
from tests.reports.factories import IA_KRAI_CENTRE, offset

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def english(client):
    client.cookies["safecommune_language"] = "en"
    return client


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, getattr(response, "content", b"")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def xlsx_rows(response) -> list[dict]:
    from openpyxl import load_workbook

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_csv_follows_the_list_filters(english, officer, make_incident, ia_krai):
    village = village_create(commune=ia_krai, name="Làng Bi")
    now = timezone.now()
    theft = make_incident(category="theft", summary="Mất trộm xe máy", village=village,
                          point=offset(IA_KRAI_CENTRE, north_m=80), assignee=officer,
                          place="Chợ Làng Bi", occurred_at=now - timedelta(days=3))
    drugs = make_incident(category="drug_dealing", summary="Bán ma túy ở bến xe")
    services.incident_transition(actor=officer, incident=drugs, to_status="verifying")
    english.force_login(officer)

    rows = csv_rows(english.get("/reports/export.csv"))
    assert [int(r["id"]) for r in rows] == [drugs.pk, theft.pk]  # the list's order
    row = rows[1]
    assert (row["commune_code"], row["category_code"], row["category"], row["status_code"],
            row["status"], row["village"], row["place"], row["assignee"], row["is_tip"],
            row["reports"]) == ("23776", "theft", "Theft", "received", "received", "Làng Bi",
                                "Chợ Làng Bi", officer.get_username(), "True", "0")
    assert row["received_at"].endswith("+07:00")  # local time, with its offset
    assert float(row["latitude"]) == pytest.approx(offset(IA_KRAI_CENTRE, north_m=80)[0])

    def ids(query):
        return [int(r["id"]) for r in csv_rows(english.get(f"/reports/export.csv?{query}"))]

    assert ids("status=verifying") == [drugs.pk]
    assert ids("category=social_order") == [theft.pk]
    assert ids(f"commune=23776&village={village.pk}") == [theft.pk]
    assert ids("q=ma+tuy") == [drugs.pk]
    assert ids(f"assignee={officer.pk}") == [theft.pk]
    day = timezone.localdate(now - timedelta(days=3)).isoformat()
    assert ids(f"date_from={day}&date_to={day}") == [theft.pk]


def test_xlsx_holds_the_same_rows(english, officer, make_incident):
    theft = make_incident(summary="Mất trộm trâu")
    english.force_login(officer)
    response = english.get("/reports/export.xlsx")
    assert 'filename="incidents-all-' in response["Content-Disposition"]
    [row] = xlsx_rows(response)
    assert (row["id"], row["summary"], row["category_code"]) == (theft.pk, "Mất trộm trâu",
                                                                 "theft")
    assert row["received_at"].tzinfo is None  # a spreadsheet holds local time
    local = timezone.localtime(theft.received_at).replace(tzinfo=None)
    assert abs(row["received_at"] - local) < timedelta(seconds=1)


def test_exports_never_hold_reporters(english, chief, officer, make_incident, make_call):
    make_incident(summary="Trộm xe", reporter_name="Siu H'Mai", reporter_phone="0905123456")
    call = make_call(caller_name="Ksor Bơ", caller_phone="0912000111")
    services.hotline_call_to_incident(actor=officer, call=call, category="drug_dealing")
    english.force_login(chief)  # who may read the identities on the incident page
    text = b"".join(english.get("/reports/export.csv").streaming_content).decode()
    xlsx = b"".join(english.get("/reports/export.xlsx").streaming_content)
    for secret in ("Siu H'Mai", "0905123456", "Ksor Bơ", "0912000111"):
        assert secret not in text
        assert secret.encode() not in xlsx
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert sorted(r["reports"] for r in rows) == ["1", "1"]  # counted, never named
    assert not AuditEntry.objects.filter(action="reporter.read").exists()


def test_each_export_is_one_audit_entry_with_the_ids(english, officer, make_incident):
    first, second = make_incident(), make_incident(summary="Đánh nhau")
    english.force_login(officer)
    b"".join(english.get("/reports/export.csv?q=danh+nhau").streaming_content)
    entry = AuditEntry.objects.get(action="incident.export")
    assert entry.row_count == 1 and entry.commune.code == "23776"  # the officer's commune
    assert entry.actor == officer
    assert entry.details == {"format": "csv", "filters": ["q"]}
    assert entry.rows_digest == rows_digest([(second.pk,)])[1]
    english.get("/reports/export.xlsx")
    assert AuditEntry.objects.filter(action="incident.export").count() == 2
    assert first.pk and audit_verify().ok


def test_province_export_is_audited_in_the_national_chain(english, province_viewer,
                                                           make_incident):
    make_incident()
    english.force_login(province_viewer)
    assert len(csv_rows(english.get("/reports/export.csv"))) == 1
    assert AuditEntry.objects.get(action="incident.export").commune is None
    english.get("/reports/export.csv?commune=23776")
    assert AuditEntry.objects.filter(action="incident.export",
                                     commune__code="23776").count() == 1


def test_formulas_are_exported_as_text(english, officer, make_incident):
    make_incident(summary="=HYPERLINK(\"http://x\",\"bấm\")", place="+84 chợ")
    english.force_login(officer)
    [row] = csv_rows(english.get("/reports/export.csv"))
    assert row["summary"].startswith("'=") and row["place"] == "'+84 chợ"
    [cell] = xlsx_rows(english.get("/reports/export.xlsx"))
    assert cell["summary"] == "=HYPERLINK(\"http://x\",\"bấm\")"  # a string, not a formula


def test_bad_filters_and_scope(english, officer, other_officer, resident, make_incident):
    make_incident()
    english.force_login(officer)
    response = english.get("/reports/export.csv?date_from=yesterday")
    assert response.status_code == 400
    assert response.content.decode() == "date_from: Give a date as YYYY-MM-DD."
    assert response["Content-Type"].startswith("text/plain")
    assert english.get("/reports/export.csv?commune=06724").status_code == 404
    english.force_login(other_officer)
    assert csv_rows(english.get("/reports/export.csv")) == []
    english.force_login(resident)
    assert english.get("/reports/export.csv").status_code == 403
    assert english.get("/api/v1/incidents/export").status_code == 403
    assert not AuditEntry.objects.filter(action="incident.export", actor=resident).exists()


def test_api_export_mirrors_the_page(english, officer, make_incident):
    theft = make_incident(summary="Mất trộm xe máy")
    make_incident(category="fraud", summary="Lừa đảo qua mạng")
    english.force_login(officer)
    rows = csv_rows(english.get("/api/v1/incidents/export?category=theft"))
    assert [int(r["id"]) for r in rows] == [theft.pk]
    [row] = xlsx_rows(english.get("/api/v1/incidents/export?format=xlsx&category=theft"))
    assert row["id"] == theft.pk
    bad = english.get("/api/v1/incidents/export?format=pdf")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "format"
    assert english.get("/api/v1/incidents/export?status=nope").json()["errors"][0][
        "field"] == "status"


def test_export_queries_do_not_grow_with_rows(english, officer, make_incident, make_report,
                                              ia_krai, django_assert_max_num_queries):
    village = village_create(commune=ia_krai, name="Làng Bi")
    make_incident()
    english.force_login(officer)
    with django_assert_max_num_queries(16) as few:
        csv_rows(english.get("/reports/export.csv"))
    for n in range(12):
        incident = make_incident(summary=f"Sự việc {n}", village=village, assignee=officer)
        make_report(incident=incident)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(csv_rows(english.get("/reports/export.csv"))) == 13
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(xlsx_rows(english.get("/reports/export.xlsx"))) == 13
