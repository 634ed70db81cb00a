"""Read-only admin: residents are written through the services (and their audit) only."""

from django.contrib import admin

from safecommune.residents.models import Household, HouseholdMember, Person


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("id", "commune", "created_at")
    list_select_related = ("commune",)
    raw_id_fields = ("recorded_unit", "commune", "village", "user")


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("id", "commune", "created_at")
    list_select_related = ("commune",)
    raw_id_fields = ("recorded_unit", "commune", "village", "head")


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(ReadOnlyAdmin):
    list_display = ("id", "household_id", "relation", "joined_on", "left_on")
    raw_id_fields = ("household", "person")
