"""Services: incidents, reports and calls are recorded with their audit entry in the same
transaction; bad input is refused naming the field and the rule, with nothing written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from safecommune.core.models import AuditEntry
from safecommune.reports import services
from safecommune.reports.models import (
    EventKind,
    HotlineCall,
    Incident,
    IncidentEvent,
    IncidentOutcome,
    Report,
    ReporterIdentity,
)
from safecommune.residents.services import person_create
from safecommune.territory.services import village_create
from tests.reports.factories import IA_KRAI_CENTRE, offset


def nothing_written():
    return (Incident.objects.count(), Report.objects.count(), ReporterIdentity.objects.count(),
            HotlineCall.objects.count()) == (0, 0, 0, 0)


def test_incident_is_recorded_with_timeline_and_audit(make_incident, officer, ia_krai):
    incident = make_incident(place="Chợ Ia Krái", point=offset(IA_KRAI_CENTRE, north_m=300))
    assert incident.commune == ia_krai and incident.recorded_unit == ia_krai
    assert incident.status == "received" and incident.is_tip  # theft is a crime: a tip
    assert incident.search_key.startswith("mat trom xe may cho ia krai")
    event = incident.events.get()
    assert (event.kind, event.to_status, event.author) == (EventKind.CREATED, "received",
                                                           officer)
    entry = AuditEntry.objects.get(action="incident.create")
    assert (entry.commune, entry.actor, entry.object_id) == (ia_krai, officer, str(incident.pk))
    assert entry.details["category"] == "theft"


def test_former_commune_resolves_to_its_successor(make_incident, units):
    tri_quang = units("legacy", "02935")
    incident = make_incident(unit=tri_quang, category="drug_dealing")
    assert incident.recorded_unit == tri_quang
    assert incident.commune.code == "02926"  # Xuân Quang
    assert incident.is_tip and incident.forward_due_at is not None


@pytest.mark.parametrize("category,rule", [("no_such_thing", "exists"), ("", "exists")])
def test_unknown_category_is_refused(make_incident, category, rule):
    with pytest.raises(NotFound) as caught:
        make_incident(category=category)
    assert (caught.value.field, caught.value.rule) == ("category", rule)
    assert nothing_written()


def test_archived_category_is_refused(make_incident):
    from safecommune.reports.models import Category

    Category.objects.filter(code="gambling").update(archived_at=timezone.now())
    with pytest.raises(DomainError) as caught:
        make_incident(category="gambling")
    assert (caught.value.field, caught.value.rule) == ("category", "archived")


def test_a_time_in_the_future_is_refused_but_small_clock_skew_is_not(make_incident):
    with pytest.raises(ValidationFailed) as caught:
        make_incident(occurred_at=timezone.now() + timedelta(hours=1))
    assert (caught.value.field, caught.value.rule) == ("occurred_at", "future")
    with pytest.raises(ValidationFailed) as caught:
        make_incident(received_at=timezone.now() + timedelta(days=1))
    assert (caught.value.field, caught.value.rule) == ("received_at", "future")
    assert nothing_written()
    assert make_incident(occurred_at=timezone.now() + timedelta(seconds=30)).pk


def test_it_cannot_happen_after_it_was_received(make_incident):
    with pytest.raises(ValidationFailed) as caught:
        make_incident(received_at=timezone.now() - timedelta(days=2),
                      occurred_at=timezone.now() - timedelta(days=1))
    assert (caught.value.field, caught.value.rule) == ("occurred_at", "after_received")


def test_point_outside_the_commune_is_refused(make_incident):
    with pytest.raises(DomainError) as caught:
        make_incident(point=offset(IA_KRAI_CENTRE, north_m=30_000))
    assert (caught.value.field, caught.value.rule) == ("point", "outside_commune")
    with pytest.raises(DomainError) as caught:
        make_incident(point=(95.0, 107.0))
    assert (caught.value.field, caught.value.rule) == ("lat", "range")
    assert nothing_written()


def test_a_commune_without_centre_and_area_is_judged_by_its_polygon_only(ia_krai):
    from safecommune.reports.services.checks import check_point
    from safecommune.territory.models import UnitBoundary

    ia_krai.latitude = ia_krai.longitude = ia_krai.area_km2 = None
    far = offset(IA_KRAI_CENTRE, north_m=30_000)
    check_point(ia_krai, far)  # nothing to judge by: let be
    lat, lon = IA_KRAI_CENTRE
    square = [[lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01],
              [lon - 0.01, lat + 0.01], [lon - 0.01, lat - 0.01]]
    UnitBoundary.objects.create(unit=ia_krai, geometry={"type": "Polygon",
                                                        "coordinates": [square]},
                                min_lat=lat - 0.01, max_lat=lat + 0.01, min_lon=lon - 0.01,
                                max_lon=lon + 0.01)
    check_point(ia_krai, IA_KRAI_CENTRE)
    with pytest.raises(DomainError) as caught:
        check_point(ia_krai, far)
    assert (caught.value.field, caught.value.rule) == ("point", "outside_commune")


def test_village_of_another_commune_is_refused(make_incident, hai_son):
    village = village_create(commune=hai_son, name="Thôn Khe Lạn")
    with pytest.raises(DomainError) as caught:
        make_incident(village=village)
    assert (caught.value.field, caught.value.rule) == ("village", "same_commune")


@pytest.mark.parametrize("field,value,rule", [
    ("channel", "carrier_pigeon", "choice"), ("summary", "   ", "required"),
    ("summary", "x" * 201, "max_length")])
def test_bad_fields_name_the_field_and_rule(make_incident, field, value, rule):
    with pytest.raises(ValidationFailed) as caught:
        make_incident(**{field: value})
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_assignee_must_be_staff_who_may_edit_the_commune(make_incident, other_officer,
                                                         province_viewer, resident, chief,
                                                         province_admin):
    for user in (other_officer, province_viewer, resident):
        with pytest.raises(DomainError) as caught:
            make_incident(assignee=user)
        assert (caught.value.field, caught.value.rule) == ("assignee", "commune_staff")
    assert nothing_written()
    assert make_incident(assignee=chief).assignee == chief
    assert make_incident(assignee=province_admin).assignee == province_admin


def test_incident_with_a_named_reporter_keeps_the_identity_apart(make_incident, ia_krai):
    incident = make_incident(channel="walk_in", reporter_name="Rơ Châm Hyơk",
                             reporter_phone="0905 123 456")
    report = incident.reports.get()
    assert report.description == "Mất trộm xe máy" and not report.is_anonymous
    identity = ReporterIdentity.objects.get(report=report)
    assert (identity.name, identity.phone, identity.commune) == ("Rơ Châm Hyơk",
                                                                 "0905 123 456", ia_krai)
    for entry in AuditEntry.objects.all():
        assert "Rơ Châm" not in str(entry.details) and "0905" not in str(entry.details)


def test_anonymous_reporter_leaves_no_name(make_report):
    with pytest.raises(ValidationFailed) as caught:
        make_report(is_anonymous=True, reporter_name="Nguyễn Văn A")
    assert (caught.value.field, caught.value.rule) == ("is_anonymous", "anonymous_named")
    with pytest.raises(ValidationFailed) as caught:
        make_report(reporter_phone="not a phone")
    assert caught.value.field == "reporter_phone"
    assert nothing_written()
    report = make_report(is_anonymous=True)
    assert report.is_anonymous and not ReporterIdentity.objects.exists()


def test_reports_link_to_one_incident(make_incident, make_report, officer):
    incident = make_incident()
    first = make_report(incident=incident)
    second = services.report_link_to_incident(actor=officer, report=make_report(),
                                              incident=incident)
    assert set(incident.reports.all()) == {first, second}
    assert second.linked_at is not None
    assert incident.events.filter(kind=EventKind.REPORT).count() == 2
    with pytest.raises(Conflict) as caught:
        services.report_link_to_incident(actor=officer, report=second, incident=incident)
    assert (caught.value.field, caught.value.rule) == ("incident", "linked")
    assert AuditEntry.objects.filter(action="report.link").count() == 2


def test_report_links_only_within_its_commune(make_incident, make_report, other_officer,
                                              hai_son):
    incident = make_incident()
    report = make_report(actor=other_officer, unit=hai_son)
    with pytest.raises(DomainError) as caught:
        services.report_link_to_incident(actor=other_officer, report=report, incident=incident)
    assert (caught.value.field, caught.value.rule) == ("incident", "same_commune")
    report.refresh_from_db()
    assert report.incident is None


def test_report_opens_a_new_incident(make_report, officer):
    report = make_report(category="drug_dealing", point=offset(IA_KRAI_CENTRE, east_m=100),
                         occurred_at=timezone.now() - timedelta(hours=3))
    incident = services.incident_open_from_report(actor=officer, report=report)
    report.refresh_from_db()
    assert report.incident == incident and incident.is_tip
    assert incident.point == report.point and incident.summary == report.description


def test_hotline_call_is_logged_and_turned_into_an_incident(make_call, officer, ia_krai):
    call = make_call(caller_name="Người gọi", caller_phone="0912345678", answer="Đã ghi nhận")
    identity = ReporterIdentity.objects.get(call=call)
    incident = services.hotline_call_to_incident(actor=officer, call=call, category="drug_use")
    call.refresh_from_db()
    identity.refresh_from_db()
    assert call.incident == incident and call.report.incident == incident
    assert identity.report == call.report and ReporterIdentity.objects.count() == 1
    assert incident.is_tip and incident.channel == "hotline"  # a tip call makes a tip
    assert incident.received_at == call.at
    with pytest.raises(Conflict) as caught:
        services.hotline_call_to_incident(actor=officer, call=call, category="drug_use")
    assert caught.value.rule == "already_recorded"
    actions = list(AuditEntry.objects.filter(commune=ia_krai).values_list("action", flat=True))
    assert actions == ["hotline.call", "report.create", "incident.create", "report.link",
                       "hotline.to_incident"]


def test_hotline_call_validation(make_call):
    with pytest.raises(ValidationFailed) as caught:
        make_call(kind="prank")
    assert (caught.value.field, caught.value.rule) == ("kind", "choice")
    with pytest.raises(ValidationFailed) as caught:
        make_call(at=timezone.now() + timedelta(hours=2))
    assert (caught.value.field, caught.value.rule) == ("at", "future")
    with pytest.raises(ValidationFailed) as caught:
        make_call(is_anonymous=True, caller_phone="0912345678")
    assert caught.value.rule == "anonymous_named"
    assert nothing_written()


def test_failed_call_conversion_writes_nothing(make_call, officer):
    call = make_call()
    with pytest.raises(DomainError):
        services.hotline_call_to_incident(actor=officer, call=call, category="drug_use",
                                          point=offset(IA_KRAI_CENTRE, north_m=50_000))
    assert (Incident.objects.count(), Report.objects.count()) == (0, 0)
    call.refresh_from_db()
    assert call.incident is None


def test_notes_and_assignment_are_timeline_entries(make_incident, officer, chief):
    incident = make_incident()
    services.incident_note_add(actor=officer, incident=incident, text="Đã gọi lại người báo")
    services.incident_assign(actor=chief, incident=incident, assignee=officer)
    services.incident_assign(actor=chief, incident=incident, assignee=officer)  # no change
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds == ["created", "note", "assignment"]
    with pytest.raises(ValidationFailed) as caught:
        services.incident_note_add(actor=officer, incident=incident, text=" ")
    assert (caught.value.field, caught.value.rule) == ("text", "required")


def test_outcomes_of_every_kind(make_incident, officer, ia_krai):
    incident = make_incident(category="smuggling")
    person = person_create(actor=officer, unit=ia_krai, full_name="Trần Văn Bình",
                           birth_date=timezone.localdate().replace(year=1990), sex="male")
    add = lambda **f: services.incident_outcome_add(actor=officer, incident=incident, **f)  # noqa: E731
    add(kind="person", person=person, involvement="suspect")
    add(kind="person", person_name="Người lạ", involvement="witness")
    add(kind="arrest", count=2)
    add(kind="fine", amount_vnd=7_500_000)
    add(kind="education", measure="commune_education", count=2)
    add(kind="rehabilitation", measure="compulsory_rehabilitation", count=10)
    seizure = add(kind="seizure", item_kind="bình khí cười", quantity="248",
                  quantity_unit="bình")
    assert seizure.quantity == 248
    assert IncidentOutcome.objects.filter(incident=incident).count() == 7
    assert incident.events.filter(kind=EventKind.OUTCOME).count() == 7


@pytest.mark.parametrize("fields,field,rule", [
    ({"kind": "bribe"}, "kind", "choice"),
    ({"kind": "person"}, "person_name", "required"),
    ({"kind": "fine"}, "amount_vnd", "required"),
    ({"kind": "education", "measure": "compulsory_rehabilitation"}, "measure", "choice"),
    ({"kind": "rehabilitation"}, "measure", "choice"),
    ({"kind": "arrest", "measure": "commune_education"}, "measure", "kind"),
    ({"kind": "arrest", "count": 0}, "count", "min"),
    ({"kind": "seizure", "quantity": 5}, "item_kind", "required"),
    ({"kind": "seizure", "item_kind": "xe máy", "quantity": "abc"}, "quantity", "number"),
    ({"kind": "seizure", "item_kind": "xe máy", "quantity": 0}, "quantity", "min"),
])
def test_bad_outcomes_name_field_and_rule(make_incident, officer, fields, field, rule):
    incident = make_incident()
    with pytest.raises(ValidationFailed) as caught:
        services.incident_outcome_add(actor=officer, incident=incident, **fields)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert not IncidentOutcome.objects.exists()


def test_outcome_person_must_be_visible_to_the_actor(make_incident, officer, other_officer,
                                                     hai_son):
    incident = make_incident()
    stranger = person_create(actor=other_officer, unit=hai_son, full_name="Lê Văn Cường",
                             birth_date=timezone.localdate().replace(year=1985), sex="male")
    with pytest.raises(NotFound) as caught:
        services.incident_outcome_add(actor=officer, incident=incident, kind="person",
                                      person=stranger)
    assert caught.value.field == "person"


def test_reporter_identity_is_read_by_chief_and_assignee_only_and_audited(
        make_incident, officer, chief, province_admin, make_user, ia_krai):
    incident = make_incident(reporter_name="Người báo tin")
    assert services.reporter_identities_read(actor=officer, incident=incident) == {}
    assert services.reporter_identities_read(actor=province_admin, incident=incident) == {}
    assert not AuditEntry.objects.filter(action="reporter.read").exists()
    identities = services.reporter_identities_read(actor=chief, incident=incident)
    assert [i.name for i in identities.values()] == ["Người báo tin"]
    incident = services.incident_assign(actor=chief, incident=incident, assignee=officer)
    assert services.reporter_identities_read(actor=officer, incident=incident)
    assert AuditEntry.objects.filter(action="reporter.read").count() == 2


def test_closed_incident_takes_notes_only(make_incident, officer):
    incident = make_incident()
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    with pytest.raises(Conflict) as caught:
        services.incident_assign(actor=officer, incident=incident, assignee=officer)
    assert (caught.value.field, caught.value.rule) == ("assignee", "closed")
    with pytest.raises(Conflict):
        services.incident_outcome_add(actor=officer, incident=incident, kind="arrest")
    services.incident_note_add(actor=officer, incident=incident, text="Lưu hồ sơ")
    assert IncidentEvent.objects.filter(incident=incident, kind="note").exists()
