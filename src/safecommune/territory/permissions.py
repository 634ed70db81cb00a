"""Who may change a commune's territory records.

Until roles on units arrive (issue "Who may see what"), staff accounts may edit every commune.
This is the one function the pages and the API ask, so the role check lands in one place.
"""

from __future__ import annotations


def can_edit_commune(*, user, commune) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def can_see_closed_commune(*, user, commune) -> bool:
    return can_edit_commune(user=user, commune=commune)
