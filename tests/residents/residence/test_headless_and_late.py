"""Work lists: households without a head and late stay notifications, counted on the commune
page, listed for staff and raised by the daily worker like the other residence reminders."""

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from safecommune.residents import services as person_services
from safecommune.residents.models import Household, Relation, ReminderKind, ResidenceReminder
from safecommune.residents.residence import selectors, services
from safecommune.residents.stays import services as stay_services

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PASSPORTS = itertools.count(1_000_000)
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["safecommune_language"] = "en"


def late_notice(officer, commune, *, guest="Anna Svensson", hours_late=20):
    """A stay notified ``hours_late`` hours after its 23:00 deadline of yesterday."""
    arrival = datetime.combine(TODAY - timedelta(days=1), datetime.min.time(),
                               tzinfo=LOCAL) + timedelta(hours=10)
    notified = min(arrival + timedelta(hours=13 + hours_late), timezone.now())
    return stay_services.stay_notify(
        actor=officer, unit=commune, host_kind="household", host_address="5 Lê Lợi",
        guest_full_name=guest, guest_birth_date=date(1990, 3, 2), guest_nationality="SE",
        guest_passport_number=f"AB{next(PASSPORTS)}", arrival_at=arrival,
        notified_at=notified, departure_on=TODAY + timedelta(days=2))


def kinds(result: dict) -> dict:
    return {kind: result[kind] for kind in (ReminderKind.NO_HEAD, ReminderKind.LATE_STAY)}


def test_household_without_a_head_is_counted_and_listed_until_it_has_one(
        make_person, make_household, officer, other_officer):
    headless = make_household("7 Lê Lợi")
    make_household("9 Lê Lợi", members=[(make_person(), Relation.HEAD)])

    assert list(selectors.headless_households(user=officer)) == [headless]
    assert selectors.work_list_counts(user=officer)["headless_households"] == 1
    assert selectors.work_list_counts(user=other_officer)["headless_households"] == 0

    person_services.household_add_member(actor=officer, household=headless,
                                         person=make_person("Trần Văn Cường"),
                                         relation=Relation.HEAD)
    assert not selectors.headless_households(user=officer).exists()


def test_worker_raises_one_reminder_per_headless_household_and_a_new_one_per_loss(
        make_person, make_household, officer, ia_krai):
    household = make_household("7 Lê Lợi")
    created_on = timezone.localdate(household.created_at)

    assert kinds(services.residence_reminders_raise(today=TODAY)) == {
        ReminderKind.NO_HEAD: 1, ReminderKind.LATE_STAY: 0}
    assert kinds(services.residence_reminders_raise(today=TODAY + timedelta(days=1))) == {
        ReminderKind.NO_HEAD: 0, ReminderKind.LATE_STAY: 0}
    reminder = ResidenceReminder.objects.get()
    assert (reminder.kind, reminder.household, reminder.due_on, reminder.commune) == (
        ReminderKind.NO_HEAD, household, created_on, ia_krai)
    assert list(selectors.reminders_open(user=officer)) == [reminder]

    head = make_person()
    person_services.household_add_member(actor=officer, household=household, person=head,
                                         relation=Relation.HEAD, joined_on=created_on)
    assert services.residence_reminders_raise(today=TODAY)[ReminderKind.NO_HEAD] == 0
    assert not selectors.reminders_open(user=officer).exists()

    moved_on = TODAY + timedelta(days=3)
    person_services.person_move_out(actor=officer, person=head, left_on=moved_on)
    assert services.residence_reminders_raise(today=moved_on)[ReminderKind.NO_HEAD] == 1
    latest = ResidenceReminder.objects.get(due_on=moved_on)
    # The household lost a head twice: only the latest reminder is open.
    assert list(selectors.reminders_open(user=officer)) == [latest]


def test_archived_households_are_not_on_the_list(make_household, officer):
    household = make_household("7 Lê Lợi")
    Household.objects.filter(pk=household.pk).update(archived_at=timezone.now())
    assert selectors.work_list_counts(user=officer)["headless_households"] == 0
    assert services.residence_reminders_raise(today=TODAY)[ReminderKind.NO_HEAD] == 0


