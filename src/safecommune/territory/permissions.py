"""Who may change a commune's territory records: its officers and chief, the province admin
and the system administrator (see safecommune.accounts.jurisdiction)."""

from __future__ import annotations

from safecommune.accounts import jurisdiction


def can_edit_commune(*, user, commune) -> bool:
    return jurisdiction.can_edit_commune(user, commune)


def can_see_closed_commune(*, user, commune) -> bool:
    return jurisdiction.can_read_commune(user, commune)
