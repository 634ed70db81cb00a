"""Staff browse the audit log of their jurisdiction. No route changes it."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from safecommune.accounts.jurisdiction import is_staff_user, scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.audit import audit_entries_for
from safecommune.territory.models import AdministrativeUnit


def audit_log(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_staff_user(request.user):
        raise PermissionDenied
    ids = scope_for(request.user).commune_ids(READER_ROLES)
    communes = None if ids is None else AdministrativeUnit.objects.filter(pk__in=ids)
    entries = audit_entries_for(communes=communes)
    action = request.GET.get("action", "").strip()[:64]
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action,
                                                   "national": ids is None})
