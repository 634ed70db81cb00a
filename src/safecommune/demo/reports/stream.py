"""One commune's demo records, built in memory as unsaved rows: hotline calls, reports and
incidents with their whole timeline (recorded, assigned, verified, handled, resolved or
forwarded, closed), notes and outcomes, each step at a plausible time.

An incident's life is planned to its end and then cut at the demo's "today": old incidents are
closed, recent ones are still being verified or handled, and some recent tips were never
forwarded, so the list shows tips due and overdue as on a real station's screen. Points lie
near their village and inside the commune by the rule the reports services apply
(``reports.services.checks.check_point``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from safecommune.core.errors import DomainError
from safecommune.core.text import fold
from safecommune.demo.reports import texts
from safecommune.demo.reports.outcomes import outcomes_for
from safecommune.reports.models import (
    Category,
    EventKind,
    HotlineCall,
    Incident,
    IncidentEvent,
    IncidentOutcome,
    IncidentStatus,
    Report,
    tip_forward_due,
    tip_forward_hours,
)
from safecommune.reports.services.checks import check_point

S = IncidentStatus
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
# Calls and reports by hour of the day (local time): few at night, most in working hours.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 6, 7, 8, 8, 8, 7, 7, 6, 5, 4, 2, 1]
METRES_PER_DEGREE = math.pi * 6371008.8 / 180


@dataclass
class Rows:
    """The unsaved rows of one commune, in the order they are written."""

    incidents: list[Incident] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    calls: list[HotlineCall] = field(default_factory=list)
    outcomes: list[IncidentOutcome] = field(default_factory=list)
    events: list[IncidentEvent] = field(default_factory=list)


@dataclass
class Life:
    """How an incident's life goes, decided before its times are drawn."""

    unfounded: bool = False
    forward: bool = False
    stall_after: int | None = None  # stop after this many status steps (still open)
    outcomes: list[dict] | None = None  # None: by its category's recipe
    outcomes_after_forward: bool = False
    forwarded_to: str = ""
    notes: list[str] = field(default_factory=list)


