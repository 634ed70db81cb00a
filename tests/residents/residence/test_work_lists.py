"""Work lists: expiring temporary residences, overdue absences, the worker's reminders, the
counts on the commune page; scoped to the user's communes, with bounded queries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safecommune.residents.models import ReminderKind, ResidenceReminder
from safecommune.residents.residence import selectors, services, tasks
from safecommune.worker import schedule

TODAY = date(2026, 3, 10)


def register(person, officer, *, until, start=TODAY - timedelta(days=100)):
    return services.temporary_register(actor=officer, person=person, address="5 Lê Lợi",
                                       registered_on=start, valid_until=until,
                                       today=TODAY)


def test_temporary_residence_appears_fifteen_days_before_expiry(make_person, officer):
    record = register(make_person(), officer, until=TODAY + timedelta(days=15))
    later = register(make_person("Trần Văn Cường"), officer, until=TODAY + timedelta(days=16))

    assert list(selectors.expiring_temporary(user=officer, today=TODAY)) == [record]
    assert list(selectors.expiring_temporary(
        user=officer, today=TODAY - timedelta(days=1))) == []
    assert list(selectors.expiring_temporary(
        user=officer, today=TODAY + timedelta(days=16))) == [later]


def test_renewed_term_leaves_the_list(make_person, officer):
    record = register(make_person(), officer, until=TODAY + timedelta(days=5))
    services.temporary_renew(actor=officer, record=record,
                             valid_until=TODAY + timedelta(days=400), today=TODAY)
    assert not selectors.expiring_temporary(user=officer, today=TODAY).exists()


def overdue_absence(person, officer, *, back=TODAY - timedelta(days=1)):
    return services.absence_declare(
        actor=officer, person=person, kind="supervised", supervision="parole",
        consent_reference="QĐ 3", declared_on=back - timedelta(days=10),
        leaves_on=back - timedelta(days=5), expected_return_on=back, destination="Pleiku",
        today=TODAY)


def test_overdue_absence_is_listed_until_the_return_is_recorded(make_person, officer):
    absence = overdue_absence(make_person(), officer)
    assert list(selectors.overdue_absences(user=officer, today=TODAY)) == [absence]
    assert not selectors.overdue_absences(user=officer, today=TODAY - timedelta(days=1)).exists()
    services.absence_return(actor=officer, absence=absence, returned_on=TODAY, today=TODAY)
    assert not selectors.overdue_absences(user=officer, today=TODAY).exists()


def test_work_lists_are_scoped_to_the_users_communes(make_person, officer, other_officer,
                                                     province_viewer):
    register(make_person(), officer, until=TODAY + timedelta(days=3))
    overdue_absence(make_person("Trần Văn Cường"), officer)
    assert selectors.work_list_counts(user=other_officer, today=TODAY) == {
        "expiring": 0, "overdue_absences": 0, "headless_households": 0}
    assert selectors.work_list_counts(user=province_viewer, today=TODAY) == {
        "expiring": 1, "overdue_absences": 1, "headless_households": 0}


def test_worker_raises_reminders_once(make_person, officer, ia_krai):
    record = register(make_person(), officer, until=TODAY + timedelta(days=15))
    absence = overdue_absence(make_person("Trần Văn Cường"), officer)

    none = {ReminderKind.NO_HEAD: 0, ReminderKind.LATE_STAY: 0}
    assert services.residence_reminders_raise(today=TODAY) == {
        ReminderKind.EXPIRING: 1, ReminderKind.ABSENCE_OVERDUE: 1, **none}
    assert services.residence_reminders_raise(today=TODAY) == {
        ReminderKind.EXPIRING: 0, ReminderKind.ABSENCE_OVERDUE: 0, **none}
    assert services.residence_reminders_raise(today=TODAY + timedelta(days=1)) == {
        ReminderKind.EXPIRING: 0, ReminderKind.ABSENCE_OVERDUE: 0, **none}

    reminders = {(r.kind, r.record_id, r.absence_id, r.due_on, r.raised_on, r.commune_id)
                 for r in ResidenceReminder.objects.all()}
    assert reminders == {
        (ReminderKind.EXPIRING, record.pk, None, record.valid_until, TODAY, ia_krai.pk),
        (ReminderKind.ABSENCE_OVERDUE, None, absence.pk, absence.expected_return_on, TODAY,
         ia_krai.pk)}


def test_open_reminders_drop_once_handled(make_person, officer, other_officer):
    record = register(make_person(), officer, until=TODAY + timedelta(days=2))
    absence = overdue_absence(make_person("Trần Văn Cường"), officer)
    services.residence_reminders_raise(today=TODAY)
    assert selectors.reminders_open(user=officer).count() == 2
    assert selectors.reminders_open(user=other_officer).count() == 0
    services.residence_end(actor=officer, record=record, reason="expired", today=TODAY)
    services.absence_return(actor=officer, absence=absence, today=TODAY)
    assert selectors.reminders_open(user=officer).count() == 0


def test_reminder_task_runs_through_the_task_backend_and_is_scheduled_daily(
        make_person, officer, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    today = timezone.localdate()
    services.temporary_register(actor=officer, person=make_person(), address="5 Lê Lợi",
                                valid_until=today + timedelta(days=10))
    result = tasks.residence_reminders_task.enqueue()
    assert result.return_value == {"expiring": 1, "absence_overdue": 0, "no_head": 0,
                                   "late_stay": 0}
    assert tasks.residence_reminders_task.enqueue().return_value == {
        "expiring": 0, "absence_overdue": 0, "no_head": 0, "late_stay": 0}
    job = next(j for j in schedule.JOBS if j.name == "residence-reminders")
    assert job.task == "safecommune.residents.residence.tasks.residence_reminders_task"
    assert job.cron.split()[2:] == ["*", "*", "*"]


@pytest.fixture
def busy_commune(make_person, officer):
    today = timezone.localdate()
    for n in range(8):
        services.temporary_register(actor=officer, person=make_person(f"Nguyễn Văn Số {n}"),
                                    address=f"{n} Lê Lợi",
                                    valid_until=today + timedelta(days=n + 1))
        services.absence_declare(
            actor=officer, person=make_person(f"Trần Thị Số {n}", sex="female"), kind="other",
            leaves_on=today - timedelta(days=400), expected_return_on=today - timedelta(days=n + 1),
            destination="Hà Nội")
    services.residence_reminders_raise()


def test_work_lists_page_shows_counts_lists_and_reminders_with_bounded_queries(
        client, officer, busy_commune, ia_krai, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(11):
        response = client.get(f"/residents/work-lists/?commune={ia_krai.code}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn Số 7" in body and "Trần Thị Số 7" in body
    assert body.count("/residence/") >= 32


def test_work_lists_of_another_commune_are_404(client, other_officer, ia_krai, busy_commune):
    client.force_login(other_officer)
    assert client.get(f"/residents/work-lists/?commune={ia_krai.code}").status_code == 404
    page = client.get("/residents/work-lists/").content.decode()
    assert "Nguyễn Văn Số" not in page
    data = client.get("/api/v1/residence/work-lists").json()
    assert data["counts"] == {"expiring": 0, "overdue_absences": 0, "headless_households": 0}
    assert client.get(f"/api/v1/residence/work-lists?commune={ia_krai.code}").status_code == 404


def test_commune_page_counts_for_staff_only_in_four_queries(client, officer, busy_commune,
                                                           ia_krai):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.cookies["safecommune_language"] = "en"
    with CaptureQueriesContext(connection) as public:
        body = client.get(f"/communes/{ia_krai.code}/").content.decode()
    public_count = len(public)
    assert "/residents/work-lists/" not in body

    client.force_login(officer)
    with CaptureQueriesContext(connection) as staff:
        body = client.get(f"/communes/{ia_krai.code}/").content.decode()
    counts = [q["sql"] for q in staff.captured_queries if "COUNT(" in q["sql"].upper()]

    # expiring residences, overdue absences, households without a head, late stays
    assert len(counts) == 4
    assert len(staff) <= public_count + 9
    assert f"/residents/work-lists/?commune={ia_krai.code}" in body
    assert "8 temporary residences expiring soon" in body
    assert "8 absences past their expected return" in body


def test_api_work_lists_for_staff(client, officer, busy_commune,
                                  django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(9):
        data = client.get("/api/v1/residence/work-lists").json()
    assert data["counts"] == {"expiring": 8, "overdue_absences": 8, "headless_households": 0}
    assert len(data["expiring"]) == 8 and len(data["overdue_absences"]) == 8
