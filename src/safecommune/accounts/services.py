"""Writes on accounts: language, roles. Each writes its audit entry in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import forget_scope
from safecommune.accounts.models import RoleAssignment
from safecommune.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from safecommune.core.audit import audit_append
from safecommune.core.errors import DomainError

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def language_validate(*, code: str) -> str:
    if code not in LANGUAGE_CODES:
        raise DomainError(
            _("Unknown language code “%(code)s”; choose one of: %(codes)s.")
            % {"code": code, "codes": ", ".join(sorted(LANGUAGE_CODES))},
            field="language", rule="choice",
        )
    return code


def user_set_language(*, user, code: str) -> None:
    language_validate(code=code)
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])


def _chain_commune(unit):
    """Role changes on a commune go to its chain; the rest to the national chain."""
    from safecommune.territory.models import Level

    return unit if unit is not None and unit.level == Level.COMMUNE else None


@transaction.atomic
def role_assign(*, actor=None, user, role: str, unit=None) -> RoleAssignment:
    from safecommune.territory.models import Level, Structure

    if role not in Role.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": role}, field="role",
                          rule="choice")
    if role == Role.SYSTEM_ADMIN:
        if unit is not None:
            raise DomainError(_("The system administrator role is not held on a unit."),
                              field="unit", rule="none")
    else:
        wanted = Level.COMMUNE if role in COMMUNE_ROLES else Level.PROVINCE
        if unit is None or unit.structure != Structure.CURRENT or unit.level != wanted:
            raise DomainError(_("This role is held on a %(level)s of the 2025 structure.")
                              % {"level": Level(wanted).label}, field="unit", rule="level")
    assert role in COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN}
    existing = RoleAssignment.objects.active().filter(user=user, role=role, unit=unit).first()
    if existing is not None:
        return existing
    row = RoleAssignment.objects.create(user=user, role=role, unit=unit, created_by=actor,
                                        modified_by=actor)
    audit_append(action="role.assign", actor=actor, commune=_chain_commune(unit), obj=row,
                 details={"user_id": user.pk, "role": role,
                          "unit": unit.code if unit is not None else None})
    forget_scope(user)
    return row


@transaction.atomic
def role_revoke(*, actor=None, assignment: RoleAssignment) -> RoleAssignment:
    if assignment.revoked_at is None:
        assignment.revoked_at = timezone.now()
        assignment.modified_by = actor
        assignment.save(update_fields=["revoked_at", "modified_by", "modified_at"])
        audit_append(action="role.revoke", actor=actor, commune=_chain_commune(assignment.unit),
                     obj=assignment, details={"user_id": assignment.user_id,
                                              "role": assignment.role})
        forget_scope(assignment.user)
    return assignment
