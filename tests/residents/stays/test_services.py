"""Stay services: what is refused (and writes nothing), close relatives once, departures,
reviews of late notices, the audit entry without names."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.core.errors import Conflict, DomainError, ValidationFailed
from safecommune.core.models import AuditEntry
from safecommune.residents.models import StayNotice
from safecommune.residents.stays import services
from tests.residents.stays.conftest import CCCD, local


def test_future_arrival_is_refused_and_nothing_written(notify):
    with pytest.raises(ValidationFailed) as info:
        notify(arrival_at=timezone.now() + timedelta(hours=2))
    assert (info.value.field, info.value.rule) == ("arrival_at", "future")
    assert not StayNotice.objects.exists()


def test_accommodation_of_another_commune_is_refused(notify, hai_son_hotel, foreign_guest):
    with pytest.raises(DomainError) as info:
        notify(host_kind="accommodation", accommodation=hai_son_hotel, **foreign_guest)
    assert (info.value.field, info.value.rule) == ("accommodation", "same_commune")
    assert not StayNotice.objects.exists()


def test_a_place_that_is_not_an_accommodation_is_refused(notify, ia_krai, foreign_guest):
    from safecommune.territory.services import place_create

    school = place_create(commune=ia_krai, kind="school", name="Trường Ia Krái")
    with pytest.raises(DomainError) as info:
        notify(host_kind="accommodation", accommodation=school, **foreign_guest)
    assert info.value.field == "accommodation"


@pytest.mark.parametrize("citizen_id,rule", [
    ("06409001234", "digits"),
    ("003090012345", "province"),
    ("064099012345", "birth_year"),
    ("", "required"),
])
def test_invalid_cccd_is_refused_naming_citizen_id(notify, vietnamese_guest, citizen_id, rule):
    with pytest.raises(ValidationFailed) as info:
        notify(**{**vietnamese_guest, "guest_citizen_id": citizen_id})
    assert (info.value.field, info.value.rule) == ("citizen_id", rule)
    assert not StayNotice.objects.exists()
    assert not AuditEntry.objects.filter(action="stay.notify").exists()


def test_foreigner_needs_a_passport_and_no_citizen_id(notify, foreign_guest):
    with pytest.raises(ValidationFailed) as info:
        notify(**{**foreign_guest, "guest_passport_number": ""})
    assert info.value.field == "guest_passport_number"
    with pytest.raises(ValidationFailed) as info:
        notify(**{**foreign_guest, "guest_citizen_id": CCCD})
    assert (info.value.field, info.value.rule) == ("citizen_id", "nationality")
    assert not StayNotice.objects.exists()


def test_stay_of_30_days_or_more_is_temporary_residence(notify):
    arrival = local(2025, 10, 1, 10, 0)
    notify(arrival_at=arrival, departure_on=arrival.date() + timedelta(days=29))
    with pytest.raises(ValidationFailed) as info:
        notify(arrival_at=arrival, departure_on=arrival.date() + timedelta(days=30))
    assert (info.value.field, info.value.rule) == ("departure_on", "max_days")
    with pytest.raises(ValidationFailed) as info:
        notify(arrival_at=arrival, departure_on=arrival.date() - timedelta(days=1))
    assert info.value.rule == "before_arrival"


def test_close_relative_is_notified_once_only(notify, make_household):
    household = make_household()
    notify(host_household=household, is_close_relative=True)
    with pytest.raises(Conflict) as info:
        notify(host_household=household, is_close_relative=True)
    assert info.value.rule == "close_relative_once"
    notify(host_household=household)  # not as a close relative: every stay is notified
    assert StayNotice.objects.count() == 2


def test_host_household_of_another_commune_is_refused(notify, make_household, hai_son):
    household = make_household(unit=hai_son)
    with pytest.raises(DomainError) as info:
        notify(host_household=household)
    assert (info.value.field, info.value.rule) == ("host_household", "same_commune")


def test_known_guest_is_linked_to_their_person(notify, make_person):
    person = make_person(citizen_id=CCCD)
    assert notify().guest_person == person


def test_departure_is_recorded_once_and_not_before_arrival(notify, officer):
    notice = notify(arrival_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationFailed):
        services.stay_depart(actor=officer, notice=notice,
                             departed_at=notice.arrival_at - timedelta(hours=1))
    services.stay_depart(actor=officer, notice=notice)
    notice.refresh_from_db()
    assert notice.departed_at is not None
    with pytest.raises(Conflict):
        services.stay_depart(actor=officer, notice=notice)


def test_late_notice_is_reviewed_once(notify, officer):
    on_time = notify(arrival_at=local(2025, 10, 10, 14, 0),
                     notified_at=local(2025, 10, 10, 15, 0))
    late = notify(arrival_at=local(2025, 10, 10, 14, 0), notified_at=local(2025, 10, 11, 9, 0))
    with pytest.raises(DomainError):
        services.stay_review(actor=officer, notice=on_time)
    services.stay_review(actor=officer, notice=late)
    with pytest.raises(Conflict):
        services.stay_review(actor=officer, notice=late)


def test_audit_entry_holds_flags_not_names(notify, ia_krai):
    notify()
    entry = AuditEntry.objects.get(action="stay.notify")
    dumped = json.dumps(entry.details, ensure_ascii=False)
    assert entry.commune == ia_krai
    assert "Khách" not in dumped and CCCD not in dumped
    assert entry.details["channel"] == "staff"
