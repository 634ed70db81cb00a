"""Residence services: term limits, renewals that keep history, ending, absences by kind."""

from datetime import date, timedelta

import pytest

from safecommune.core.errors import Conflict, ValidationFailed
from safecommune.core.models import AuditEntry
from safecommune.residents.models import (
    Absence,
    EndReason,
    Relation,
    ResidenceKind,
    ResidenceRecord,
)
from safecommune.residents.residence import selectors, services

TODAY = date(2026, 3, 10)


@pytest.fixture
def person(make_person):
    return make_person()


def temporary(person, officer, *, registered_on=TODAY, days=365):
    return services.temporary_register(actor=officer, person=person, address="5 Lê Lợi",
                                       registered_on=registered_on,
                                       valid_until=registered_on + timedelta(days=days),
                                       today=TODAY)


def test_three_year_temporary_residence_is_refused_naming_valid_until(person, officer):
    with pytest.raises(ValidationFailed) as caught:
        services.temporary_register(actor=officer, person=person, address="5 Lê Lợi",
                                    registered_on=TODAY, valid_until=date(2029, 3, 10),
                                    today=TODAY)
    assert (caught.value.field, caught.value.rule) == ("valid_until", "max_term")
    assert "730" in caught.value.message
    assert not ResidenceRecord.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="residence.").exists()


def test_two_year_term_is_accepted_and_one_day_more_is_not(person, officer):
    with pytest.raises(ValidationFailed):
        temporary(person, officer, days=731)
    record = temporary(person, officer, days=730)
    assert record.valid_until == date(2028, 3, 9)


def test_max_term_is_a_setting(person, officer, settings):
    settings.SAFECOMMUNE_TEMP_RESIDENCE_MAX_DAYS = 30
    with pytest.raises(ValidationFailed) as caught:
        temporary(person, officer, days=31)
    assert caught.value.rule == "max_term"


def test_temporary_register_is_audited_in_the_commune_chain(person, officer, ia_krai,
                                                            make_household):
    make_household(members=[(person, Relation.HEAD)])
    record = temporary(person, officer)
    assert record.commune == ia_krai and record.household is not None
    entry = AuditEntry.objects.get(action="residence.temporary_register")
    assert (entry.commune, entry.object_id, entry.details) == (
        ia_krai, str(record.pk), {"person": person.pk})


def test_second_active_temporary_residence_is_a_conflict(person, officer):
    temporary(person, officer)
    with pytest.raises(Conflict) as caught:
        temporary(person, officer)
    assert caught.value.rule == "active_temporary"


def test_renewal_is_a_new_term_and_the_old_row_is_kept(person, officer):
    old = temporary(person, officer, registered_on=date(2024, 3, 20), days=730)
    before = {f.attname: getattr(old, f.attname) for f in ResidenceRecord._meta.concrete_fields}

    term = services.temporary_renew(actor=officer, record=old, valid_until=date(2027, 3, 1),
                                     renewed_on=TODAY, today=TODAY)

    old.refresh_from_db()
    after = {f.attname: getattr(old, f.attname) for f in ResidenceRecord._meta.concrete_fields}
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"ended_on", "end_reason", "modified_at"}
    assert (old.ended_on, old.end_reason) == (TODAY, EndReason.RENEWED)
    assert (term.renews, term.registered_on, term.address) == (old, TODAY, old.address)
    assert [r.pk for r in selectors.residence_history(person=person)] == [old.pk, term.pk]


def test_renewal_term_is_limited_too_and_an_expired_term_is_not_renewed(person, officer):
    record = temporary(person, officer, days=30)
    with pytest.raises(ValidationFailed) as caught:
        services.temporary_renew(actor=officer, record=record, valid_until=date(2029, 3, 10),
                                 today=TODAY)
    assert caught.value.rule == "max_term"
    with pytest.raises(ValidationFailed) as caught:
        services.temporary_renew(actor=officer, record=record, valid_until=date(2027, 1, 1),
                                 renewed_on=TODAY + timedelta(days=31),
                                 today=TODAY + timedelta(days=40))
    assert caught.value.rule == "expired"
    record.refresh_from_db()
    assert record.ended_on is None


