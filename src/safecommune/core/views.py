"""Home page, language switcher and error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecommune.accounts.services import user_set_language
from safecommune.core.errors import DomainError
from safecommune.territory.selectors import provinces_current


def home(request):
    return render(request, "core/home.html", {"provinces": provinces_current()})


@require_POST
def set_language(request):
    """Switch the interface language; remembered in a cookie and, when signed in, on the user."""
    code = request.POST.get("language", "")
    next_url = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    try:
        if request.user.is_authenticated:
            user_set_language(user=request.user, code=code)
        else:
            from safecommune.accounts.services import language_validate
            language_validate(code=code)
    except DomainError as exc:
        return HttpResponseBadRequest(
            render(request, "core/error.html", {"status": 400, "message": exc.message}).content)
    translation.activate(code)
    path = urlsplit(next_url)
    response = HttpResponseRedirect(path.path + (f"?{path.query}" if path.query else ""))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                        secure=settings.SESSION_COOKIE_SECURE, httponly=False)
    return response


def _error(request, status: int, message: str):
    return render(request, "core/error.html", {"status": status, "message": message},
                  status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("You are not allowed to do this."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("This page does not exist, or you cannot see it."))


def server_error(request):
    return _error(request, 500, _("Something went wrong on our side. It has been logged."))
