"""Admin: system administrators edit the category vocabulary (through ``category_save``, so
every change is audited); incidents, reports and calls are read-only here."""

from django.contrib import admin, messages

from safecommune.core.errors import DomainError
from safecommune.reports.models import (
    Category,
    HotlineCall,
    Incident,
    IncidentEvent,
    IncidentOutcome,
    Report,
)
from safecommune.reports.services import category_save


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "parent", "is_public", "is_tip", "position",
                    "archived_at")
    list_filter = ("is_public", "is_tip")
    search_fields = ("code", "name_vi", "name_en")
    fields = ("code", "parent", "name_vi", "name_en", "name_sv", "name_ru", "is_public",
              "is_tip", "position", "archived_at")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            category_save(actor=request.user, category=obj, changed=list(form.changed_data))
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("id", "commune", "category", "status", "received_at")
    list_filter = ("status",)
    list_select_related = ("commune", "category")
    raw_id_fields = ("recorded_unit", "commune", "village", "category", "assignee")


@admin.register(IncidentEvent)
class IncidentEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "incident_id", "kind", "at")
    raw_id_fields = ("incident", "author", "assignee", "outcome", "report")


@admin.register(IncidentOutcome)
class IncidentOutcomeAdmin(ReadOnlyAdmin):
    list_display = ("id", "incident_id", "kind", "count")
    raw_id_fields = ("incident", "person")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "commune", "category", "channel", "received_at")
    list_select_related = ("commune", "category")
    raw_id_fields = ("recorded_unit", "commune", "village", "category", "incident")
    exclude = ("description",)


@admin.register(HotlineCall)
class HotlineCallAdmin(ReadOnlyAdmin):
    list_display = ("id", "commune", "kind", "at")
    list_select_related = ("commune",)
    raw_id_fields = ("recorded_unit", "commune", "village", "report", "incident")
