from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from safecommune.accounts.models import ApiToken, RoleAssignment, User
from safecommune.accounts.services import role_assign, role_revoke
from safecommune.accounts.tokens import token_revoke
from safecommune.core.errors import DomainError


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "unit", "revoked_at")
    readonly_fields = ("role", "unit", "revoked_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Preferences"), {"fields": ("language",)}),)
    inlines = [RoleInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Roles are granted and revoked through the services, so each change is audited."""

    list_display = ("user", "role", "unit", "revoked_at", "created_by")
    list_filter = ("role",)
    raw_id_fields = ("user", "unit", "village")
    fields = ("user", "role", "unit")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = role_assign(actor=request.user, user=obj.user, role=obj.role, unit=obj.unit)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk

    @admin.action(description=_("Revoke the selected roles"))
    def revoke(self, request, queryset):
        for row in queryset:
            role_revoke(actor=request.user, assignment=row)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "created_by", "expires_at",
                       "last_used_at", "revoked_at")
    exclude = ("digest",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for row in queryset:
            token_revoke(token=row, actor=request.user)
