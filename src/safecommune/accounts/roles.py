"""The one list of personas and roles, used by code, tests and docs alike.

A role is held on a unit of the 2025 structure and covers its subtree: a commune role covers
that commune (and its villages), a province role covers every commune of the province, the
system administrator covers everything. "Staff" are the commune officer and chief, the province
roles and the system administrator.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    TEAM_MEMBER = "team_member", _("team member")
    TEAM_LEADER = "team_leader", _("team leader")
    COMMUNE_OFFICER = "commune_officer", _("commune officer")
    COMMUNE_CHIEF = "commune_chief", _("commune chief")
    PROVINCE_VIEWER = "province_viewer", _("province viewer")
    PROVINCE_ADMIN = "province_admin", _("province admin")
    SYSTEM_ADMIN = "system_admin", _("system admin")


COMMUNE_ROLES = frozenset({Role.RESIDENT, Role.TEAM_MEMBER, Role.TEAM_LEADER,
                           Role.COMMUNE_OFFICER, Role.COMMUNE_CHIEF})
PROVINCE_ROLES = frozenset({Role.PROVINCE_VIEWER, Role.PROVINCE_ADMIN})
STAFF_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHIEF, Role.PROVINCE_VIEWER,
                         Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})
# Roles that may change a commune's records (a province viewer only reads).
EDITOR_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.COMMUNE_CHIEF, Role.PROVINCE_ADMIN,
                          Role.SYSTEM_ADMIN})
# Roles that may read a commune's restricted records.
READER_ROLES = STAFF_ROLES

# Personas for tests and docs: every role, plus the anonymous public and an officer of another
# commune than the one a record belongs to.
ANONYMOUS = "anonymous"
OTHER_COMMUNE_OFFICER = "other_commune_officer"
PERSONAS = (ANONYMOUS, *[role.value for role in Role], OTHER_COMMUNE_OFFICER)