def test_move_out_ends_permanent_residence_and_allows_a_new_one(person, officer):
    first = services.permanent_register(actor=officer, person=person, address="1 Hùng Vương",
                                        registered_on=date(2010, 1, 1), today=TODAY)
    with pytest.raises(Conflict):
        services.permanent_register(actor=officer, person=person, address="2 Hùng Vương",
                                    today=TODAY)
    services.residence_end(actor=officer, record=first, reason=EndReason.MOVED_OUT,
                           ended_on=TODAY, today=TODAY)
    second = services.permanent_register(actor=officer, person=person, address="2 Hùng Vương",
                                         today=TODAY)
    first.refresh_from_db()
    assert (first.ended_on, first.end_reason) == (TODAY, EndReason.MOVED_OUT)
    assert second.kind == ResidenceKind.PERMANENT and second.ended_on is None


def test_end_refuses_renewed_as_a_reason_and_a_future_date(person, officer):
    record = temporary(person, officer)
    with pytest.raises(ValidationFailed) as caught:
        services.residence_end(actor=officer, record=record, reason=EndReason.RENEWED,
                               today=TODAY)
    assert caught.value.rule == "choice"
    with pytest.raises(ValidationFailed) as caught:
        services.residence_end(actor=officer, record=record, reason=EndReason.DEREGISTERED,
                               ended_on=TODAY + timedelta(days=1), today=TODAY)
    assert (caught.value.field, caught.value.rule) == ("ended_on", "future")


def supervised(person, officer, **overrides):
    fields = {"kind": "supervised", "supervision": "probation",
              "consent_reference": "QĐ 12/UBND", "leaves_on": TODAY,
              "expected_return_on": TODAY + timedelta(days=3), "destination": "Pleiku",
              "today": TODAY}
    fields.update(overrides)
    return services.absence_declare(actor=officer, person=person, **fields)


def test_supervised_person_declares_on_the_day_of_leaving_with_consent(person, officer,
                                                                      ia_krai):
    absence = supervised(person, officer)
    assert (absence.declared_on, absence.consent_recorded_by) == (TODAY, officer)
    assert AuditEntry.objects.get(action="absence.declare").commune == ia_krai


def test_supervised_absence_declared_after_leaving_is_refused(person, officer):
    with pytest.raises(ValidationFailed) as caught:
        supervised(person, officer, leaves_on=TODAY - timedelta(days=1))
    assert (caught.value.field, caught.value.rule) == ("leaves_on", "before_leaving")
    assert not Absence.objects.exists()


def test_supervised_absence_without_consent_is_refused(person, officer):
    with pytest.raises(ValidationFailed) as caught:
        supervised(person, officer, consent_reference="  ")
    assert (caught.value.field, caught.value.rule) == ("consent_reference", "consent")
    assert not Absence.objects.exists()


def test_others_declare_only_after_twelve_months_away(person, officer):
    with pytest.raises(ValidationFailed) as caught:
        services.absence_declare(actor=officer, person=person, kind="other",
                                 leaves_on=TODAY - timedelta(days=364), destination="Hà Nội",
                                 today=TODAY)
    assert (caught.value.field, caught.value.rule) == ("leaves_on", "too_early")
    absence = services.absence_declare(actor=officer, person=person, kind="other",
                                       leaves_on=TODAY - timedelta(days=365),
                                       destination="Hà Nội", supervision="bail", today=TODAY)
    assert absence.supervision == "" and absence.consent_recorded_by is None


def test_military_age_declares_after_three_months(person, officer):
    with pytest.raises(ValidationFailed):
        services.absence_declare(actor=officer, person=person, kind="military_age",
                                 leaves_on=TODAY - timedelta(days=89), destination="Đà Nẵng",
                                 today=TODAY)
    services.absence_declare(actor=officer, person=person, kind="military_age",
                             leaves_on=TODAY - timedelta(days=90), destination="Đà Nẵng",
                             today=TODAY)


def test_return_closes_the_absence_and_a_new_one_may_follow(person, officer):
    absence = supervised(person, officer)
    with pytest.raises(Conflict):
        supervised(person, officer)
    services.absence_return(actor=officer, absence=absence, returned_on=TODAY, today=TODAY)
    with pytest.raises(Conflict):
        services.absence_return(actor=officer, absence=absence, today=TODAY)
    assert supervised(person, officer).pk != absence.pk


def test_remote_commune_does_not_change_the_day_limits(person, officer, ia_krai):
    from safecommune.territory.services import commune_settings_update

    commune_settings_update(actor=officer, commune=ia_krai, is_remote=True)
    with pytest.raises(ValidationFailed) as caught:
        temporary(person, officer, days=731)
    assert caught.value.rule == "max_term"
    record = temporary(person, officer, days=730)
    assert not selectors.expiring_temporary(
        user=officer, today=record.valid_until - timedelta(days=16)).exists()
    assert selectors.expiring_temporary(
        user=officer, today=record.valid_until - timedelta(days=15)).exists()
