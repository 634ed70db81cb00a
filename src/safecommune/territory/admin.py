from django.contrib import admin

from safecommune.territory.models import (
    AdministrativeUnit,
    CommuneSettings,
    Place,
    UnitBoundary,
    UnitSuccession,
    Village,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only in the admin: units and the mapping come from `safecommune territory load`;
    villages, places and settings change through the commune pages and the API, whose services
    write the audit entry."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "structure", "level", "parent")
    list_filter = ("structure", "level")
    search_fields = ("name_key", "code")
    list_select_related = ("parent",)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "successor", "is_default", "is_split")
    list_filter = ("is_split",)
    list_select_related = ("predecessor", "successor")
    search_fields = ("predecessor__name_key", "successor__name_key")


@admin.register(UnitBoundary)
class UnitBoundaryAdmin(ReadOnlyAdmin):
    list_display = ("unit", "source", "imported_at")
    list_select_related = ("unit",)


@admin.register(CommuneSettings)
class CommuneSettingsAdmin(ReadOnlyAdmin):
    list_display = ("commune", "duty_hotline", "is_remote", "public_pages_open")
    raw_id_fields = ("commune",)
    readonly_fields = ("created_by", "modified_by")


@admin.register(Village)
class VillageAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "commune", "former_unit", "archived_at")
    list_filter = ("kind",)
    raw_id_fields = ("commune", "former_unit")
    search_fields = ("name_key",)
    readonly_fields = ("created_by", "modified_by")


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "commune", "village", "archived_at")
    list_filter = ("kind",)
    raw_id_fields = ("commune", "village")
    search_fields = ("name_key",)
    readonly_fields = ("created_by", "modified_by")
