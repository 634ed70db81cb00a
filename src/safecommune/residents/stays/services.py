"""Writes on notifications of stay. Each is one transaction with its audit entry, whose details
hold flags and field names only, never names, ID numbers or anything about the sender."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append
from safecommune.core.errors import Conflict, DomainError, ValidationFailed, full_clean_or_raise
from safecommune.receipts.services import IssuedReceipt, receipt_issue
from safecommune.residents.cccd import validate_cccd
from safecommune.residents.models import (
    Household,
    HostKind,
    Person,
    StayChannel,
    StayNotice,
    stay_rules,
)
from safecommune.territory.models import AdministrativeUnit, Level, Place, PlaceKind, Structure
from safecommune.territory.selectors import resolve_commune
from safecommune.territory.services import commune_settings_for


def _fail(field: str, rule: str, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "rule": rule, "message": message}])


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _clean_guest(*, full_name: str, birth_date: date, nationality: str, citizen_id: str,
                 passport_number: str, sex: str, arrival_at: datetime) -> dict:
    full_name = " ".join((full_name or "").split())
    nationality = (nationality or "").strip().upper()
    citizen_id = (citizen_id or "").strip()
    passport_number = (passport_number or "").strip().upper()
    if not full_name:
        raise _fail("guest_full_name", "required", _("Give the guest's full name."))
    if len(nationality) != 2 or not nationality.isascii() or not nationality.isalpha():
        raise _fail("guest_nationality", "iso3166", _("Give the nationality as a two-letter "
                                                      "country code, such as VN."))
    if birth_date is None or birth_date > timezone.localdate(arrival_at):
        raise _fail("guest_birth_date", "future",
                    _("The guest's date of birth is after the arrival."))
    if nationality == "VN":
        if not citizen_id:
            raise _fail("citizen_id", "required",
                        _("Give the Vietnamese guest's citizen ID (12 digits)."))
        citizen_id = validate_cccd(citizen_id, birth_date=birth_date, sex=sex or None)
    else:
        if citizen_id:
            raise _fail("citizen_id", "nationality",
                        _("Only Vietnamese citizens have a citizen ID; record a foreigner's "
                          "passport instead."))
        if not passport_number:
            raise _fail("guest_passport_number", "required",
                        _("Give the foreign guest's passport number."))
    return {"guest_full_name": full_name, "guest_birth_date": birth_date,
            "guest_nationality": nationality, "guest_citizen_id": citizen_id,
            "guest_passport_number": passport_number}


def _known_person(guest: dict) -> Person | None:
    if guest["guest_citizen_id"]:
        return Person.objects.filter(citizen_id=guest["guest_citizen_id"]).first()
    return Person.objects.filter(nationality=guest["guest_nationality"],
                                 passport_number=guest["guest_passport_number"]).first()


def _check_dates(*, arrival_at: datetime, departure_on: date, notified_at: datetime) -> None:
    now = timezone.now()
    if arrival_at > now:
        raise _fail("arrival_at", "future", _("The arrival is in the future; notify a stay "
                                              "once the guest has arrived."))
    if notified_at > now:
        raise _fail("notified_at", "future", _("The notification time is in the future."))
    arrival_day = timezone.localdate(arrival_at)
    if departure_on is None or departure_on < arrival_day:
        raise _fail("departure_on", "before_arrival",
                    _("The expected departure is before the arrival."))
    max_days = stay_rules()["max_days"]
    if (departure_on - arrival_day).days >= max_days:
        raise _fail("departure_on", "max_days",
                    _("A stay lasts less than %(days)d days; register a longer one as temporary "
                      "residence.") % {"days": max_days})


def _check_host(*, commune: AdministrativeUnit, host_kind: str, host_household, accommodation,
                host_address: str, is_close_relative: bool) -> None:
    if host_kind not in HostKind.values:
        raise _fail("host_kind", "choice", _("Choose a household or an accommodation "
                                             "establishment."))
    if host_kind == HostKind.ACCOMMODATION:
        if accommodation is None:
            raise _fail("accommodation", "required",
                        _("Choose the accommodation establishment."))
        if (accommodation.kind != PlaceKind.ACCOMMODATION or accommodation.archived_at
                or accommodation.commune_id != commune.pk):
            raise DomainError(_("The accommodation establishment must be one of this "
                                "commune's."), field="accommodation", rule="same_commune")
        if is_close_relative:
            raise _fail("is_close_relative", "household",
                        _("Only a household hosts close relatives."))
        return
    if host_household is not None:
        if host_household.commune_id != commune.pk:
            raise DomainError(_("The host household must be one of this commune's."),
                              field="host_household", rule="same_commune")
    elif not host_address:
        raise _fail("host_address", "required", _("Give the host's address."))


@transaction.atomic
def _stay_notify(*, actor, unit: AdministrativeUnit, commune: AdministrativeUnit, host_kind: str,
                 arrival_at: datetime, departure_on: date, guest_full_name: str,
                 guest_birth_date: date, guest_nationality: str = "VN",
                 guest_citizen_id: str = "", guest_passport_number: str = "",
                 guest_sex: str = "", host_household: Household | None = None,
                 accommodation: Place | None = None, host_name: str = "",
                 host_address: str = "", host_phone: str = "", is_close_relative: bool = False,
                 notified_at: datetime | None = None, channel: str) -> StayNotice:
    arrival_at = _aware(arrival_at)
    notified_at = _aware(notified_at) if notified_at else timezone.now()
    host_address = " ".join((host_address or "").split())
    _check_host(commune=commune, host_kind=host_kind, host_household=host_household,
                accommodation=accommodation, host_address=host_address,
                is_close_relative=is_close_relative)
    _check_dates(arrival_at=arrival_at, departure_on=departure_on, notified_at=notified_at)
    guest = _clean_guest(full_name=guest_full_name, birth_date=guest_birth_date,
                         nationality=guest_nationality, citizen_id=guest_citizen_id,
                         passport_number=guest_passport_number, sex=guest_sex,
                         arrival_at=arrival_at)
    notice = StayNotice(
        recorded_unit=unit, commune=commune, host_kind=host_kind,
        host_household=host_household if host_kind == HostKind.HOUSEHOLD else None,
        accommodation=accommodation if host_kind == HostKind.ACCOMMODATION else None,
        host_name=" ".join((host_name or "").split()), host_address=host_address,
        host_phone=(host_phone or "").strip(), guest_person=_known_person(guest),
        is_close_relative=is_close_relative, arrival_at=arrival_at, departure_on=departure_on,
        notified_at=notified_at, channel=channel, created_by=actor, modified_by=actor, **guest)
    notice.compute_keys()
    if is_close_relative and StayNotice.objects.filter(
            commune=commune, host_key=notice.host_key, guest_key=notice.guest_key,
            is_close_relative=True).exists():
        raise Conflict(_("This close relative's stay with this host was already notified; a "
                         "close relative is notified once only."), field="is_close_relative",
                       rule="close_relative_once")
    full_clean_or_raise(notice, validate_constraints=False)
    notice.save()
    audit_append(action="stay.notify", actor=actor, commune=commune, obj=notice,
                 details={"host_kind": host_kind, "channel": channel, "late": notice.is_late,
                          "foreigner": notice.is_foreigner})
    return notice


def stay_notify(*, actor, unit: AdministrativeUnit, **fields) -> StayNotice:
    """A notice recorded by staff under ``unit`` (a 2025 commune or a former one, resolved).

    Validates the guest (a Vietnamese guest's citizen ID by its structure; a foreigner's
    passport and nationality), that the host belongs to the commune and that the guest has
    arrived; ``is_late`` follows the rules in ``residents.models.stays``.
    """
    commune = resolve_commune(unit).commune
    return _stay_notify(actor=actor, unit=unit, commune=commune, channel=StayChannel.STAFF,
                        **fields)


def stay_notify_public(*, commune: AdministrativeUnit,
                       **fields) -> tuple[StayNotice, IssuedReceipt]:
    """A host's notice from the public page, without an account; returns it with its receipt.

    Nothing about the sender's connection is stored: no address, agent, cookie or account.
    """
    if commune.structure != Structure.CURRENT or commune.level != Level.COMMUNE:
        raise DomainError(_("Choose a commune of the 2025 structure."), field="commune",
                          rule="current_commune")
    if not commune_settings_for(commune=commune).public_pages_open:
        raise DomainError(_("This commune does not take submissions here."), field="commune",
                          rule="closed")
    fields.pop("notified_at", None)
    fields.pop("host_household", None)
    with transaction.atomic():
        notice = _stay_notify(actor=None, unit=commune, commune=commune,
                              channel=StayChannel.PUBLIC, **fields)
        issued = receipt_issue(kind="stay", commune=commune, submission=notice)
    return notice, issued


@transaction.atomic
def stay_depart(*, actor, notice: StayNotice, departed_at: datetime | None = None) -> StayNotice:
    """Record the guest's departure; the notice itself is kept as it was."""
    notice = StayNotice.objects.select_for_update().select_related("commune").get(pk=notice.pk)
    if notice.departed_at is not None:
        raise Conflict(_("The departure is already recorded."), field="departed_at",
                       rule="departed")
    departed_at = _aware(departed_at) if departed_at else timezone.now()
    if departed_at > timezone.now():
        raise _fail("departed_at", "future", _("The departure is in the future."))
    if departed_at < notice.arrival_at:
        raise _fail("departed_at", "before_arrival", _("The departure is before the arrival."))
    notice.departed_at = departed_at
    notice.modified_by = actor
    notice.save(update_fields=["departed_at", "modified_by", "modified_at"])
    audit_append(action="stay.depart", actor=actor, commune=notice.commune, obj=notice)
    return notice


@transaction.atomic
def stay_review(*, actor, notice: StayNotice) -> StayNotice:
    """Take a late notice off the work list once an officer has dealt with it."""
    notice = StayNotice.objects.select_for_update().select_related("commune").get(pk=notice.pk)
    if not notice.is_late:
        raise DomainError(_("Only a late notice needs a review."), field="is_late",
                          rule="not_late")
    if notice.reviewed_at is not None:
        raise Conflict(_("This late notice is already reviewed."), field="reviewed_at",
                       rule="reviewed")
    notice.reviewed_at = timezone.now()
    notice.modified_by = actor
    notice.save(update_fields=["reviewed_at", "modified_by", "modified_at"])
    audit_append(action="stay.review", actor=actor, commune=notice.commune, obj=notice)
    return notice
