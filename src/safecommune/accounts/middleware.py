"""Choose the interface language: the signed-in user's own choice, else the switcher's
cookie, else Vietnamese. The browser's Accept-Language is not consulted: the product's
default is Vietnamese, and a person changes it deliberately."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def language_for(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in LANGUAGE_CODES:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in LANGUAGE_CODES:
        return cookie
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionLimitsMiddleware:
    """End a session after SESSION_IDLE_SECONDS without a request and, whatever happens,
    SESSION_ABSOLUTE_SECONDS after sign-in."""

    LOGIN_AT = "_sc_login_at"
    SEEN_AT = "_sc_seen_at"
    # Refresh the idle clock at most this often, so every request need not write the session.
    SEEN_RESOLUTION = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.get(self.LOGIN_AT)
            seen_at = session.get(self.SEEN_AT, login_at)
            if login_at is None:
                session[self.LOGIN_AT] = session[self.SEEN_AT] = now
            elif (now - seen_at > settings.SESSION_IDLE_SECONDS
                  or now - login_at > settings.SESSION_ABSOLUTE_SECONDS):
                logout(request)
                request.session_expired = True
            elif now - seen_at >= self.SEEN_RESOLUTION:
                session[self.SEEN_AT] = now
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff must pass the second factor before anything else (SAFECOMMUNE_STAFF_2FA)."""

    ALLOWED_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/language/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.utils.http import urlencode
        from django.utils.translation import gettext as _

        from safecommune.accounts.twofactor import needs_second_factor

        if needs_second_factor(request) and not request.path.startswith(self.ALLOWED_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"errors": [{
                    "field": None, "rule": "two_factor",
                    "message": _("Staff must complete two-factor sign-in first.")}]}, status=403)
            return redirect(f"/accounts/two-factor/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
