"""Reads on feedback: one scoping function for pages, API and exports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import filter_by_communes
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.errors import NotFound
from safecommune.outreach.models import Feedback


def feedback_visible_to(*, user) -> QuerySet[Feedback]:
    """Feedback of the communes where the user is staff; nothing for anyone else."""
    return filter_by_communes(Feedback.objects.select_related("commune", "village"), user,
                              roles=READER_ROLES)


def feedback_get_for(*, user, id: int) -> Feedback:
    """One feedback the user may see; missing and out-of-scope are the same 404."""
    feedback = feedback_visible_to(user=user).filter(pk=id).first()
    if feedback is None:
        raise NotFound(_("No feedback with this number."), field="id", rule="exists")
    return feedback
