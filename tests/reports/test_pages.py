"""Staff pages: the list and its filters (bounded queries), a new incident, an incident's
workflow buttons and forms, the hotline log; scoping gives 404 outside one's communes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.core.models import AuditEntry
from safecommune.reports import services
from safecommune.reports.models import HotlineCall, Incident, IncidentOutcome
from safecommune.territory.services import village_create
from tests.reports.factories import IA_KRAI_CENTRE, offset


@pytest.fixture
def english(client):
    client.cookies["safecommune_language"] = "en"
    return client


def test_officer_lists_own_commune_only(english, officer, other_officer, make_incident,
                                        hai_son):
    mine = make_incident(summary="Mất trộm trâu")
    make_incident(actor=other_officer, unit=hai_son, summary="Trộm ở Hải Sơn")
    english.force_login(officer)
    page = english.get("/reports/").content.decode()
    assert "Mất trộm trâu" in page and "Hải Sơn" not in page
    assert f"/reports/incidents/{mine.pk}/" in page
    english.force_login(other_officer)
    assert english.get(f"/reports/incidents/{mine.pk}/").status_code == 404
    assert english.get("/reports/?commune=23776").status_code == 404


@pytest.mark.parametrize("persona", ["resident", "team_leader"])
def test_residents_and_teams_have_no_staff_pages(english, request, persona, make_incident):
    incident = make_incident()
    english.force_login(request.getfixturevalue(persona))
    assert english.get("/reports/").status_code == 403
    assert english.get("/reports/hotline/").status_code == 403
    assert english.get(f"/reports/incidents/{incident.pk}/").status_code == 404
    assert "/reports/" not in english.get("/").content.decode()


def test_nav_link_for_staff(english, officer):
    english.force_login(officer)
    assert 'href="/reports/"' in english.get("/").content.decode()


def _listed(client, query: str) -> set[int]:
    response = client.get("/reports/?" + query)
    assert response.status_code == 200, response.content
    return {row.pk for row in response.context["rows"]}


def test_filters(english, officer, chief, make_incident, ia_krai):
    village = village_create(commune=ia_krai, name="Làng Bi")
    now = timezone.now()
    theft = make_incident(category="theft", summary="Mất trộm xe máy", village=village,
                          occurred_at=now - timedelta(days=10), assignee=officer)
    drugs = make_incident(category="drug_dealing", summary="Bán ma túy ở bến xe",
                          received_at=now - timedelta(hours=30),
                          occurred_at=now - timedelta(hours=31))
    accident = make_incident(category="traffic_accident", summary="Va chạm xe")
    services.incident_transition(actor=officer, incident=accident, to_status="verifying")
    english.force_login(chief)
    assert _listed(english, "") == {theft.pk, drugs.pk, accident.pk}
    assert _listed(english, "category=social_order") == {theft.pk}
    assert _listed(english, "category=drug_dealing") == {drugs.pk}
    assert _listed(english, "status=verifying") == {accident.pk}
    assert _listed(english, "q=ma tuy ben xe") == {drugs.pk}
    assert _listed(english, "q=M%E1%BA%A4T+TR%E1%BB%98M") == {theft.pk}  # "MẤT TRỘM"
    assert _listed(english, f"commune=23776&village={village.pk}") == {theft.pk}
    assert _listed(english, f"assignee={officer.pk}") == {theft.pk}
    assert _listed(english, "assignee=none") == {drugs.pk, accident.pk}
    assert _listed(english, "assignee=me") == set()
    day = timezone.localdate(now - timedelta(days=10)).isoformat()
    assert _listed(english, f"date_from={day}&date_to={day}") == {theft.pk}
    assert _listed(english, "deadline=overdue") == {drugs.pk}
    assert _listed(english, "deadline=due") == {theft.pk}
    page = english.get("/reports/?deadline=overdue").content.decode()
    assert "overdue" in page


@pytest.mark.parametrize("query,message", [
    ("status=solved", "Choose a value from the list."),
    ("date_from=yesterday", "Give a date as YYYY-MM-DD."),
    ("date_from=2025-05-02&date_to=2025-05-01", "The period ends before it starts."),
    ("category=unicorns", "Unknown category"), ("deadline=soon", "overdue")])
def test_bad_filters_say_why(english, officer, query, message):
    english.force_login(officer)
    response = english.get("/reports/?" + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_list_queries_do_not_grow_with_rows(english, officer, make_incident,
                                            django_assert_max_num_queries):
    english.force_login(officer)
    make_incident()
    with django_assert_max_num_queries(14) as few:
        english.get("/reports/")
    for index in range(12):
        make_incident(summary=f"Sự việc {index}", assignee=officer)
    services.tip_forward_alerts_raise(now=timezone.now() + timedelta(days=2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = english.get("/reports/")
    assert len(response.context["rows"]) == 13


def test_new_incident_page(english, officer, ia_krai):
    english.force_login(officer)
    assert english.get("/reports/incidents/new/").status_code == 200
    point = offset(IA_KRAI_CENTRE, north_m=100)
    response = english.post("/reports/incidents/new/", {
        "commune": "23776", "category": "theft", "summary": "Mất trộm gà",
        "occurred_at": "2025-09-01T10:00", "channel": "walk_in", "latitude": point[0],
        "longitude": point[1], "reporter_name": "Siu H'Mai"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == (
        f"/reports/incidents/{incident.pk}/")
    assert incident.is_tip and incident.reports.get().reporter.name == "Siu H'Mai"


@pytest.mark.parametrize("changes,field,text", [
    ({"latitude": "20.0"}, "longitude", "Give both the latitude and the longitude"),
    ({"latitude": "20.0", "longitude": "105.0"}, "latitude", "outside"),
    ({"occurred_at": "2099-01-01T10:00"}, "occurred_at", "in the future"),
    ({"summary": ""}, "summary", "required"),
])
def test_new_incident_errors_on_the_field(english, officer, changes, field, text):
    english.force_login(officer)
    data = {"commune": "23776", "category": "theft", "summary": "Mất trộm gà",
            "occurred_at": "2025-09-01T10:00", "channel": "walk_in"}
    data.update(changes)
    response = english.post("/reports/incidents/new/", data)
    assert response.status_code == 400
    assert text in " ".join(response.context["form"].errors[field])
    assert not Incident.objects.exists()


def test_detail_workflow_buttons_and_forms(english, officer, chief, make_incident):
    incident = make_incident()
    english.force_login(officer)
    page = english.get(f"/reports/incidents/{incident.pk}/").content.decode()
    assert 'value="verifying"' in page and 'value="closed"' not in page
    url = f"/reports/incidents/{incident.pk}/"
    assert english.post(url, {"action": "transition", "to_status": "verifying",
                              "note": "Đi xác minh"}).status_code == 302
    response = english.post(url, {"action": "transition", "to_status": "closed"})
    assert response.status_code == 400
    assert "cannot go from" in response.content.decode()
    assert english.post(url, {"action": "note", "text": "Gặp nhân chứng"}).status_code == 302
    assert english.post(url, {"action": "assign", "assignee": str(chief.pk)}).status_code == 302
    assert english.post(url, {"action": "outcome", "kind": "seizure", "count": "1",
                              "item_kind": "bình khí cười", "quantity": "248",
                              "quantity_unit": "bình"}).status_code == 302
    response = english.post(url, {"action": "outcome", "kind": "fine", "count": "1"})
    assert response.status_code == 400
    assert "amount" in response.content.decode()
    incident.refresh_from_db()
    assert (incident.status, incident.assignee) == ("verifying", chief)
    assert IncidentOutcome.objects.get().quantity == 248
    page = english.get(url).content.decode()
    assert "Gặp nhân chứng" in page and "248" in page and "Đi xác minh" in page


def test_viewer_reads_but_cannot_act(english, province_viewer, make_incident):
    incident = make_incident()
    english.force_login(province_viewer)
    url = f"/reports/incidents/{incident.pk}/"
    page = english.get(url)
    assert page.status_code == 200 and 'name="to_status"' not in page.content.decode()
    assert english.post(url, {"action": "note", "text": "x"}).status_code == 403


def test_reporter_shown_to_chief_only_and_audited(english, officer, chief, make_incident):
    incident = make_incident(reporter_name="Ksor Tin", reporter_phone="0905111222")
    english.force_login(officer)
    page = english.get(f"/reports/incidents/{incident.pk}/").content.decode()
    assert "Ksor Tin" not in page and "0905111222" not in page
    assert "named reporter" in page
    english.force_login(chief)
    page = english.get(f"/reports/incidents/{incident.pk}/").content.decode()
    assert "Ksor Tin" in page
    assert AuditEntry.objects.filter(action="reporter.read", actor=chief).count() == 1


def test_hotline_log_and_turn_a_call_into_an_incident(english, officer):
    english.force_login(officer)
    assert english.get("/reports/hotline/").status_code == 200
    response = english.post("/reports/hotline/", {
        "commune": "23776", "kind": "admin_question", "summary": "Hỏi thủ tục tạm trú",
        "answer": "Hướng dẫn qua VNeID", "caller_name": "Rmah Hnao"})
    assert response.status_code == 302
    english.post("/reports/hotline/", {"commune": "23776", "kind": "tip",
                                       "summary": "Có người lạ bán ma túy",
                                       "caller_name": "Người báo bí mật"})
    page = english.get("/reports/hotline/").content.decode()
    assert "Hỏi thủ tục tạm trú" in page and "Rmah Hnao" in page
    assert "Người báo bí mật" not in page and "named caller (protected)" in page
    tip = HotlineCall.objects.get(kind="tip")
    response = english.post(f"/reports/hotline/{tip.pk}/incident/",
                            {"category": "drug_dealing"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == (
        f"/reports/incidents/{incident.pk}/")
    again = english.post(f"/reports/hotline/{tip.pk}/incident/", {"category": "drug_dealing"})
    assert again.status_code == 409
    assert english.get("/reports/hotline/").content.decode().count(
        f"/reports/incidents/{incident.pk}/") == 1


def test_hotline_call_form_errors(english, officer):
    english.force_login(officer)
    response = english.post("/reports/hotline/", {"commune": "23776", "kind": "tip",
                                                  "summary": "Tin báo",
                                                  "caller_name": "A", "is_anonymous": "on"})
    assert response.status_code == 400
    assert "anonymous" in response.content.decode()
    assert not HotlineCall.objects.exists()


def test_hotline_other_days(english, officer, make_call):
    make_call(at=timezone.now() - timedelta(days=3), summary="Cuộc gọi cũ")
    english.force_login(officer)
    assert "Cuộc gọi cũ" not in english.get("/reports/hotline/").content.decode()
    day = timezone.localdate(timezone.now() - timedelta(days=3)).isoformat()
    assert "Cuộc gọi cũ" in english.get(f"/reports/hotline/?day={day}").content.decode()


def test_pages_speak_vietnamese_by_default(client, officer):
    client.force_login(officer)
    response = client.get("/reports/")
    assert response.status_code == 200 and 'lang="vi"' in response.content.decode()
