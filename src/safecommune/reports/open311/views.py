"""The GeoReport v2 endpoints. Each answers in the format of its suffix (``.json`` or ``.xml``);
bad input is a 400, a missing or bad ``api_key`` a 403, an unknown id a 404, always with the
spec's error list, never a 500. POSTs use the ``api_key``, never a session, so they are exempt
from CSRF (no cookie is read or set)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from safecommune.core.errors import DomainError, NotFound
from safecommune.receipts.services import RateLimited
from safecommune.reports.open311 import present, selectors
from safecommune.reports.open311.formats import FORMATS, error, render
from safecommune.reports.open311.keys import api_key_authenticate
from safecommune.reports.open311.services import rate_limit, request_submit

READ = ("GET", "HEAD")
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _language(request) -> str:
    """The ``locale`` parameter (``en``, ``en_US``, ``vi-VN`` …) where it names one of our
    languages, else the request's own (Vietnamese unless the visitor chose another)."""
    locale = (request.GET.get("locale") or "")[:2].lower()
    return locale if locale in LANGUAGE_CODES else translation.get_language() or "vi"


def _refuse_nul(*pairs) -> None:
    """PostgreSQL text cannot hold U+0000; no parameter may carry it, on either database."""
    for items in pairs:
        for name, value in items:
            values = value if isinstance(value, list) else [value]
            if any("\x00" in str(item) for item in values) or "\x00" in name:
                raise selectors.bad(name[:40], "nul", _("%(field)s contains a NUL character.")
                                    % {"field": name[:40].replace("\x00", "")})


def endpoint(*methods: str):
    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, fmt: str, **kwargs):
            fmt = fmt.lower()
            language = _language(request)
            with translation.override(language):
                if fmt not in FORMATS:
                    return error("json", 404, _("Ask for .json or .xml."))
                if request.method not in methods:
                    response = error(fmt, 405, _("This address takes %(methods)s requests "
                                                 "only.") % {"methods": ", ".join(methods)})
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    _refuse_nul(kwargs.items(), request.GET.lists())
                    response = view(request, fmt, **kwargs)
                except RateLimited as exc:
                    response = error(fmt, 429, exc.message)
                except NotFound as exc:
                    response = error(fmt, 404, exc.message)
                except DomainError as exc:
                    response = error(fmt, 400, exc.message)
            response["Content-Language"] = language
            return response

        return wrapper

    return decorate


@endpoint(*READ)
def service_list(request, fmt: str):
    if (request.GET.get("jurisdiction_id") or "").strip():
        selectors.commune_for_jurisdiction(request.GET["jurisdiction_id"])
    return render(fmt, "services", [present.service(c) for c in selectors.service_list()])


@endpoint(*READ)
def service_definition(request, fmt: str, code: str):
    category = selectors.service_get(code=code)
    return render(fmt, "service_definition", present.service_definition(category))


@endpoint("GET", "HEAD", "POST")
def requests_view(request, fmt: str):
    if request.method == "POST":
        return _submit(request, fmt)
    filters = selectors.request_filters(params=request.GET)
    return render(fmt, "service_requests",
                  [present.service_request(r) for r in selectors.request_list(filters=filters)])


def _submit(request, fmt: str):
    try:
        params = request.POST.copy()
    except (SuspiciousOperation, MultiPartParserError):
        raise selectors.bad("body", "form", _("Send the fields form-encoded "
                                              "(application/x-www-form-urlencoded).")) from None
    _refuse_nul(params.lists())
    for name in ("api_key", "jurisdiction_id"):
        if not params.get(name) and request.GET.get(name):
            params[name] = request.GET[name]
    if not params.get("api_key"):
        return error(fmt, 403, _("An api_key is required to submit a request."))
    key = api_key_authenticate(params["api_key"])
    if key is None:
        return error(fmt, 403, _("The api_key is not valid or has been revoked."))
    rate_limit(key)
    try:
        report = request_submit(key=key, params=params)
    except NotFound as exc:  # an unknown service_code is bad input here, not a missing page
        raise DomainError(exc.message, field=exc.field, rule=exc.rule) from None
    response = render(fmt, "service_requests", [present.created(report)])
    response["Cache-Control"] = "no-store"
    return response


@endpoint(*READ)
def request_detail(request, fmt: str, id: str):
    report = selectors.request_get(id=id)
    return render(fmt, "service_requests", [present.service_request(report)])


@endpoint(*READ)
def token_detail(request, fmt: str, token: str):
    return error(fmt, 404, _("This server creates requests at once and issues no tokens: use "
                             "the service_request_id it returned."))