def test_worker_raises_a_reminder_per_late_stay_notice_until_reviewed(
        officer, other_officer, ia_krai):
    late = late_notice(officer, ia_krai)
    on_time = stay_services.stay_notify(
        actor=officer, unit=ia_krai, host_kind="household", host_address="5 Lê Lợi",
        guest_full_name="Trần Văn Đúng", guest_birth_date=date(1990, 3, 2),
        guest_citizen_id="064090012345",
        arrival_at=timezone.now() - timedelta(minutes=5), notified_at=timezone.now(),
        departure_on=TODAY + timedelta(days=2))
    assert late.is_late and not on_time.is_late

    assert kinds(services.residence_reminders_raise(today=TODAY)) == {
        ReminderKind.NO_HEAD: 0, ReminderKind.LATE_STAY: 1}
    assert services.residence_reminders_raise(
        today=TODAY + timedelta(days=1))[ReminderKind.LATE_STAY] == 0
    reminder = ResidenceReminder.objects.get()
    assert (reminder.stay, reminder.commune, reminder.due_on) == (
        late, ia_krai, timezone.localdate(late.notified_at))
    assert list(selectors.reminders_open(user=officer)) == [reminder]
    assert not selectors.reminders_open(user=other_officer).exists()

    stay_services.stay_review(actor=officer, notice=late)
    assert not selectors.reminders_open(user=officer).exists()
    assert services.residence_reminders_raise(today=TODAY)[ReminderKind.LATE_STAY] == 0


def test_a_reminder_has_exactly_one_subject(make_household, ia_krai):
    from django.db import IntegrityError, transaction

    household = make_household("7 Lê Lợi")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidenceReminder.objects.create(kind=ReminderKind.LATE_STAY, commune=ia_krai,
                                         household=household, due_on=TODAY, raised_on=TODAY)


def test_commune_page_counts_headless_households_with_a_link(client, officer,
                                                             make_household, ia_krai):
    make_household("7 Lê Lợi")
    client.force_login(officer)
    body = client.get(f"/communes/{ia_krai.code}/").content.decode()
    assert "1 household without a head" in body
    assert f"/residents/?no_head=1&amp;commune={ia_krai.code}" in body


def test_residents_list_filters_households_without_a_head(client, officer, make_person,
                                                          make_household, ia_krai,
                                                          django_assert_max_num_queries):
    make_household("7 Lê Lợi")
    make_household("9 Lê Lợi", members=[(make_person(), Relation.HEAD)])
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        body = client.get(f"/residents/?no_head=1&commune={ia_krai.code}").content.decode()
    assert "7 Lê Lợi" in body and "9 Lê Lợi" not in body
    assert "Households without a head" in body
    data = client.get("/api/v1/households?no_head=true").json()
    assert [h["address"] for h in data] == ["7 Lê Lợi"]
    assert len(client.get("/api/v1/households").json()) == 2


def test_work_lists_show_headless_households_and_all_reminder_kinds(
        client, officer, other_officer, make_household, ia_krai,
        django_assert_max_num_queries):
    for n in range(5):
        make_household(f"{n} Hùng Vương")
        late_notice(officer, ia_krai, guest=f"Khách Số {n}")
    services.residence_reminders_raise(today=TODAY)
    client.force_login(officer)
    with django_assert_max_num_queries(11):
        body = client.get(f"/residents/work-lists/?commune={ia_krai.code}").content.decode()
    assert "5 households without a head" in body
    assert body.count("/residents/households/") >= 10  # the list and the reminders
    assert body.count("/residents/stays/") >= 5
    data = client.get("/api/v1/residence/work-lists").json()
    assert data["counts"]["headless_households"] == 5
    assert len(data["headless_households"]) == 5

    client.force_login(other_officer)
    assert client.get("/api/v1/residence/work-lists").json()["headless_households"] == []
    assert client.get("/api/v1/households?no_head=true").json() == []
