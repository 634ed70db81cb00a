"""API schemas of incidents, reports and hotline calls (the router is api/reports.py).

Reporters' and callers' names and phones are never in an API answer: only whether the record
names someone (``named``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from safecommune.reports.models import allowed_transitions
from safecommune.territory.models import Structure

UNIT_HELP = ("Code of the unit recorded under: a 2025 commune, or a former commune with "
             "structure=legacy.")


class CategoryOut(Schema):
    code: str
    name: str = Field(..., description="In the request's language.")
    names: dict[str, str]
    parent: str | None
    is_public: bool
    is_tip: bool
    position: int
    archived: bool

    @staticmethod
    def resolve_names(obj) -> dict[str, str]:
        return {"vi": obj.name_vi, "en": obj.name_en or obj.name_vi,
                "sv": obj.name_sv or obj.name_vi, "ru": obj.name_ru or obj.name_vi}

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_archived(obj) -> bool:
        return obj.archived_at is not None


class _Located(Schema):
    commune: str = Field(..., alias="commune.code")
    recorded_unit: str = Field(..., alias="recorded_unit.code")
    village_id: int | None
    latitude: float | None
    longitude: float | None
    place: str
    category: str = Field(..., alias="category.code")


class IncidentOut(_Located):
    id: int
    occurred_at: datetime
    received_at: datetime
    channel: str
    summary: str
    description: str
    status: str
    status_changed_at: datetime
    assignee_id: int | None
    is_tip: bool
    forward_due_at: datetime | None
    forwarded_to: str
    forwarded_at: datetime | None
    overdue: bool = Field(False, description="An open tip past its forward deadline.")
    alert_open: bool = Field(False, description="The worker raised an overdue alert.")

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_forward_overdue(timezone.now())

    @staticmethod
    def resolve_alert_open(obj) -> bool:
        if hasattr(obj, "alert_open"):
            return bool(obj.alert_open)
        return obj.alerts.filter(cleared_at__isnull=True).exists()


class EventOut(Schema):
    kind: str
    at: datetime
    author_id: int | None
    text: str
    from_status: str
    to_status: str
    assignee_id: int | None
    outcome_id: int | None
    report_id: int | None


class OutcomeOut(Schema):
    id: int
    kind: str
    person_id: int | None
    person_name: str
    involvement: str
    count: int
    amount_vnd: int | None
    measure: str
    item_kind: str
    quantity: Decimal | None
    quantity_unit: str
    note: str
    created_at: datetime


class DuplicateOut(Schema):
    id: int
    summary: str
    status: str
    occurred_at: datetime
    distance_m: int


class ReportOut(_Located):
    id: int
    occurred_at: datetime | None
    received_at: datetime
    channel: str
    description: str
    is_anonymous: bool
    named: bool = Field(False, description="A reporter's identity is on record (kept apart).")
    incident_id: int | None
    linked_at: datetime | None
    duplicates: list[DuplicateOut] = Field(
        [], description="Incidents of the same category within 250 m and 48 hours.")

    @staticmethod
    def resolve_named(obj) -> bool:
        # Annotated by the selectors (report_named): the identity itself is never loaded.
        named = getattr(obj, "named", None)
        if named is None:
            from safecommune.reports.models import ReporterIdentity

            named = ReporterIdentity.objects.filter(report=obj).exists()
        return bool(named)


class IncidentDetailOut(IncidentOut):
    allowed_transitions: list[str]
    timeline: list[EventOut]
    outcomes: list[OutcomeOut]
    report_ids: list[int]

    @staticmethod
    def resolve_allowed_transitions(obj) -> list[str]:
        return list(allowed_transitions(obj.status))

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.events.order_by("at", "id"))

    @staticmethod
    def resolve_outcomes(obj):
        return list(obj.outcomes.order_by("created_at", "id"))

    @staticmethod
    def resolve_report_ids(obj) -> list[int]:
        return list(obj.reports.order_by("received_at", "id").values_list("id", flat=True))


class CallOut(Schema):
    id: int
    commune: str = Field(..., alias="commune.code")
    recorded_unit: str = Field(..., alias="recorded_unit.code")
    village_id: int | None
    at: datetime
    kind: str
    summary: str
    answer: str
    is_anonymous: bool
    named: bool = False
    report_id: int | None
    incident_id: int | None

    @staticmethod
    def resolve_named(obj) -> bool:
        named = getattr(obj, "named", None)
        if named is None:
            from safecommune.reports.models import ReporterIdentity

            named = ReporterIdentity.objects.filter(call=obj).exists()
        return bool(named)


class _PointIn(Schema):
    village_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    place: str = Field("", max_length=255)


class _UnitIn(Schema):
    unit: str = Field(..., max_length=8, description=UNIT_HELP)
    structure: Structure = Structure.CURRENT


class _ReporterIn(Schema):
    reporter_name: str = Field("", max_length=150)
    reporter_phone: str = Field("", max_length=20)
    is_anonymous: bool = False


class IncidentIn(_UnitIn, _PointIn, _ReporterIn):
    category: str = Field(..., max_length=40, description="A category code.")
    occurred_at: datetime
    received_at: datetime | None = Field(None, description="Now if empty.")
    channel: str = Field(..., max_length=16)
    summary: str = Field(..., max_length=200)
    description: str = Field("", max_length=20000)
    is_tip: bool | None = Field(None, description="Empty: as the category says.")
    assignee_id: int | None = None


class ReportIn(_UnitIn, _PointIn, _ReporterIn):
    category: str = Field(..., max_length=40)
    channel: str = Field(..., max_length=16)
    description: str = Field(..., max_length=20000)
    occurred_at: datetime | None = None
    received_at: datetime | None = None
    incident_id: int | None = Field(None, description="Link to this incident at once.")


class TransitionIn(Schema):
    to_status: str = Field(..., max_length=16)
    note: str = Field("", max_length=5000)
    forwarded_to: str = Field("", max_length=255)


class AssignIn(Schema):
    assignee_id: int | None = Field(None, description="Empty: nobody.")


class NoteIn(Schema):
    text: str = Field(..., max_length=5000)


class OutcomeIn(Schema):
    kind: str = Field(..., max_length=16)
    person_id: int | None = None
    person_name: str = Field("", max_length=150)
    involvement: str = Field("", max_length=10)
    count: int = Field(1, ge=1, le=100000)
    amount_vnd: int | None = Field(None, ge=1, le=10**15)
    measure: str = Field("", max_length=28)
    item_kind: str = Field("", max_length=150)
    quantity: Decimal | None = Field(None, max_digits=14, decimal_places=3)
    quantity_unit: str = Field("", max_length=30)
    note: str = Field("", max_length=500)


class LinkIn(Schema):
    incident_id: int


class OpenIncidentIn(Schema):
    summary: str = Field("", max_length=200)
    is_tip: bool | None = None
    assignee_id: int | None = None


class CallIn(_UnitIn):
    kind: str = Field(..., max_length=16)
    summary: str = Field(..., max_length=500)
    answer: str = Field("", max_length=5000)
    at: datetime | None = Field(None, description="Now if empty.")
    caller_name: str = Field("", max_length=150)
    caller_phone: str = Field("", max_length=20)
    is_anonymous: bool = False
    village_id: int | None = None


class CallToIncidentIn(_PointIn):
    category: str = Field(..., max_length=40)
    summary: str = Field("", max_length=200)
    occurred_at: datetime | None = None
    assignee_id: int | None = None

