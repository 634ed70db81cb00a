"""The audit log in the admin: read only. No route adds, changes or deletes an entry."""

from django.contrib import admin

from safecommune.core.models import AuditChain, AuditEntry, AuditHeadSignature


class AuditReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditReadOnlyAdmin):
    list_display = ("created_at", "chain", "seq", "action", "actor_label", "object_type",
                    "object_id", "row_count")
    list_select_related = ("chain",)
    search_fields = ("action", "object_id", "actor_label")
    ordering = ("-created_at", "-id")
    show_full_result_count = False


@admin.register(AuditChain)
class AuditChainAdmin(AuditReadOnlyAdmin):
    list_display = ("key", "commune", "length", "head_hash")
    list_select_related = ("commune",)
    search_fields = ("key",)


@admin.register(AuditHeadSignature)
class AuditHeadSignatureAdmin(AuditReadOnlyAdmin):
    list_display = ("chain", "seq", "signed_at", "key_fingerprint")
    list_select_related = ("chain",)
