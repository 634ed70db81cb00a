"""The residence limits, each a setting (``SAFECOMMUNE_…``) with DOMAIN.md's value as default."""

from __future__ import annotations

from django.conf import settings

from safecommune.residents.models import AbsenceKind

DEFAULTS = {
    # Law on Residence 2020: a temporary residence term is at most 2 years (renewable).
    "SAFECOMMUNE_TEMP_RESIDENCE_MAX_DAYS": 730,
    # Circular 55/2021: apply to extend at least 15 days before expiry.
    "SAFECOMMUNE_TEMP_RESIDENCE_REMINDER_DAYS": 15,
    # Everyone but supervised persons declares an absence after 12 consecutive months away…
    "SAFECOMMUNE_ABSENCE_DECLARE_AFTER_DAYS": 365,
    # …persons of military service age after 3 months.
    "SAFECOMMUNE_ABSENCE_MILITARY_AGE_DAYS": 90,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def temp_max_days() -> int:
    return limit("SAFECOMMUNE_TEMP_RESIDENCE_MAX_DAYS")


def reminder_days() -> int:
    return limit("SAFECOMMUNE_TEMP_RESIDENCE_REMINDER_DAYS")


def absence_after_days(kind: str) -> int:
    """Days away before a person of this kind declares; 0 for supervised (before leaving)."""
    if kind == AbsenceKind.SUPERVISED:
        return 0
    if kind == AbsenceKind.MILITARY_AGE:
        return limit("SAFECOMMUNE_ABSENCE_MILITARY_AGE_DAYS")
    return limit("SAFECOMMUNE_ABSENCE_DECLARE_AFTER_DAYS")
