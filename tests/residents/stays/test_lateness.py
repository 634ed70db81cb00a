"""Lateness: before 23:00 local on the arrival day, 08:00 next day for arrivals from 23:00; a
foreigner at an accommodation within 12 hours of arrival, 24 in remote communes."""

import pytest

from safecommune.territory.services import commune_settings_update
from tests.residents.stays.conftest import local


@pytest.mark.parametrize("notified,late", [
    ((2025, 10, 10, 22, 59), False),
    ((2025, 10, 10, 23, 0), False),
    ((2025, 10, 10, 23, 1), True),
    ((2025, 10, 11, 7, 0), True),
])
def test_notice_is_late_after_23_on_the_arrival_day(notify, notified, late):
    notice = notify(arrival_at=local(2025, 10, 10, 14, 0), notified_at=local(*notified))
    assert notice.is_late is late
    assert notice.deadline_at == local(2025, 10, 10, 23, 0)


@pytest.mark.parametrize("notified,late", [
    ((2025, 10, 10, 23, 45), False),
    ((2025, 10, 11, 7, 59), False),
    ((2025, 10, 11, 8, 1), True),
])
def test_arrival_after_23_is_due_by_08_next_day(notify, notified, late):
    notice = notify(arrival_at=local(2025, 10, 10, 23, 30), notified_at=local(*notified))
    assert notice.is_late is late
    assert notice.deadline_at == local(2025, 10, 11, 8, 0)


def test_arrival_at_23_sharp_counts_as_a_late_arrival(notify):
    notice = notify(arrival_at=local(2025, 10, 10, 23, 0),
                    notified_at=local(2025, 10, 11, 7, 0))
    assert not notice.is_late


def test_limits_are_settings(notify, settings):
    settings.SAFECOMMUNE_STAY_CUTOFF = "22:00"
    notice = notify(arrival_at=local(2025, 10, 10, 14, 0),
                    notified_at=local(2025, 10, 10, 22, 30))
    assert notice.is_late


@pytest.mark.parametrize("notified,late", [
    ((2025, 10, 10, 12, 59), False),
    ((2025, 10, 10, 13, 1), True),
])
def test_foreigner_at_accommodation_is_due_within_12_hours(notify, hotel, foreign_guest,
                                                           notified, late):
    notice = notify(host_kind="accommodation", accommodation=hotel,
                    arrival_at=local(2025, 10, 10, 1, 0), notified_at=local(*notified),
                    **foreign_guest)
    assert notice.is_foreigner and notice.is_foreigner_declaration
    assert notice.is_late is late
    assert notice.deadline_at == local(2025, 10, 10, 13, 0)


def test_foreigner_arriving_late_has_12_hours_not_until_08(notify, hotel, foreign_guest):
    notice = notify(host_kind="accommodation", accommodation=hotel,
                    arrival_at=local(2025, 10, 10, 23, 30),
                    notified_at=local(2025, 10, 11, 9, 0), **foreign_guest)
    assert not notice.is_late


@pytest.mark.parametrize("notified,late", [
    ((2025, 10, 10, 13, 1), False),
    ((2025, 10, 11, 0, 59), False),
    ((2025, 10, 11, 1, 1), True),
])
def test_remote_commune_gives_foreigners_24_hours(notify, hotel, foreign_guest, ia_krai,
                                                  notified, late):
    commune_settings_update(commune=ia_krai, is_remote=True)
    notice = notify(host_kind="accommodation", accommodation=hotel,
                    arrival_at=local(2025, 10, 10, 1, 0), notified_at=local(*notified),
                    **foreign_guest)
    assert notice.is_late is late
    assert notice.deadline_at == local(2025, 10, 11, 1, 0)


def test_foreigner_at_a_household_follows_the_stay_rule(notify, foreign_guest):
    notice = notify(arrival_at=local(2025, 10, 10, 1, 0),
                    notified_at=local(2025, 10, 10, 20, 0), **foreign_guest)
    assert notice.is_foreigner and not notice.is_foreigner_declaration
    assert not notice.is_late
