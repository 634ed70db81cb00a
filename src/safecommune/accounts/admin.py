from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safecommune.accounts import throttle
from safecommune.accounts.models import ApiToken, RoleAssignment, User
from safecommune.accounts.services import role_assign, role_revoke
from safecommune.accounts.tokens import token_create, token_revoke
from safecommune.accounts.views import TokenCreateForm, refusal_message
from safecommune.core.errors import DomainError


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in obeys the login-flood caps of the site's own sign-in page."""

    def clean(self):
        refusal = throttle.login_refusal(request=self.request,
                                         username=self.data.get("username", ""))
        if refusal is not None:
            raise forms.ValidationError(refusal_message(refusal), code=f"{refusal.value}_flood")
        return super().clean()


admin.site.login_form = AdminLoginForm


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
    actions = ["create_api_token"]

    @admin.action(description=_("Create an API token"), permissions=["change"])
    def create_api_token(self, request, queryset):
        """Ask for a name and a lifetime, then show the new token once, on this response only:
        never in a message, whose storage may be a cookie."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, gettext("Select exactly one user to create an API "
                                               "token for."), messages.WARNING)
            return None
        user = users[0]
        form = TokenCreateForm(request.POST if "confirm" in request.POST else None,
                               prefix="token")
        if form.is_bound and form.is_valid():
            try:
                issued = token_create(user=user, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return TemplateResponse(request, "admin/accounts/user/token_created.html", {
                    **self.admin_site.each_context(request), "opts": self.opts,
                    "title": gettext("New API token"), "subject": user, "issued": issued})
        return TemplateResponse(request, "admin/accounts/user/token_create.html", {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": gettext("Create an API token"), "subject": user, "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }, status=400 if form.errors else 200)


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
