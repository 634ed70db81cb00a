"""Admin: system administrators create Open311 keys (shown once, in the confirmation message),
revoke them, and set how each category is listed publicly. Submissions are read-only."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecommune.core.errors import DomainError
from safecommune.reports.open311.keys import api_key_create, api_key_revoke
from safecommune.reports.open311.models import ApiKey, ServicePolicy, Submission
from safecommune.reports.open311.services import policy_save


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ("name", "hourly_limit")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ("name", "prefix", "hourly_limit", "created_at", "last_used_at",
                    "revoked_at")
    search_fields = ("name", "prefix")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "hourly_limit")
        return ("name", "prefix", "hourly_limit", "created_at", "created_by", "last_used_at",
                "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("name", "prefix", "hourly_limit", "created_at", "created_by", "last_used_at",
                "revoked_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            issued = api_key_create(name=obj.name, hourly_limit=obj.hourly_limit,
                                    actor=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = issued.key.pk
        self.message_user(request, _("The new api_key is %(key)s. Copy it now: it is not "
                                     "shown again.") % {"key": issued.secret},
                          messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        return self.response_post_save_add(request, obj)

    @admin.action(description=gettext_lazy("Revoke the selected Open311 keys"))
    def revoke(self, request, queryset):
        for row in queryset:
            api_key_revoke(key=row, actor=request.user)


@admin.register(ServicePolicy)
class ServicePolicyAdmin(admin.ModelAdmin):
    list_display = ("category", "listed", "show_description")
    list_filter = ("listed", "show_description")
    raw_id_fields = ("category",)
    fields = ("category", "listed", "show_description")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            policy_save(actor=request.user, policy=obj, changed=list(form.changed_data))
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("report_id", "api_key", "created_at")
    list_select_related = ("api_key",)
    raw_id_fields = ("report", "api_key")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
