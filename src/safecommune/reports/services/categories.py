"""Writes on the category vocabulary (system administrators, through the Django admin)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append
from safecommune.core.errors import DomainError, full_clean_or_raise
from safecommune.reports.models import Category

FIELDS = ("code", "parent", "name_vi", "name_en", "name_sv", "name_ru", "is_public", "is_tip",
          "position", "archived_at")


@transaction.atomic
def category_save(*, actor, category: Category, changed: list[str] | None = None) -> Category:
    """Create or change a category; one entry in the national audit chain. A code never
    changes once given: it is the key other records and Open311 clients use."""
    created = category.pk is None
    if not created and "code" in (changed or ()):
        raise DomainError(_("A category's code never changes; archive it and add another."),
                          field="code", rule="immutable")
    parent = category.parent
    while parent is not None:
        if parent.pk == category.pk and not created:
            raise DomainError(_("A category cannot be in its own group."), field="parent",
                              rule="cycle")
        parent = parent.parent
    category.modified_by = actor
    if created:
        category.created_by = actor
    full_clean_or_raise(category)
    category.save()
    audit_append(action="category.create" if created else "category.update", actor=actor,
                 obj=category, details={"code": category.code,
                                        "fields": sorted(set(changed or ()) & set(FIELDS))})
    return category
