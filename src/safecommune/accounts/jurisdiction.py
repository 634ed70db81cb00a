"""Jurisdiction: which 2025 communes a user's roles cover, and for what.

Every restricted read and write asks here, directly or through an entity's
``<entity>_visible_to`` selector. A record outside the scope is treated exactly like a missing
one (404), so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from safecommune.accounts.roles import EDITOR_ROLES, READER_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True)
class Scope:
    everything: frozenset[str] = frozenset()  # roles that cover every commune
    by_commune: dict[int, frozenset[str]] = field(default_factory=dict)

    def roles_on(self, commune_id: int) -> frozenset[str]:
        return self.everything | self.by_commune.get(commune_id, frozenset())

    def commune_ids(self, roles: frozenset[str]) -> set[int] | None:
        """Communes where the user holds one of ``roles``; None means all of them."""
        if self.everything & roles:
            return None
        return {cid for cid, held in self.by_commune.items() if held & roles}

    @property
    def roles(self) -> frozenset[str]:
        held = set(self.everything)
        for roles in self.by_commune.values():
            held |= roles
        return frozenset(held)


EMPTY = Scope()


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (that is, once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_safecommune_scope", None)
    if cached is not None:
        return cached
    from safecommune.accounts.models import RoleAssignment
    from safecommune.territory.models import AdministrativeUnit, Level

    everything: set[str] = set()
    by_commune: dict[int, set[str]] = {}
    province_roles: dict[int, set[str]] = {}
    for role, unit_id, level in (RoleAssignment.objects.active().filter(user=user)
                                 .values_list("role", "unit_id", "unit__level")):
        if role == Role.SYSTEM_ADMIN:
            everything.add(role)
        elif level == Level.PROVINCE:
            province_roles.setdefault(unit_id, set()).add(role)
        elif unit_id is not None:
            by_commune.setdefault(unit_id, set()).add(role)
    if province_roles:
        for commune_id, province_id in AdministrativeUnit.objects.filter(
                province_id__in=province_roles, level=Level.COMMUNE).values_list("id",
                                                                                 "province_id"):
            by_commune.setdefault(commune_id, set()).update(province_roles[province_id])
    scope = Scope(frozenset(everything),
                  {cid: frozenset(roles) for cid, roles in by_commune.items()})
    user._safecommune_scope = scope
    return scope


def forget_scope(user) -> None:
    for attribute in ("_safecommune_scope", "_safecommune_is_staff"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def has_role(user, roles: frozenset[str], commune=None) -> bool:
    scope = scope_for(user)
    if commune is None:
        return bool(scope.roles & roles)
    return bool(scope.roles_on(commune.pk if hasattr(commune, "pk") else commune) & roles)


def is_staff_user(user) -> bool:
    """Whether the user holds any staff role; one cheap query, not the whole scope (asked on
    every request by the second-factor check)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_safecommune_scope", None)
    if cached is not None:
        return bool(cached.roles & STAFF_ROLES)
    flag = getattr(user, "_safecommune_is_staff", None)
    if flag is None:
        from safecommune.accounts.models import RoleAssignment

        flag = RoleAssignment.objects.active().filter(user=user,
                                                      role__in=STAFF_ROLES).exists()
        user._safecommune_is_staff = flag
    return flag


def can_read_commune(user, commune) -> bool:
    return has_role(user, READER_ROLES, commune)


def can_edit_commune(user, commune) -> bool:
    return has_role(user, EDITOR_ROLES, commune)


def filter_by_communes(queryset: QuerySet, user, *, roles: frozenset[str] = READER_ROLES,
                       field: str = "commune") -> QuerySet:
    """Restrict a queryset to rows whose ``field`` is a commune the user holds ``roles`` on."""
    ids = scope_for(user).commune_ids(roles)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})
