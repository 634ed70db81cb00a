"""Open311 writes: a submitted service request becomes a received report through the reports
app's ``report_record`` (channel ``open311``), plus its Open311 extras, in one transaction.

Nothing about the sender's connection is kept: no address, user agent, cookie or device id.
The reporter's name, phone and e-mail go to ``ReporterIdentity`` (encrypted) through
``report_record``; with none of them, the report is anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append
from safecommune.core.errors import DomainError, full_clean_or_raise
from safecommune.receipts.services import RateLimited
from safecommune.reports.models import Channel, Report
from safecommune.reports.open311.conf import setting
from safecommune.reports.open311.models import ApiKey, ServicePolicy, Submission
from safecommune.reports.open311.selectors import bad, commune_for_jurisdiction, service_get
from safecommune.reports.services import report_record
from safecommune.reports.services.checks import clock_skew
from safecommune.territory.selectors import communes_containing, validate_point
from safecommune.territory.services import commune_settings_for

MAX_DESCRIPTION = 4000  # the spec's own limit
MAX_ADDRESS = 255
MAX_ADDRESS_ID = 100
MAX_MEDIA_URL = 2000
MAX_NAME_PART = 75
MAX_EMAIL = 254
WINDOW_SECONDS = 3600
# The reports services' field names → the Open311 parameter a client can fix.
OPEN311_FIELDS = {"reporter_name": "last_name", "reporter_phone": "phone",
                  "reporter_email": "email",
                  "place": "address_string", "occurred_at": "requested_datetime",
                  "point": "lat", "lon": "long", "category": "service_code",
                  "unit": "jurisdiction_id", "village": "address_string"}


def hourly_limit(key: ApiKey) -> int:
    return key.hourly_limit or setting("SAFECOMMUNE_OPEN311_POSTS_PER_HOUR")


def rate_limit(key: ApiKey) -> None:
    """At most the key's hourly limit of submissions in each clock hour; counted in the cache
    under the key's id (nothing about the sender)."""
    slot = int(timezone.now().timestamp()) // WINDOW_SECONDS
    name = f"open311:posts:{key.pk}:{slot}"
    if cache.add(name, 1, WINDOW_SECONDS):
        count = 1
    else:
        try:
            count = cache.incr(name)
        except ValueError:
            cache.set(name, 1, WINDOW_SECONDS)
            count = 1
    if count > hourly_limit(key):
        raise RateLimited(_("This api_key has sent too many requests this hour. Try again "
                            "later."))


def _text(params, name: str, max_length: int, *, required: bool = False) -> str:
    value = (params.get(name) or "").strip()
    if required and not value:
        raise bad(name, "required", _("%(field)s is required.") % {"field": name})
    if len(value) > max_length:
        raise bad(name, "max_length", _("%(field)s is longer than %(max)d characters.")
                  % {"field": name, "max": max_length})
    return value


def _point(params) -> tuple[float, float] | None:
    lat, lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    if not lat and not lon:
        return None
    if not lat or not lon:
        raise bad("lat" if not lat else "long", "required",
                  _("Give both lat and long, or neither."))
    try:
        point = (float(lat[:40]), float(lon[:40]))
    except ValueError:
        raise bad("lat", "number", _("lat and long are decimal degrees (WGS84), e.g. lat=14.005 "
                                     "and long=107.685.")) from None
    try:
        return validate_point(point)
    except DomainError as exc:
        raise bad("lat" if exc.field == "lat" else "long", "range", exc.message) from None


def _occurred_at(params) -> datetime | None:
    """``requested_datetime`` as the time it happened, when it is a valid time not in the
    future; anything else is ignored, as the spec makes it optional."""
    raw = (params.get("requested_datetime") or "").strip()[:40]
    try:
        value = parse_datetime(raw) if raw else None
    except (ValueError, OverflowError):
        value = None
    if value is None:
        return None
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        value.astimezone(UTC)  # storable (years 1–9999 in UTC)
    except (OverflowError, ValueError):
        return None
    return value if value <= timezone.now() + clock_skew() else None


def _media_url(params) -> str:
    url = _text(params, "media_url", MAX_MEDIA_URL)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise bad("media_url", "url", _("media_url must be an http or https URL.")) from None
    return url


@dataclass(frozen=True)
class Location:
    commune: object
    point: tuple[float, float] | None


def _locate(params, point) -> Location:
    """The commune: ``jurisdiction_id`` when given (the point, if any, must lie in it), else
    the commune containing the point."""
    if (params.get("jurisdiction_id") or "").strip():
        return Location(commune_for_jurisdiction(params["jurisdiction_id"]), point)
    if point is None:
        raise bad("lat", "required", _("Give lat and long, or a jurisdiction_id with "
                                       "address_string or address_id."))
    communes = communes_containing(point=point)
    if not communes:
        raise bad("lat", "no_commune", _("The point %(lat)s, %(long)s lies in no commune we "
                                         "serve; check lat and long, or give a "
                                         "jurisdiction_id.")
                  % {"lat": point[0], "long": point[1]})
    return Location(communes[0], point)


@transaction.atomic
def request_submit(*, key: ApiKey, params) -> Report:
    """One Open311 POST: checked field by field (a DomainError names the field), then a
    received report and its Open311 extras. ``params`` holds the form fields, with
    ``jurisdiction_id`` already taken from the query string where the body has none."""
    category = service_get(code=(params.get("service_code") or "").strip())
    description = _text(params, "description", MAX_DESCRIPTION, required=True)
    place = _text(params, "address_string", MAX_ADDRESS)
    address_id = _text(params, "address_id", MAX_ADDRESS_ID)
    point = _point(params)
    location = _locate(params, point)
    if point is None and not place and not address_id:
        raise bad("lat", "required", _("Give lat and long, address_string or address_id."))
    if not commune_settings_for(commune=location.commune).public_pages_open:
        raise bad("jurisdiction_id", "closed",
                  _("This commune does not take submissions here."))
    first = _text(params, "first_name", MAX_NAME_PART)
    last = _text(params, "last_name", MAX_NAME_PART)
    email = _text(params, "email", MAX_EMAIL)
    phone = _text(params, "phone", 20)
    media_url = _media_url(params)
    # A Vietnamese name is written family name first: last_name, then first_name.
    name = " ".join(part for part in (last, first) if part)
    try:
        report = report_record(actor=None, unit=location.commune, category=category,
                               channel=Channel.OPEN311, description=description,
                               occurred_at=_occurred_at(params), point=location.point,
                               place=place, reporter_name=name, reporter_phone=phone,
                               reporter_email=email, is_anonymous=not (name or phone or email))
    except DomainError as exc:
        field = OPEN311_FIELDS.get(exc.field or "", exc.field or "")
        raise bad(field, exc.rule, _("Field %(field)s: %(message)s")
                  % {"field": field, "message": exc.message}) from None
    Submission.objects.create(report=report, api_key=key, media_url=media_url,
                              address_id=address_id)
    audit_append(action="open311.submit", actor=None, commune=report.commune, obj=report,
                 details={"client": key.pk, "media_url": bool(media_url)})
    return report


@transaction.atomic
def policy_save(*, actor, policy: ServicePolicy, changed: list[str]) -> ServicePolicy:
    """Create or change how Open311 lists a category (admin only; audited)."""
    policy.modified_by = actor
    if policy.created_by_id is None:
        policy.created_by = actor
    full_clean_or_raise(policy)
    policy.save()
    audit_append(action="open311.policy.save", actor=actor, obj=policy,
                 details={"changed": sorted(changed), "listed": policy.listed,
                          "show_description": policy.show_description})
    return policy
