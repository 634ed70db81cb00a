"""Alerts the worker raises: tips not forwarded to the investigating body in time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from safecommune.core.audit import audit_append_bulk, iso_utc
from safecommune.reports.models import OPEN_STATES, AlertKind, Incident, IncidentAlert
from safecommune.territory.models import AdministrativeUnit


@transaction.atomic
def tip_forward_alerts_raise(*, now: datetime | None = None) -> int:
    """Raise one alert per open tip past its forward deadline; running it again adds nothing.
    Each commune's new alerts are one bulk entry in its audit chain."""
    now = now or timezone.now()
    raised = IncidentAlert.objects.filter(incident=OuterRef("pk"),
                                          kind=AlertKind.TIP_FORWARD_OVERDUE,
                                          due_at=OuterRef("forward_due_at"))
    rows = list(Incident.objects.filter(is_tip=True, forwarded_at__isnull=True,
                                        status__in=OPEN_STATES, forward_due_at__lt=now)
                .filter(~Exists(raised))
                .order_by("commune_id", "id")
                .values_list("pk", "commune_id", "forward_due_at"))
    if not rows:
        return 0
    IncidentAlert.objects.bulk_create(
        [IncidentAlert(kind=AlertKind.TIP_FORWARD_OVERDUE, incident_id=pk, commune_id=commune_id,
                       due_at=due_at, raised_at=now) for pk, commune_id, due_at in rows],
        batch_size=1000, ignore_conflicts=True)
    by_commune: dict[int, list[dict]] = defaultdict(list)
    for pk, commune_id, due_at in rows:
        by_commune[commune_id].append({"incident": pk, "due_at": iso_utc(due_at)})
    for commune in AdministrativeUnit.objects.filter(pk__in=by_commune).order_by("pk"):
        audit_append_bulk(action="incident.alert_raise", commune=commune,
                          rows=by_commune[commune.pk],
                          details={"kind": AlertKind.TIP_FORWARD_OVERDUE})
    return len(rows)
