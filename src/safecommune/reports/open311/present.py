"""The public shape of services and service requests: what each Open311 field holds, with the
coarsening and withholding rules of docs/decisions/0019-open311.md in one place."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.reports.models import Category, IncidentStatus, Report
from safecommune.reports.open311.selectors import DEFAULT_POLICY, is_open

# Coordinates are snapped to the nearest point of a 0.001° grid (half away from zero):
# 0.001° of latitude is 111 m, of longitude 105–111 m at Vietnam's latitudes (8–23° N).
GRID = Decimal("0.001")
# Phone numbers (7+ digits, with spaces, dots or dashes between) and e-mail addresses.
_PHONE = re.compile(r"\+?\d(?:[\s.\-()]*\d){6,}")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
MASK = "[…]"


def coarse(value: float) -> float:
    return float(Decimal(repr(value)).quantize(GRID, rounding=ROUND_HALF_UP))


def w3c(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def masked(text: str) -> str:
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, text))


def agency(commune) -> str:
    return _("Police of %(commune)s") % {"commune": commune.name}


def _policy(category: Category):
    policy = getattr(category, "policy", None)
    if policy is None:
        policy = getattr(category, "open311_policy", None) or DEFAULT_POLICY
    return policy


def service_description(category: Category) -> str:
    """What happens to a report in this category, so the reporter knows before sending."""
    policy = _policy(category)
    if not policy.listed:
        return _("Seen by the commune police only; never listed publicly.")
    if policy.show_description:
        return _("Listed publicly with the description of anonymous reports, without the "
                 "reporter's details, the place rounded to about 100 m.")
    return _("Listed publicly without the description or the reporter's details, the place "
             "rounded to about 100 m.")


def service(category: Category) -> dict:
    group = category.parent or category
    keywords = [category.parent.code, category.code] if category.parent else [category.code]
    return {"service_code": category.code, "service_name": category.name,
            "description": service_description(category), "metadata": False,
            "type": "realtime", "keywords": ",".join(keywords), "group": group.name}


def service_definition(category: Category) -> dict:
    return {"service_code": category.code, "attributes": []}


def _status_notes(report: Report) -> str:
    if report.incident is None:
        return str(IncidentStatus.RECEIVED.label)
    return report.incident.get_status_display()


def _updated(report: Report) -> datetime:
    if report.incident is not None and report.incident.status_changed_at > report.modified_at:
        return report.incident.status_changed_at
    return report.modified_at


def service_request(report: Report) -> dict:
    """One report as the public may see it: no reporter, coarse place, no media URL, the
    description only where the category's policy allows it and the report is anonymous."""
    commune = report.commune
    address = f"{report.village.name}, {commune.name}" if report.village else commune.name
    item = {"service_request_id": str(report.pk),
            "status": "open" if is_open(report) else "closed",
            "status_notes": _status_notes(report),
            "service_name": report.category.name,
            "service_code": report.category.code}
    if _policy(report.category).show_description and not report.named:
        item["description"] = masked(report.description)
    item.update({"agency_responsible": agency(commune), "service_notice": "",
                 "requested_datetime": w3c(report.received_at),
                 "updated_datetime": w3c(_updated(report)), "address": address})
    if report.point is not None:
        item["lat"], item["long"] = coarse(report.latitude), coarse(report.longitude)
    return item


def created(report: Report) -> dict:
    return {"service_request_id": str(report.pk),
            "service_notice": _("Received by %(agency)s. Follow it with this "
                                "service_request_id.") % {"agency": agency(report.commune)},
            "account_id": None}