class CommuneStream:
    def __init__(self, *, commune, rng: random.Random, names, mix: dict[str, float],
                 officer, chief, villages: list, categories: dict[str, Category],
                 people: list[int], until: datetime, remote: bool):
        self.commune = commune
        self.rng = rng
        self.names = names
        self.mix = mix
        self.recorder = officer or chief
        self.chief = chief
        self.villages = villages
        self.categories = categories
        self.people = people
        self.until = until
        self.remote = remote
        self.rows = Rows()
        province = commune.province.name if commune.province_id else ""
        self.investigators = f"Cơ quan Cảnh sát điều tra Công an {province}".strip()

    # --- Chance ---------------------------------------------------------------------------

    def between(self, start: datetime, end: datetime) -> datetime:
        """A time in [start, end), its local hour drawn by HOUR_WEIGHTS."""
        days = max(0, (end - start).days)
        for _attempt in range(20):
            day = timezone.localtime(start).date() + timedelta(days=self.rng.randint(0, days))
            hour = self.rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moment = timezone.make_aware(datetime(day.year, day.month, day.day, hour,
                                                  self.rng.randrange(60)))
            if start <= moment < end:
                return moment
        return start + (end - start) * self.rng.random()

    def span(self, low: timedelta, high: timedelta) -> timedelta:
        return low + (high - low) * self.rng.random()

    def village(self, share: float = 0.8, villages: list | None = None):
        pool = villages if villages is not None else self.villages
        if not pool or self.rng.random() >= share:
            return None
        return self.rng.choice(pool)

    def point(self, village, share: float = 0.8, near: tuple[float, float] | None = None,
              metres: float = 350.0) -> tuple[float, float] | None:
        """A point near ``near``, else the village, else the commune's centre, inside the
        commune; None for the share recorded without one."""
        if near is None and self.rng.random() >= share:
            return None
        centre = near or self.commune.point
        if near is None and village is not None and village.latitude is not None:
            centre = (village.latitude, village.longitude)
        if centre is None:
            return None
        for _attempt in range(10):
            north, east = self.rng.gauss(0, metres), self.rng.gauss(0, metres)
            lat = centre[0] + north / METRES_PER_DEGREE
            lon = centre[1] + east / (METRES_PER_DEGREE * math.cos(math.radians(centre[0])))
            candidate = (round(lat, 6), round(lon, 6))
            try:
                check_point(self.commune, candidate)
            except DomainError:
                continue
            return candidate
        return None

    def person(self) -> dict:
        """A resident of the commune (a third of the time, when there are any) or a name."""
        if self.people and self.rng.random() < 0.35:
            return {"person_id": self.rng.choice(self.people)}
        ethnicity = self.names.ethnicity_for(mix=self.mix)
        sex = "male" if self.rng.random() < 0.8 else "female"
        return {"person_name": self.names.person(ethnicity=ethnicity, sex=sex).full_name}

    def category(self, *, tip: bool | None = None, public: bool = False) -> Category:
        weights = dict(texts.GENERIC_WEIGHTS)
        weights.update(texts.WEIGHTS_BY_COMMUNE.get(self.commune.code, {}))
        pool = [(code, weight) for code, weight in weights.items()
                if code in self.categories
                and (tip is None or self.categories[code].is_tip == tip)
                and (not public or self.categories[code].is_public)]
        codes, chances = zip(*pool, strict=True)
        return self.categories[self.rng.choices(codes, weights=chances)[0]]

    def summary(self, category: Category) -> str:
        local = texts.LOCAL_SUMMARIES.get(self.commune.code, {}).get(category.code, [])
        return self.rng.choice(texts.SUMMARIES.get(category.code, ["Sự việc khác"]) + local)

    def place(self, village) -> str:
        template = self.rng.choice(texts.PLACES)
        if not template or village is None:
            return ""
        return template.format(village=village.name)

    def staff(self, chief_share: float = 0.25):
        if self.chief is not None and self.rng.random() < chief_share:
            return self.chief
        return self.recorder

    # --- Incidents ------------------------------------------------------------------------

    def incident(self, *, unit, category: Category, summary: str, channel: str,
                 received: datetime, recorded: datetime, occurred: datetime | None = None,
                 village=None, point=None, place: str = "", description: str = "",
                 is_tip: bool | None = None, life: Life | None = None) -> Incident | None:
        """An incident recorded at ``recorded`` (received at ``received``) and its life up to
        the demo's today; None when it would be recorded after today."""
        if recorded > self.until:
            return None
        is_tip = category.is_tip if is_tip is None else is_tip
        occurred = occurred or received - self.span(10 * MINUTE, 6 * HOUR)
        point = point or (None, None)
        recorder = self.staff(0.2)
        incident = Incident(
            recorded_unit=unit, commune=self.commune, village=village, latitude=point[0],
            longitude=point[1], place=place, category=category, occurred_at=occurred,
            received_at=received, channel=channel, summary=summary[:200],
            description=description, status=S.RECEIVED, status_changed_at=recorded,
            is_tip=is_tip, created_by=recorder, modified_by=recorder,
            forward_due_at=tip_forward_due(received_at=received, is_remote=self.remote)
            if is_tip else None)
        incident.search_key = fold(f"{incident.summary} {place} {description}")
        self.rows.incidents.append(incident)
        self.event(incident, EventKind.CREATED, recorded, recorder, to_status=S.RECEIVED)
        self.live(incident, recorded, life or self.life_for(incident, received))
        return incident

    def life_for(self, incident: Incident, received: datetime) -> Life:
        rng = self.rng
        life = Life(unfounded=rng.random() < (0.12 if incident.is_tip else 0.06))
        life.forward = incident.is_tip and not life.unfounded and rng.random() < 0.75
        life.forwarded_to = self.investigators
        age = self.until - received
        if incident.is_tip and age < 21 * DAY and rng.random() < 0.35:
            life.stall_after = rng.choice((0, 1))  # never verified or forwarded: due/overdue
        elif age < 60 * DAY and rng.random() < 0.15:
            life.stall_after = 3  # still being handled (a long mediation, a pending check)
        return life

    def event(self, incident: Incident, kind: str, at: datetime, author, **fields) -> None:
        if at <= self.until:
            self.rows.events.append(IncidentEvent(incident=incident, kind=kind, at=at,
                                                  author=author, **fields))

    def _steps(self, incident: Incident, recorded: datetime, life: Life):
        """(status, time, note) of the whole planned life."""
        span = self.span
        if incident.is_tip:
            deadline = HOUR * tip_forward_hours(is_remote=self.remote)
            late = self.rng.random() < 0.1
            end = incident.received_at + (deadline + span(HOUR, 20 * HOUR) if late
                                          else span(2 * HOUR, deadline * 0.9))
            end = max(end, recorded + span(HOUR, 3 * HOUR))
            verifying = recorded + (end - recorded) * self.rng.uniform(0.05, 0.2)
            verified = recorded + (end - recorded) * self.rng.uniform(0.3, 0.5)
            handling = verified + (end - verified) * self.rng.uniform(0.1, 0.3)
        else:
            verifying = recorded + span(15 * MINUTE, 20 * HOUR)
            verified = verifying + span(2 * HOUR, 3 * DAY)
            handling = verified + span(10 * MINUTE, DAY)
            long = incident.category.code in ("land_dispute", "water_dispute")
            end = handling + (span(DAY, 25 * DAY) if long else span(2 * HOUR, 10 * DAY))
        rng = self.rng
        if life.unfounded:
            return [(S.VERIFYING, verifying, ""),
                    (S.UNFOUNDED, verified, rng.choice(texts.UNFOUNDED_NOTES)),
                    (S.CLOSED, verified + span(DAY, 10 * DAY), texts.CLOSED_NOTE)]
        if life.forward:
            final = (S.FORWARDED, end, texts.FORWARD_NOTE)
        else:
            mediated = incident.category.code in ("land_dispute", "water_dispute")
            final = (S.RESOLVED, end, texts.MEDIATED_NOTE if mediated
                     else rng.choice(texts.RESOLVED_NOTES))
        closing = end + span(DAY, 25 * DAY)
        if life.outcomes_after_forward:
            closing = end + span(20 * DAY, 50 * DAY)
        return [(S.VERIFYING, verifying, ""), (S.VERIFIED, verified,
                                               rng.choice(texts.VERIFIED_NOTES)),
                (S.HANDLING, handling, ""), final, (S.CLOSED, closing, texts.CLOSED_NOTE)]

    def live(self, incident: Incident, recorded: datetime, life: Life) -> None:
        steps = self._steps(incident, recorded, life)
        if life.stall_after is not None:
            steps = steps[:life.stall_after]
        assignee = self.staff(0.3)
        assigned = recorded + self.span(5 * MINUTE, 3 * HOUR)
        if steps:  # assigned before the first step is taken
            assigned = min(assigned, recorded + (steps[0][1] - recorded) / 2)
        if assignee is not None and assigned <= self.until:
            incident.assignee = assignee
            self.event(incident, EventKind.ASSIGNMENT, assigned, self.chief or assignee,
                       assignee=assignee)
        actor = incident.assignee or incident.created_by
        status = S.RECEIVED
        for index, (to_status, at, note) in enumerate(steps):
            if at > self.until:
                break
            self.event(incident, EventKind.STATUS, at, actor, from_status=status,
                       to_status=to_status, text=note)
            if to_status == S.HANDLING:
                for offset, text in enumerate(life.notes or self.rng.sample(
                        texts.HANDLING_NOTES, self.rng.randint(0, 2)), 1):
                    nxt = steps[index + 1][1] if index + 1 < len(steps) else at + DAY
                    self.event(incident, EventKind.NOTE, at + (nxt - at) * offset / 4, actor,
                               text=text)
            if to_status == S.FORWARDED:
                incident.forwarded_to, incident.forwarded_at = life.forwarded_to, at
            status = to_status
            incident.status, incident.status_changed_at = to_status, at
            incident.modified_by = actor
        self._outcomes(incident, steps, life, actor)

    def _outcomes(self, incident: Incident, steps, life: Life, actor) -> None:
        """The outcomes recorded while handling (or, for a referral the district decided,
        after forwarding) up to today; none for an unfounded or a stalled incident."""
        if life.unfounded:
            return
        times = {status: at for status, at, _note in steps}
        if S.HANDLING not in times or S.RESOLVED not in times and S.FORWARDED not in times:
            return
        start = times[S.HANDLING]
        end = times.get(S.RESOLVED) or times[S.FORWARDED]
        if life.outcomes_after_forward:
            start, end = end, times.get(S.CLOSED, end + 30 * DAY)
        rows = life.outcomes if life.outcomes is not None else outcomes_for(
            incident.category.code, self.rng, self.person)
        for position, fields in enumerate(rows, 1):
            at = start + (end - start) * position / (len(rows) + 1)
            if at > self.until:
                return
            outcome = IncidentOutcome(incident=incident, created_by=actor, modified_by=actor,
                                      **fields)
            self.rows.outcomes.append(outcome)
            self.event(incident, EventKind.OUTCOME, at, actor, outcome=outcome)

    # --- Intake ---------------------------------------------------------------------------

    def report(self, *, unit, category: Category, channel: str, received: datetime,
               description: str, village=None, point=None, place: str = "",
               anonymous: bool = False, occurred: datetime | None = None) -> Report:
        point = point or (None, None)
        report = Report(recorded_unit=unit, commune=self.commune, village=village,
                        latitude=point[0], longitude=point[1], place=place, category=category,
                        occurred_at=occurred, received_at=received, channel=channel,
                        description=description, is_anonymous=anonymous,
                        created_by=self.recorder, modified_by=self.recorder)
        report.search_key = fold(f"{place} {description}")
        self.rows.reports.append(report)
        return report

    def link(self, report: Report, incident: Incident, at: datetime) -> None:
        if at > self.until:
            return
        report.incident, report.linked_at = incident, at
        self.event(incident, EventKind.REPORT, at, self.recorder, report=report)

    def call(self, *, unit, kind: str, at: datetime, summary: str, answer: str = "",
             anonymous: bool = False, village=None) -> HotlineCall:
        call = HotlineCall(recorded_unit=unit, commune=self.commune, village=village, at=at,
                           kind=kind, summary=summary[:500], answer=answer,
                           is_anonymous=anonymous, created_by=self.recorder,
                           modified_by=self.recorder)
        self.rows.calls.append(call)
        return call

    def call_to_incident(self, call: HotlineCall, *, category: Category, point=None,
                         life: Life | None = None, description: str = "") -> Incident | None:
        """What ``hotline_call_to_incident`` does: a report of the call and a new incident
        linked to it (a tip call makes a tip whatever the category)."""
        recorded = call.at + self.span(2 * MINUTE, 25 * MINUTE)
        if recorded > self.until:
            return None
        occurred = call.at - self.span(5 * MINUTE, 12 * HOUR)
        report = self.report(unit=call.recorded_unit, category=category, channel="hotline",
                             received=call.at, description=call.summary, village=call.village,
                             point=point, anonymous=call.is_anonymous, occurred=occurred)
        incident = self.incident(
            unit=call.recorded_unit, category=category, summary=call.summary,
            channel="hotline", received=call.at, recorded=recorded, occurred=occurred,
            village=call.village, point=point, description=description or call.summary,
            is_tip=True if call.kind == "tip" else None, life=life)
        self.link(report, incident, recorded)
        call.report, call.incident = report, incident
        return incident
