"""Sign-in, sign-out, password change, the staff second factor, and the lockout answer."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp import login as otp_login

from safecommune.accounts import throttle, twofactor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Checked before the password, so a refused attempt costs no hashing and writes nothing.
        refusal = throttle.login_refusal(request=request,
                                         username=request.POST.get("username", ""))
        if refusal is not None:
            return locked_out(request, refusal=refusal)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)

    def get_success_url(self):
        return "/"


def refusal_message(refusal: throttle.Refusal) -> str:
    minutes = max(1, -(-settings.SAFECOMMUNE_LOGIN_FLOOD_SECONDS // 60))
    if refusal is throttle.Refusal.USERNAME:
        return ngettext(
            "This account had too many failed sign-in attempts from many places. To protect "
            "it, every sign-in to it is refused for up to %(minutes)d minute, even with the "
            "right password. Wait, then try again.",
            "This account had too many failed sign-in attempts from many places. To protect "
            "it, every sign-in to it is refused for up to %(minutes)d minutes, even with the "
            "right password. Wait, then try again.", minutes) % {"minutes": minutes}
    return ngettext(
        "Too many failed sign-in attempts from your connection. Sign-ins from it are refused "
        "for up to %(minutes)d minute. Wait, then try again.",
        "Too many failed sign-in attempts from your connection. Sign-ins from it are refused "
        "for up to %(minutes)d minutes. Wait, then try again.", minutes) % {"minutes": minutes}


def locked_out(request, credentials=None, *args, refusal: throttle.Refusal | None = None,
               **kwargs):
    """The 429 answer to axes' lockout and to the wider caps of ``throttle``."""
    if refusal is None:
        rule = "locked_out"
        minutes = max(1, -(-int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60))
        message = ngettext("Too many failed sign-in attempts. Wait %(minutes)d minute, then "
                           "try again.", "Too many failed sign-in attempts. Wait %(minutes)d "
                           "minutes, then try again.", minutes) % {"minutes": minutes}
    else:
        rule = f"{refusal.value}_flood"
        message = refusal_message(refusal)
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": [{"field": "username", "rule": rule,
                                         "message": message}]}, status=429)
    return render(request, "core/error.html", {"status": 429, "message": message}, status=429)


class TokenForm(forms.Form):
    token = forms.RegexField(label=gettext_lazy("Six-digit code"), regex=r"^\s*\d{6}\s*$",
                             error_messages={"invalid": gettext_lazy("Enter the six digits "
                                                                     "your app shows.")},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                           "inputmode": "numeric"}))


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@login_required
def two_factor(request):
    """Verify the staff member's TOTP code; enrol a device first if they have none."""
    user = request.user
    if not twofactor.requires_second_factor(user) or user.is_verified():
        return redirect(_safe_next(request))
    device = twofactor.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = twofactor.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes in a row. Wait a little, then "
                                      "enter the newest code."))
        elif device.verify_token(form.cleaned_data["token"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("This code is not valid. Check the time on your phone "
                                  "and try the newest code."))
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        context.update(secret=twofactor.device_secret(device),
                       qr_svg=twofactor.device_qr_svg(device))
    return render(request, "accounts/two_factor.html", context,
                  status=400 if form.is_bound and form.errors else 200)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100,
                           help_text=gettext_lazy("Where the token is used, e.g. “district "
                                                  "reporting script”."))
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=366,
                              initial=90)


def _may_create_tokens(request) -> bool:
    return (not settings.SAFECOMMUNE_STAFF_2FA) or request.user.is_verified()


@login_required
def tokens(request):
    """The user's API tokens: create (in a two-factor session), list with last use, revoke."""
    from django.shortcuts import get_object_or_404

    from safecommune.accounts.models import ApiToken
    from safecommune.accounts.tokens import token_create, token_revoke
    from safecommune.core.errors import DomainError

    form = TokenCreateForm(request.POST if request.POST.get("action") == "create" else None)
    issued = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        row = get_object_or_404(ApiToken, pk=request.POST.get("token"), user=request.user)
        token_revoke(token=row, actor=request.user)
        messages.success(request, _("The token was revoked."))
        return redirect("tokens")
    if request.method == "POST" and form.is_bound:
        if not _may_create_tokens(request):
            form.add_error(None, _("Sign in with your second factor to create tokens."))
        elif form.is_valid():
            try:
                issued = token_create(user=request.user, actor=request.user,
                                      **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                form = TokenCreateForm()
        if form.errors:
            status = 400
    rows = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html",
                  {"form": form, "issued": issued, "rows": rows,
                   "may_create": _may_create_tokens(request)}, status=status)
