"""The API: every action of the pages, scoped the same way; bad input is a 4xx naming the
field and the rule (never a 500, never a half-written record); lists have bounded queries."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.reports.models import HotlineCall, Incident, Report, ReporterIdentity
from tests.reports.factories import IA_KRAI_CENTRE, offset

API = "/api/v1"


def post(client, path, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{API}{path}", data, content_type="application/json", **extra)


def incident_body(**changes):
    body = {"unit": "23776", "category": "theft", "channel": "hotline",
            "summary": "Mất trộm xe máy", "occurred_at": (
                timezone.now() - timedelta(hours=1)).isoformat()}
    body.update(changes)
    return body


@pytest.fixture
def api(client, officer):
    client.cookies["safecommune_language"] = "en"
    client.force_login(officer)
    return client


def errors(response):
    return [(e["field"], e["rule"]) for e in response.json()["errors"]]


def test_create_read_and_walk_an_incident(api, officer):
    point = offset(IA_KRAI_CENTRE, east_m=50)
    response = post(api, "/incidents", incident_body(latitude=point[0], longitude=point[1],
                                                     reporter_name="Siu Bơ"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["commune"], data["category"], data["status"], data["is_tip"]) == (
        "23776", "theft", "received", True)
    assert "Siu Bơ" not in response.content.decode()
    iid = data["id"]
    assert post(api, f"/incidents/{iid}/transitions", {"to_status": "verifying"}).json()[
        "status"] == "verifying"
    assert post(api, f"/incidents/{iid}/assignee", {"assignee_id": officer.pk}).json()[
        "assignee_id"] == officer.pk
    assert post(api, f"/incidents/{iid}/notes", {"text": "Đã xác minh"}).status_code == 201
    outcome = post(api, f"/incidents/{iid}/outcomes",
                   {"kind": "seizure", "item_kind": "bình khí cười", "quantity": 248,
                    "quantity_unit": "bình"})
    assert outcome.status_code == 201 and float(outcome.json()["quantity"]) == 248
    detail = api.get(f"{API}/incidents/{iid}").json()
    assert [e["kind"] for e in detail["timeline"]] == ["created", "report", "status",
                                                      "assignment", "note", "outcome"]
    assert detail["allowed_transitions"] == ["verified", "unfounded"]
    assert len(detail["report_ids"]) == 1 and "Siu Bơ" not in json.dumps(detail)


def test_forbidden_transition_is_409_naming_both_states(api, make_incident):
    incident = make_incident()
    response = post(api, f"/incidents/{incident.pk}/transitions", {"to_status": "closed"})
    assert response.status_code == 409
    assert errors(response) == [("status", "transition")]
    message = response.json()["errors"][0]["message"]
    assert "received" in message and "closed" in message
    response = post(api, f"/incidents/{incident.pk}/transitions", {"to_status": "solved"})
    assert (response.status_code, errors(response)) == (422, [("status", "choice")])


@pytest.mark.parametrize("changes,status,error", [
    ({"category": "unicorns"}, 404, ("category", "exists")),
    ({"occurred_at": "2099-01-01T00:00:00+07:00"}, 422, ("occurred_at", "future")),
    ({"latitude": 21.0, "longitude": 105.8}, 400, ("point", "outside_commune")),
    ({"latitude": 21.0}, 422, ("longitude", "required")),
    ({"latitude": 200, "longitude": 105.8}, 400, ("lat", "range")),
    ({"channel": "smoke_signal"}, 422, ("channel", "choice")),
    ({"summary": ""}, 422, ("summary", "required")),
    ({"village_id": 999999}, 404, ("village_id", "exists")),
    ({"assignee_id": 999999}, 404, ("assignee_id", "exists")),
    ({"unit": "99999"}, 404, ("code", "exists")),
    ({"occurred_at": "yesterday"}, 422, ("occurred_at", "datetime_from_date_parsing")),
    ({"is_anonymous": True, "reporter_phone": "0905"}, 422, ("is_anonymous",
                                                              "anonymous_named")),
])
def test_bad_incident_input_is_a_clear_4xx(api, changes, status, error):
    response = post(api, "/incidents", incident_body(**changes))
    assert response.status_code == status, response.content
    assert errors(response)[0][0] == error[0]
    if error[1] != "datetime_from_date_parsing":
        assert errors(response)[0] == error
    assert not Incident.objects.exists() and not ReporterIdentity.objects.exists()


def test_assignee_from_another_commune_is_refused(api, other_officer):
    response = post(api, "/incidents", incident_body(assignee_id=other_officer.pk))
    assert (response.status_code, errors(response)) == (400, [("assignee", "commune_staff")])


def test_bad_bodies_never_500(api, make_incident, make_call, make_report):
    incident, call, report = make_incident(), make_call(), make_report()
    paths = ["/incidents", f"/incidents/{incident.pk}/transitions",
             f"/incidents/{incident.pk}/assignee", f"/incidents/{incident.pk}/notes",
             f"/incidents/{incident.pk}/outcomes", "/reports", f"/reports/{report.pk}/link",
             f"/reports/{report.pk}/incident", "/hotline-calls",
             f"/hotline-calls/{call.pk}/incident"]
    bodies = ["", "[]", "{", '"x"', "{}", '{"kind": 5, "text": null, "to_status": []}',
              '{"quantity": "NaN", "kind": "seizure", "item_kind": "x"}',
              '{"quantity": 1e400, "kind": "seizure"}', '{"assignee_id": "me"}',
              '{"incident_id": -1}', '{"category": "x" , "latitude": "north"}']
    for path in paths:
        for body in bodies:
            response = post(api, path, body)
            assert response.status_code < 500, (path, body, response.status_code)
            if body in ("", "[]", "{", '"x"'):
                assert 400 <= response.status_code < 500, (path, body)
    for query in ("status=x", "date_from=2025-13-45", "village=abc", "assignee=x",
                  "commune=nope", "q=" + "x" * 101, "deadline=x"):
        assert 400 <= api.get(f"{API}/incidents?{query}").status_code < 500, query
    assert api.get(f"{API}/hotline-calls?day=notaday").status_code == 422


def test_scoping_is_404_and_writes_are_refused(client, other_officer, province_viewer,
                                               resident, make_incident):
    incident = make_incident()
    client.force_login(other_officer)
    assert client.get(f"{API}/incidents/{incident.pk}").status_code == 404
    assert client.get(f"{API}/incidents").json() == []
    assert post(client, "/incidents", incident_body()).status_code == 403
    client.force_login(province_viewer)
    assert client.get(f"{API}/incidents/{incident.pk}").status_code == 200
    assert post(client, f"/incidents/{incident.pk}/notes", {"text": "x"}).status_code == 403
    client.force_login(resident)
    assert client.get(f"{API}/incidents").json() == []
    assert client.get(f"{API}/incidents/{incident.pk}").status_code == 404


def test_list_filters_and_queries(api, officer, make_incident, django_assert_max_num_queries):
    make_incident(summary="Bán ma túy", category="drug_dealing")
    with django_assert_max_num_queries(12) as few:
        assert len(api.get(f"{API}/incidents").json()) == 1
    for index in range(10):
        make_incident(summary=f"Trộm {index}", assignee=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(f"{API}/incidents").json()) == 11
    assert [i["summary"] for i in api.get(f"{API}/incidents?q=ma+tuy").json()] == ["Bán ma túy"]
    assert len(api.get(f"{API}/incidents?assignee=me").json()) == 10
    assert len(api.get(f"{API}/incidents?category=drugs").json()) == 1


def test_report_suggests_duplicates_and_links(api, make_incident):
    at = timezone.now() - timedelta(hours=5)
    incident = make_incident(category="theft", occurred_at=at, point=IA_KRAI_CENTRE)
    near = offset(IA_KRAI_CENTRE, north_m=120)
    response = post(api, "/reports", {
        "unit": "23776", "category": "theft", "channel": "walk_in",
        "description": "Thấy người trèo tường", "occurred_at": at.isoformat(),
        "latitude": near[0], "longitude": near[1], "reporter_name": "Ksor H'Luy"})
    assert response.status_code == 201
    data = response.json()
    assert data["named"] and "Ksor" not in response.content.decode()
    assert [(d["id"], d["distance_m"]) for d in data["duplicates"]] == [(incident.pk, 120)]
    linked = post(api, f"/reports/{data['id']}/link", {"incident_id": incident.pk})
    assert linked.status_code == 200 and linked.json()["incident_id"] == incident.pk
    again = post(api, f"/reports/{data['id']}/link", {"incident_id": incident.pk})
    assert (again.status_code, errors(again)) == (409, [("incident", "linked")])
    assert api.get(f"{API}/reports/{data['id']}").json()["duplicates"] == []
    other = post(api, "/reports", {"unit": "23776", "category": "fraud", "channel": "vneid",
                                   "description": "Lừa đảo qua mạng", "is_anonymous": True})
    opened = post(api, f"/reports/{other.json()['id']}/incident", {})
    assert opened.status_code == 201 and opened.json()["category"] == "fraud"


def test_hotline_through_the_api(api, make_user, units):
    api.force_login(make_user("commune_officer", units("2025", "02926")))  # Xuân Quang
    response = post(api, "/hotline-calls", {"unit": "02935", "structure": "legacy",
                                            "kind": "tip", "summary": "Bán ma túy",
                                            "caller_phone": "0912000111"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["recorded_unit"], data["commune"], data["named"]) == ("02935", "02926", True)
    assert "0912000111" not in response.content.decode()


def test_hotline_list_and_to_incident(api, make_call):
    call = make_call(caller_name="Người gọi")
    listed = api.get(f"{API}/hotline-calls").json()
    assert [c["id"] for c in listed] == [call.pk] and "Người gọi" not in json.dumps(listed)
    response = post(api, f"/hotline-calls/{call.pk}/incident", {"category": "drug_dealing"})
    assert response.status_code == 201 and response.json()["is_tip"]
    again = post(api, f"/hotline-calls/{call.pk}/incident", {"category": "drug_dealing"})
    assert (again.status_code, errors(again)) == (409, [("call", "already_recorded")])
    assert HotlineCall.objects.get().incident_id == response.json()["id"]
    assert Report.objects.count() == 1


def test_categories_for_everyone(client, officer):
    public = client.get(f"{API}/report-categories").json()
    assert "national_security" not in {c["code"] for c in public}
    client.force_login(officer)
    staff = client.get(f"{API}/report-categories", HTTP_ACCEPT_LANGUAGE="en").json()
    drugs = next(c for c in staff if c["code"] == "drugs")
    assert drugs["names"] == {"vi": "Ma túy", "en": "Drugs", "sv": "Narkotika",
                              "ru": "Наркотики"}
    assert next(c for c in staff if c["code"] == "drug_use")["parent"] == "drugs"
    assert "national_security" in {c["code"] for c in staff}


def test_a_retried_post_makes_one_incident(api):
    body = json.dumps(incident_body())
    first = post(api, "/incidents", body, HTTP_IDEMPOTENCY_KEY="incident-retry-0001")
    second = post(api, "/incidents", body, HTTP_IDEMPOTENCY_KEY="incident-retry-0001")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Incident.objects.count() == 1
