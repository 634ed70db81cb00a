"""The incident workflow: its states and the one table of allowed transitions.

received → verifying → verified | unfounded; verified → handling → resolved | forwarded;
resolved, forwarded, unfounded → closed. Anything else is refused with a 409 that names both
states (``safecommune.reports.services.incidents.incident_transition``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["OPEN_STATES", "TRANSITIONS", "IncidentStatus", "allowed_transitions"]


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    VERIFYING = "verifying", _("being verified")
    VERIFIED = "verified", _("verified")
    UNFOUNDED = "unfounded", _("unfounded")
    HANDLING = "handling", _("being handled")
    RESOLVED = "resolved", _("resolved")
    FORWARDED = "forwarded", _("forwarded to the investigating body")
    CLOSED = "closed", _("closed")


S = IncidentStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.VERIFYING,),
    S.VERIFYING: (S.VERIFIED, S.UNFOUNDED),
    S.VERIFIED: (S.HANDLING,),
    S.HANDLING: (S.RESOLVED, S.FORWARDED),
    S.RESOLVED: (S.CLOSED,),
    S.FORWARDED: (S.CLOSED,),
    S.UNFOUNDED: (S.CLOSED,),
    S.CLOSED: (),
}

# A tip still in one of these states has not been dealt with: its forward deadline runs.
OPEN_STATES = (S.RECEIVED, S.VERIFYING, S.VERIFIED, S.HANDLING)


def allowed_transitions(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
