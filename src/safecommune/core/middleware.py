"""Refuse oversize request bodies before anything reads them.

Form and JSON bodies: ``SAFECOMMUNE_MAX_BODY_BYTES`` (1 MB). File uploads (multipart) may be
larger — an import, or a report's photos — up to ``SAFECOMMUNE_MAX_UPLOAD_BYTES``; each view
still checks its own file against its own limit (import, photo).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

# Path prefixes whose clients expect errors in another shape than the project's
# ``{"errors": [...]}`` (Open311's ``[{code, description}]``); an app registers its renderer in
# ``AppConfig.ready`` so this module depends on no app.
_REFUSAL_RENDERERS: dict[str, Callable[[HttpRequest, int, str], HttpResponse]] = {}


def refusal_renderer(prefix: str, render: Callable[[HttpRequest, int, str], HttpResponse]):
    """Render this middleware's refusals of requests under ``prefix`` with ``render(request,
    status, message)``."""
    _REFUSAL_RENDERERS[prefix] = render


def _refuse(request, status: int, field: str, rule: str, message: str) -> HttpResponse:
    for prefix, render in _REFUSAL_RENDERERS.items():
        if request.path.startswith(prefix):
            return render(request, status, message)
    return JsonResponse({"errors": [{"field": field, "rule": rule, "message": message}]},
                        status=status)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        multipart = (request.META.get("CONTENT_TYPE") or "").startswith("multipart/form-data")
        limit = (settings.SAFECOMMUNE_MAX_UPLOAD_BYTES if multipart
                 else settings.SAFECOMMUNE_MAX_BODY_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _refuse(request, 400, "Content-Length", "invalid",
                           _("The Content-Length header is not a number."))
        if length > limit:
            return _refuse(request, 413, "body", "max_size",
                           _("The request body is larger than %(limit)d bytes.")
                           % {"limit": limit})
        return self.get_response(request)
